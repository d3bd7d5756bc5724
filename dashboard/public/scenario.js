/*
 * A scenario's dashboard page: the server sends its panels (rows from Pinot) over socket.io; each is
 * drawn as a line or bar chart, a table or a big number. Values are set with textContent or Chart.js
 * data, never parsed as HTML. Each panel element carries data-panel and data-state (loading, ok,
 * empty, error) for people and tests alike; window.scenarioCharts holds the charts.
 */
(function () {
  'use strict';

  var COLORS = ['#3b6fd8', '#1f9d55', '#d9822b', '#8e44ad', '#c0392b', '#16a085', '#7f8c8d', '#2c3e50', '#b7950b'];
  var state = { snapshot: null, updates: 0, connected: false, everConnected: false, clockOffsetMs: 0 };
  var charts = {};
  var built = false;
  window.scenarioState = state;
  window.scenarioCharts = charts;

  function $(id) { return document.getElementById(id); }
  function setText(el, value) { if (el) el.textContent = value === null || value === undefined ? '' : String(value); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function fmtValue(v) {
    if (typeof v === 'number' && isFinite(v)) return Number.isInteger(v) ? v.toLocaleString() : v.toLocaleString(undefined, { maximumFractionDigits: 2 });
    return v === null || v === undefined ? '' : String(v);
  }
  function fmtClock(ms) { return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }); }
  function serverNow() { return Date.now() + state.clockOffsetMs; }
  function toNumber(v) { var n = typeof v === 'number' ? v : Number(v); return isFinite(n) ? n : null; }

  function buildPanels(panels) {
    var grid = $('panels');
    grid.replaceChildren();
    panels.forEach(function (p) {
      var article = el('article', 'panel');
      article.setAttribute('data-panel', p.id);
      article.setAttribute('data-state', 'loading');
      article.appendChild(el('h2', '', p.title));
      if (p.description) article.appendChild(el('p', 'empty-note', p.description));
      if (p.kind === 'line' || p.kind === 'bar') {
        var box = el('div', 'chart-box');
        var canvas = el('canvas');
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', p.title);
        box.appendChild(canvas);
        article.appendChild(box);
        charts[p.id] = p.kind === 'line' ? makeLine(canvas, p) : makeBar(canvas);
      } else if (p.kind === 'table') {
        var tableBox = el('div', 'table-box');
        tableBox.appendChild(el('table'));
        article.appendChild(tableBox);
      } else {
        article.appendChild(el('div', 'card-value stat-value', '–'));
      }
      article.appendChild(el('p', 'empty-note panel-note hidden'));
      grid.appendChild(article);
    });
  }

  function makeLine(canvas, p) {
    return new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        maintainAspectRatio: false, responsive: true, animation: { duration: 250 },
        interaction: { mode: 'nearest', intersect: false },
        plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { title: function (items) { return items.length ? fmtClock(items[0].parsed.x) : ''; } } } },
        scales: {
          x: { type: 'linear', ticks: { maxTicksLimit: 8, callback: function (v) { return fmtClock(Number(v)); } }, title: { display: true, text: p.x } },
          y: { beginAtZero: true },
        },
      },
    });
  }

  function makeBar(canvas) {
    return new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: { maintainAspectRatio: false, responsive: true, animation: { duration: 250 }, plugins: { legend: { position: 'bottom' } }, scales: { y: { beginAtZero: true } } },
    });
  }

  function lineDatasets(p) {
    var groups = {};
    var order = [];
    p.rows.forEach(function (row) {
      (p.y || []).forEach(function (column) {
        var name = p.series ? String(row[p.series]) + ((p.y.length > 1) ? ' ' + column : '') : column;
        if (!groups[name]) { groups[name] = []; order.push(name); }
        var x = toNumber(row[p.x]);
        var y = toNumber(row[column]);
        if (x !== null && y !== null) groups[name].push({ x: x, y: y });
      });
    });
    return order.map(function (name, i) {
      var points = groups[name].sort(function (a, b) { return a.x - b.x; });
      return { label: name, data: points, borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length], pointRadius: 2, tension: 0.2 };
    });
  }

  function renderTable(article, p) {
    var table = article.querySelector('table');
    var columns = p.rows.length > 0 ? Object.keys(p.rows[0]) : [];
    var head = el('thead');
    var headRow = el('tr');
    columns.forEach(function (c) { var th = el('th', '', c); th.setAttribute('scope', 'col'); headRow.appendChild(th); });
    head.appendChild(headRow);
    var body = el('tbody');
    p.rows.forEach(function (row) {
      var tr = el('tr');
      columns.forEach(function (c) { tr.appendChild(el('td', typeof row[c] === 'number' ? 'num' : '', fmtValue(row[c]))); });
      body.appendChild(tr);
    });
    table.replaceChildren(head, body);
  }

  function renderPanel(p) {
    var article = document.querySelector('[data-panel="' + p.id + '"]');
    if (!article) return;
    article.setAttribute('data-state', p.state);
    article.setAttribute('data-rows', String(p.rows.length));
    article.classList.toggle('stale', p.state === 'error' && p.rows.length > 0);
    var note = article.querySelector('.panel-note');
    var message = p.state === 'empty' ? 'No rows yet' + (p.error ? ': ' + p.error : '.') : p.state === 'error' ? 'Query failed: ' + p.error : '';
    setText(note, message);
    note.classList.toggle('hidden', !message);
    var chart = charts[p.id];
    if (p.kind === 'line') {
      chart.data.datasets = lineDatasets(p);
      chart.update();
    } else if (p.kind === 'bar') {
      chart.data.labels = p.rows.map(function (row) { return fmtValue(row[p.x]); });
      chart.data.datasets = (p.y || []).map(function (column, i) {
        return { label: column, data: p.rows.map(function (row) { return toNumber(row[column]); }), backgroundColor: COLORS[i % COLORS.length], borderRadius: 3 };
      });
      chart.update();
    } else if (p.kind === 'table') {
      renderTable(article, p);
    } else {
      setText(article.querySelector('.stat-value'), p.rows.length > 0 ? fmtValue(p.rows[0][p.y[0]]) : '–');
    }
  }

  function renderStatus() {
    var s = state.snapshot;
    var key = 'loading';
    var badge = 'Loading';
    var text = state.connected || state.everConnected ? 'Loading: waiting for the first answer from Pinot' : 'Loading: connecting to the dashboard server';
    if (!state.connected && state.everConnected) {
      key = 'stale'; badge = 'Disconnected'; text = 'Connection to the dashboard server lost; reconnecting.';
    } else if (s && s.updatedAt === null && s.attemptedAt !== null) {
      var failed = s.panels.filter(function (p) { return p.state === 'error'; });
      key = failed.length ? 'error' : 'loading';
      badge = failed.length ? 'Pinot unreachable' : 'Loading';
      text = failed.length ? 'Pinot unreachable: ' + failed[0].error + '. Retrying with back-off.' : text;
    } else if (s && s.updatedAt !== null) {
      var errors = s.panels.filter(function (p) { return p.state === 'error'; });
      var empty = s.panels.every(function (p) { return p.state === 'empty'; });
      key = errors.length ? 'error' : empty ? 'empty' : 'ok';
      badge = errors.length ? 'Error (stale data)' : empty ? 'No data' : 'Live';
      text = errors.length ? 'Some panels failed: ' + errors[0].error + '. Showing the last good data.' : empty ? 'No data in Pinot yet: the producers of this scenario have not reached it.' : '';
    }
    var b = $('state-badge');
    b.className = 'badge badge-' + key;
    setText(b, badge);
    document.body.setAttribute('data-state', key);
    $('banner').className = 'banner banner-' + key + (text ? '' : ' hidden');
    setText($('banner-text'), text);
    window.renderPollTimes($('updated-at'), $('countdown'), s ? s.updatedAt : null, s ? s.nextPollAt : null, serverNow());
  }

  function render(s) {
    state.snapshot = s;
    state.updates++;
    if (typeof s.serverTime === 'number') state.clockOffsetMs = s.serverTime - Date.now();
    if (!built) {
      setText($('title'), s.title);
      document.title = s.title + ': live dashboard';
      buildPanels(s.panels);
      built = true;
    }
    s.panels.forEach(renderPanel);
    window.renderHealthStrip($('health'), s.health, s.healthCheckedAt || s.updatedAt);
    renderStatus();
  }

  function start() {
    if (typeof Chart === 'undefined' || typeof io === 'undefined') {
      setText($('banner-text'), 'The page could not load its scripts (Chart.js / socket.io). Reload the page.');
      $('banner').className = 'banner banner-error';
      return;
    }
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    var socket = io({ reconnectionDelay: 1000, reconnectionDelayMax: 10000 });
    socket.on('connect', function () { state.connected = true; state.everConnected = true; renderStatus(); });
    socket.on('disconnect', function () { state.connected = false; renderStatus(); });
    socket.on('scenario', render);
    setInterval(renderStatus, 1000);
    renderStatus();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
