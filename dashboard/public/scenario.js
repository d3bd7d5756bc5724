/*
 * A scenario's dashboard page: the server sends its panels (rows from Pinot) over socket.io; each is
 * drawn as a line or bar chart, a table or a compact number card (stat panels share one row above the
 * charts). Values are set with textContent or Chart.js data, never parsed as HTML. Each panel element
 * carries data-panel, data-kind and data-state (loading, ok, empty, error) for people and tests alike;
 * window.scenarioCharts holds the charts. A panel without rows shows a sentence in place of its chart
 * or table, never an empty axis. Options of a panel (dashboard/scenario-panels.ts): `note`, a caption
 * under it; `topSeries`, lines for the N largest series and grey points for the rest; `clock`, table
 * columns of epoch ms shown as local times.
 */
(function () {
  'use strict';

  var COLORS = ['#3b6fd8', '#1f9d55', '#d9822b', '#8e44ad', '#c0392b', '#16a085', '#2c3e50', '#b7950b', '#d6336c', '#5c940d'];
  /** The series beyond a panel's topSeries: one grey, unlined set of points. */
  var OTHERS_COLOR = 'rgba(110, 120, 130, 0.55)';
  /** Bar labels wrap onto lines of this many characters, at most LABEL_LINES of them, then an ellipsis; tooltips keep the full text. */
  var LABEL_CHARS = 14;
  var LABEL_LINES = 2;
  var state = { snapshot: null, updates: 0, connected: false, everConnected: false, clockOffsetMs: 0 };
  var charts = {};
  /** Each panel's last drawn state and rows, as JSON: a poll that changed nothing redraws nothing. */
  var drawn = {};
  var built = false;
  /** Chart animations, unless the reader asked for less motion. */
  var ANIMATION = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches ? false : { duration: 250 };
  window.scenarioState = state;
  window.scenarioCharts = charts;

  function $(id) {
    return document.getElementById(id);
  }
  function setText(el, value) {
    if (el) el.textContent = value === null || value === undefined ? '' : String(value);
  }
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
  /** 24-hour clock times: "15:30:45" is shorter than "03:30:45 PM" on axes and in table columns. */
  function fmtClock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  }
  /**
   * A table's time cell: the clock time, with the date in front when it is not today's (after midnight,
   * yesterday's sessions still show). The date and the clock are each kept whole but may go on two lines,
   * so a table with two dated columns still fits its panel.
   */
  function timeCell(v) {
    var ms = toNumber(v);
    if (ms === null) return el('td', 'time', fmtValue(v));
    var d = new Date(ms);
    var td = el('td', 'time');
    td.title = d.toLocaleString();
    if (new Date(serverNow()).toDateString() !== d.toDateString()) {
      td.appendChild(el('span', 'date', d.toLocaleDateString([], { month: 'short', day: 'numeric' })));
      td.appendChild(document.createTextNode(' '));
    }
    td.appendChild(el('span', 'clock', fmtClock(ms)));
    return td;
  }
  var wrapLabel = window.chartLabels.wrapLabel;
  function serverNow() {
    return Date.now() + state.clockOffsetMs;
  }
  function toNumber(v) {
    var n = typeof v === 'number' ? v : Number(v);
    return isFinite(n) ? n : null;
  }

  function buildPanels(panels) {
    var grid = $('panels');
    var stats = $('stats');
    grid.replaceChildren();
    stats.replaceChildren();
    panels.forEach(function (p) {
      var stat = p.kind !== 'line' && p.kind !== 'bar' && p.kind !== 'table';
      var article = el('article', stat ? 'panel panel-stat' : 'panel');
      article.setAttribute('data-panel', p.id);
      article.setAttribute('data-kind', stat ? 'stat' : p.kind);
      article.setAttribute('data-state', 'loading');
      article.appendChild(el('h2', stat ? 'stat-label' : '', p.title));
      if (stat) article.appendChild(el('div', 'stat-value', '–'));
      if (p.description) article.appendChild(el('p', stat ? 'stat-sub' : 'panel-desc', p.description));
      if (p.kind === 'line' || p.kind === 'bar') {
        var box = el('div', 'chart-box hidden');
        var canvas = el('canvas');
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', p.title);
        box.appendChild(canvas);
        article.appendChild(box);
        charts[p.id] = p.kind === 'line' ? makeLine(canvas, p) : makeBar(canvas);
      } else if (p.kind === 'table') {
        var tableBox = el('div', 'table-box hidden');
        tableBox.appendChild(el('table'));
        article.appendChild(tableBox);
      }
      // In place of the chart or table while there are no rows: what the panel is waiting for.
      article.appendChild(el('p', stat ? 'panel-note' : 'panel-note placeholder', 'Loading: waiting for the first answer from Pinot'));
      if (p.note) article.appendChild(el('p', 'panel-caption', p.note));
      (stat ? stats : grid).appendChild(article);
    });
    stats.classList.toggle('hidden', stats.children.length === 0);
  }

  /**
   * Time ticks for a plot this wide: a "15:33:07" label needs about 80 px. Chart.js assumes 40 px per
   * tick on a linear axis and, with rotation off, draws the labels over each other on a phone.
   */
  function timeTickLimit(width) {
    return Math.max(2, Math.min(8, Math.floor(width / 80)));
  }

  function makeLine(canvas, p) {
    return new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        maintainAspectRatio: false,
        responsive: true,
        animation: ANIMATION,
        // Runs before the redraw that follows every resize (phone rotated, window narrowed).
        onResize: function (chart, size) {
          chart.options.scales.x.ticks.maxTicksLimit = timeTickLimit(size.width);
        },
        interaction: { mode: 'nearest', intersect: false },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: {
            callbacks: {
              title: function (items) {
                return items.length ? fmtClock(items[0].parsed.x) : '';
              },
              // A point of "others" names its own series.
              label: function (item) {
                return (item.raw && item.raw.series !== undefined ? item.raw.series : item.dataset.label) + ': ' + item.formattedValue;
              },
            },
          },
        },
        scales: {
          // Level labels (slanted ones eat the plot's height), as many as fit (onResize sets the limit once
          // the chart has a size). The axis spans the data, with no empty stretch to the next even tick, and
          // is labelled at its evenly spaced ticks only: the data's first and last times as extra ticks
          // would crowd their neighbours.
          x: {
            type: 'linear',
            bounds: 'data',
            ticks: {
              includeBounds: false,
              maxTicksLimit: 8,
              maxRotation: 0,
              callback: function (v) {
                return fmtClock(Number(v));
              },
            },
            title: { display: true, text: p.x },
          },
          y: { beginAtZero: true },
        },
      },
    });
  }

  function makeBar(canvas) {
    return new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        maintainAspectRatio: false,
        responsive: true,
        animation: ANIMATION,
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } } },
        scales: {
          // Long labels (hotel categories, names) wrap on the axis, shortened past two lines; the tooltip shows them whole.
          x: {
            ticks: {
              callback: function (v) {
                return wrapLabel(this.getLabelForValue(Number(v)), LABEL_CHARS, LABEL_LINES);
              },
            },
          },
          y: { beginAtZero: true },
        },
      },
    });
  }

  /** One line per series (per y column without a series); with topSeries, the rest as grey points. */
  function lineDatasets(p) {
    var groups = {};
    var order = [];
    p.rows.forEach(function (row) {
      (p.y || []).forEach(function (column) {
        var name = p.series ? String(row[p.series]) + (p.y.length > 1 ? ' ' + column : '') : column;
        if (!groups[name]) {
          groups[name] = [];
          order.push(name);
        }
        var x = toNumber(row[p.x]);
        var y = toNumber(row[column]);
        if (x !== null && y !== null) groups[name].push({ x: x, y: y });
      });
    });
    var series = order.map(function (name) {
      return {
        name: name,
        points: groups[name].sort(function (a, b) {
          return a.x - b.x;
        }),
      };
    });
    var top = p.topSeries;
    if (!top || series.length <= top + 1)
      return series.map(function (s, i) {
        return lineDataset(s.name, s.points, COLORS[i % COLORS.length]);
      });
    // The largest totals first (ties by name, so the choice is stable from one poll to the next).
    var total = function (s) {
      return s.points.reduce(function (n, pt) {
        return n + pt.y;
      }, 0);
    };
    var ranked = series.slice().sort(function (a, b) {
      return total(b) - total(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    var rest = ranked.slice(top);
    var others = [];
    rest.forEach(function (s) {
      s.points.forEach(function (pt) {
        others.push({ x: pt.x, y: pt.y, series: s.name });
      });
    });
    others.sort(function (a, b) {
      return a.x - b.x;
    });
    var datasets = ranked.slice(0, top).map(function (s, i) {
      return lineDataset(s.name, s.points, COLORS[i % COLORS.length]);
    });
    var grey = lineDataset('others (' + rest.length + ')', others, OTHERS_COLOR);
    grey.showLine = false;
    datasets.push(grey);
    return datasets;
  }

  function lineDataset(label, points, color) {
    // Monotone curves never overshoot a point: no loops or dips below zero between close points.
    return { label: label, data: points, borderColor: color, backgroundColor: color, pointRadius: 2, tension: 0.2, cubicInterpolationMode: 'monotone' };
  }

  /** A column name that may wrap after its underscores (session_start), as text nodes and <wbr>. */
  function headerCell(name) {
    var th = el('th');
    th.setAttribute('scope', 'col');
    String(name)
      .split('_')
      .forEach(function (part, i) {
        if (i > 0) {
          th.appendChild(document.createTextNode('_'));
          th.appendChild(el('wbr'));
        }
        th.appendChild(document.createTextNode(part));
      });
    return th;
  }

  function renderTable(article, p) {
    var table = article.querySelector('table');
    var columns = p.rows.length > 0 ? Object.keys(p.rows[0]) : [];
    var clock = p.clock || [];
    var head = el('thead');
    var headRow = el('tr');
    columns.forEach(function (c) {
      var th = headerCell(c);
      if (clock.indexOf(c) < 0 && typeof p.rows[0][c] === 'number') th.className = 'num';
      headRow.appendChild(th);
    });
    head.appendChild(headRow);
    var body = el('tbody');
    p.rows.forEach(function (row) {
      var tr = el('tr');
      columns.forEach(function (c) {
        tr.appendChild(clock.indexOf(c) >= 0 ? timeCell(row[c]) : el('td', typeof row[c] === 'number' ? 'num' : 'text', fmtValue(row[c])));
      });
      body.appendChild(tr);
    });
    table.replaceChildren(head, body);
  }

  function renderPanel(p) {
    var article = document.querySelector('[data-panel="' + p.id + '"]');
    if (!article) return;
    var signature = JSON.stringify([p.state, p.error, p.rows]);
    if (drawn[p.id] === signature) return;
    drawn[p.id] = signature;
    article.setAttribute('data-state', p.state);
    article.setAttribute('data-rows', String(p.rows.length));
    article.classList.toggle('stale', p.state === 'error' && p.rows.length > 0);
    var note = article.querySelector('.panel-note');
    var message =
      p.state === 'empty'
        ? 'No rows yet' + (p.error ? ': ' + p.error : '.')
        : p.state === 'error'
          ? 'Query failed: ' + p.error + (p.rows.length ? '. Showing the last rows.' : '')
          : p.state === 'loading'
            ? 'Loading: waiting for the first answer from Pinot'
            : '';
    setText(note, message);
    note.classList.toggle('hidden', !message);
    // Without rows the note stands in for the chart or table: no empty axis with placeholder labels.
    var box = article.querySelector('.chart-box, .table-box');
    if (box) box.classList.toggle('hidden', p.rows.length === 0);
    note.classList.toggle('placeholder', !!box && p.rows.length === 0);
    var chart = charts[p.id];
    if (p.kind === 'line') {
      chart.data.datasets = lineDatasets(p);
      // One line needs no legend: the title says what it is, and the plot keeps the room.
      chart.options.plugins.legend.display = chart.data.datasets.length > 1;
      chart.update();
    } else if (p.kind === 'bar') {
      chart.data.labels = p.rows.map(function (row) {
        return fmtValue(row[p.x]);
      });
      chart.data.datasets = (p.y || []).map(function (column, i) {
        return {
          label: column,
          data: p.rows.map(function (row) {
            return toNumber(row[column]);
          }),
          backgroundColor: COLORS[i % COLORS.length],
          borderRadius: 3,
        };
      });
      chart.options.plugins.legend.display = chart.data.datasets.length > 1;
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
      key = 'stale';
      badge = 'Disconnected';
      text = 'Connection to the dashboard server lost; reconnecting.';
    } else if (s && s.updatedAt === null && s.attemptedAt !== null) {
      var failed = s.panels.filter(function (p) {
        return p.state === 'error';
      });
      key = failed.length ? 'error' : 'loading';
      badge = failed.length ? 'Pinot unreachable' : 'Loading';
      text = failed.length ? 'Pinot unreachable: ' + failed[0].error + '. Retrying with back-off.' : text;
    } else if (s && s.updatedAt !== null) {
      var errors = s.panels.filter(function (p) {
        return p.state === 'error';
      });
      var empty = s.panels.every(function (p) {
        return p.state === 'empty';
      });
      key = errors.length ? 'error' : empty ? 'empty' : 'ok';
      badge = errors.length ? 'Error (stale data)' : empty ? 'No data' : 'Live';
      text = errors.length
        ? 'Some panels failed: ' + errors[0].error + '. Showing the last good data.'
        : empty
          ? 'No data in Pinot yet: the producers of this scenario have not reached it.'
          : '';
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
    socket.on('connect', function () {
      state.connected = true;
      state.everConnected = true;
      renderStatus();
    });
    socket.on('disconnect', function () {
      state.connected = false;
      renderStatus();
    });
    socket.on('scenario', render);
    setInterval(renderStatus, 1000);
    renderStatus();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
