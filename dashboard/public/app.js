/*
 * The dashboard page: receives snapshots over socket.io and draws them. Every value from the data is set
 * with textContent / Chart.js data, never parsed as HTML. Tests read window.dashboardCharts and
 * window.dashboardState. Each panel carries data-state (loading, error, missing, empty, ok): only an "ok"
 * panel shows its chart; the others show a sentence in its place instead of an empty Chart.js axis.
 */
(function () {
  'use strict';

  var PANELS = ['users', 'age', 'tumbling', 'hopping', 'session', 'table'];
  var WINDOW_KINDS = ['tumbling', 'hopping', 'session'];
  var SOURCE_COLORS = { Homepage: '#3b6fd8', Inbox: '#1f9d55', External: '#d9822b' };
  var EXTRA_COLORS = ['#8e44ad', '#c0392b', '#16a085', '#7f8c8d', '#2c3e50', '#b7950b'];

  var state = {
    snapshot: null,
    updates: 0,
    connected: false,
    everConnected: false,
    clockOffsetMs: 0,
    receivedAt: 0,
  };
  var charts = {};
  window.dashboardState = state;
  window.dashboardCharts = charts;

  function $(id) {
    return document.getElementById(id);
  }
  function setText(el, value) {
    if (el) el.textContent = value === null || value === undefined ? '' : String(value);
  }
  function fmtInt(n) {
    return typeof n === 'number' && isFinite(n) ? Math.round(n).toLocaleString() : '–';
  }
  function fmtNum(n, digits) {
    return typeof n === 'number' && isFinite(n) ? n.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–';
  }
  function fmtTime(ms) {
    return typeof ms === 'number' ? new Date(ms).toLocaleTimeString() : 'never';
  }
  function fmtClock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  function serverNow() {
    return Date.now() + state.clockOffsetMs;
  }

  /** Charts move between updates unless the reader asked for reduced motion. */
  var ANIMATION = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches ? false : { duration: 250 };

  /** Country labels wrap onto lines of this many characters, at most LABEL_LINES of them; tooltips keep the whole name. */
  var LABEL_CHARS = 14;
  var LABEL_LINES = 2;

  function colorFor(source, i) {
    return Object.prototype.hasOwnProperty.call(SOURCE_COLORS, source) ? SOURCE_COLORS[source] : EXTRA_COLORS[i % EXTRA_COLORS.length];
  }

  // ---------------------------------------------------------------- charts
  function makeBar(id, label, color, digits) {
    return new Chart($(id), {
      type: 'bar',
      data: { labels: [], datasets: [{ label: label, data: [], backgroundColor: color, borderRadius: 3 }] },
      options: {
        maintainAspectRatio: false,
        responsive: true,
        animation: ANIMATION,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return label + ': ' + fmtNum(ctx.parsed.y, digits);
              },
            },
          },
        },
        scales: {
          x: {
            ticks: {
              autoSkip: false,
              maxRotation: 60,
              callback: function (v) {
                return window.chartLabels.wrapLabel(this.getLabelForValue(v), LABEL_CHARS, LABEL_LINES);
              },
            },
          },
          y: { beginAtZero: true },
        },
      },
    });
  }

  function makeLine(id, xTitle, tooltipTitle) {
    return new Chart($(id), {
      type: 'line',
      data: { datasets: [] },
      options: {
        maintainAspectRatio: false,
        responsive: true,
        animation: ANIMATION,
        interaction: { mode: 'nearest', intersect: false },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              title: function (items) {
                return items.length ? tooltipTitle(items[0]) : '';
              },
              label: function (ctx) {
                return ctx.dataset.label + ': ' + fmtInt(ctx.parsed.y) + ' users' + (pointIsOpenWindow(ctx) ? ' so far (window still open)' : '');
              },
            },
          },
        },
        scales: {
          x: {
            type: 'linear',
            ticks: {
              maxTicksLimit: 8,
              callback: function (v) {
                return fmtClock(Number(v));
              },
            },
            title: { display: true, text: xTitle },
          },
          y: { beginAtZero: true, title: { display: true, text: 'users' } },
        },
      },
    });
  }

  function initCharts() {
    charts.users = makeBar('chart-users', 'Users', '#3b6fd8', 0);
    charts.age = makeBar('chart-age', 'Average age', '#1f9d55', 1);
    charts.tumbling = makeLine('chart-tumbling', 'window start', windowTitle);
    charts.hopping = makeLine('chart-hopping', 'window start', windowTitle);
    charts.session = makeLine('chart-session', 'time (a line per session, from its first view to its last)', sessionTitle);
  }

  function windowTitle(item) {
    return 'window ' + fmtClock(item.parsed.x);
  }

  /** The session under the pointer: its start and end (the segment's two points share y and sit side by side). */
  function sessionTitle(item) {
    var data = item.dataset.data;
    var i = item.dataIndex - (item.dataIndex % 3);
    var start = data[i];
    var end = data[i + 1];
    return start && end ? 'session ' + fmtClock(start.x) + ' to ' + fmtClock(end.x) : 'session';
  }

  // ---------------------------------------------------------------- rendering
  /** Sets a panel's state; style.css shows the chart only in state "ok" and the note in every other. */
  function setPanelState(panelId, key, message) {
    var panel = $(panelId);
    panel.setAttribute('data-state', key);
    setText(panel.querySelector('.empty-note'), key === 'ok' ? '' : message);
  }

  /** Loading or error before any data: the same for every panel. Null once there is data to judge by. */
  function noDataYet(s) {
    if (s && s.version > 0) return null;
    if (s && s.state === 'error')
      return { key: 'error', message: 'No data: Pinot has not answered yet (see the message above). The chart appears with the first answer.' };
    return { key: 'loading', message: 'Loading: waiting for the first answer from Pinot' };
  }

  function countryPanelState(s) {
    var early = noDataYet(s);
    if (early) return early;
    if (s.countryStatus === 'missing')
      return { key: 'missing', message: 'No countries yet: table pageview_country does not exist in Pinot (sh init.sh creates it).' };
    if ((s.countries || []).length > 0) return { key: 'ok', message: '' };
    var produced = s.headline && s.headline.viewsProduced;
    var why =
      typeof produced === 'number' && produced > 0
        ? ' ' + fmtInt(produced) + ' page views were produced, but none has joined a loaded user without NULL fields yet (see "Views dropped by the join").'
        : ' Rows appear once page views of loaded users without NULL fields arrive (npm run produce -- all).';
    return { key: 'empty', message: 'No countries yet: pageview_country has no rows.' + why };
  }

  function windowPanelState(s, kind) {
    var early = noDataYet(s);
    if (early) return early;
    var panel = s.windows && s.windows[kind];
    var words = 'No ' + kind + ' windows yet: ';
    if (!panel || panel.status === 'missing')
      return { key: 'missing', message: words + 'table ' + (panel ? panel.table : 'pageview_' + kind) + ' does not exist in Pinot (sh init.sh creates it).' };
    if (panel.status === 'empty' || panel.series.length === 0) {
      return { key: 'empty', message: words + panel.table + ' has no rows. A window appears once page views arrive (npm run produce -- all).' };
    }
    return { key: 'ok', message: '' };
  }

  /** Every panel's state, on every snapshot (loading and error change without new data). */
  function renderPanelStates(s) {
    var c = countryPanelState(s);
    ['panel-users', 'panel-age', 'panel-table'].forEach(function (id) {
      setPanelState(id, c.key, c.message);
    });
    WINDOW_KINDS.forEach(function (kind) {
      var w = windowPanelState(s, kind);
      setPanelState('panel-' + kind, w.key, w.message);
    });
  }

  // Charts are redrawn only when their data changed, so a poll with the same numbers does not restart animations.
  var drawn = {};
  function changed(key, value) {
    var signature = JSON.stringify(value);
    if (drawn[key] === signature) return false;
    drawn[key] = signature;
    return true;
  }

  function renderCountries(s) {
    var bars = s.countries || [];
    if (!changed('countries', bars)) return;

    var labels = bars.map(function (b) {
      return b.label;
    });
    charts.users.data.labels = labels;
    charts.users.data.datasets[0].data = bars.map(function (b) {
      return b.users;
    });
    charts.users.update();
    charts.age.data.labels = labels.slice();
    charts.age.data.datasets[0].data = bars.map(function (b) {
      return b.avgAge === null ? null : Math.round(b.avgAge * 10) / 10;
    });
    charts.age.update();

    var body = $('country-table').querySelector('tbody');
    var rows = [];
    bars.forEach(function (b) {
      var tr = document.createElement('tr');
      if (b.other) tr.className = 'other';
      var cells = [b.other ? b.label + ' (' + b.other.countries + ' countries)' : b.label, fmtInt(b.users), fmtNum(b.avgAge, 1), fmtInt(b.views)];
      cells.forEach(function (value, i) {
        var td = document.createElement(i === 0 ? 'th' : 'td');
        if (i === 0) td.setAttribute('scope', 'row');
        else td.className = 'num';
        td.textContent = value;
        tr.appendChild(td);
      });
      rows.push(tr);
    });
    body.replaceChildren.apply(body, rows);
  }

  function renderWindows(s) {
    WINDOW_KINDS.forEach(function (kind) {
      var panel = s.windows && s.windows[kind];
      var chart = charts[kind];
      var series = panel ? panel.series : [];
      if (changed('window-' + kind, series)) {
        // Keep each source's dataset object, so Chart.js animates from the old values instead of from zero.
        var bySource = {};
        chart.data.datasets.forEach(function (d) {
          bySource[d.label] = d;
        });
        chart.data.datasets = series.map(function (line, i) {
          var color = colorFor(line.source, i);
          var dataset = bySource[line.source] || { label: line.source, borderColor: color, backgroundColor: color, pointRadius: 2, tension: 0 };
          dataset.data =
            kind === 'session'
              ? sessionSegments(line.points)
              : line.points.map(function (p) {
                  return { x: p.x, y: p.y };
                });
          if (kind !== 'session') markOpenWindows(dataset, line.points, color);
          return dataset;
        });
        chart.update();
      }
    });
  }

  /**
   * The newest windows are still open (their end is after now): their counts grow until they close, so a
   * line falling into them is not a fall in traffic. They are drawn hollow, reached by a dashed segment,
   * and their tooltip says so. `windowEnds` sits beside `data` so the drawn points stay plain {x, y}.
   */
  function markOpenWindows(dataset, points, color) {
    dataset.windowEnds = points.map(function (p) {
      return p.windowEnd;
    });
    var isOpen = function (i) {
      return dataset.windowEnds[i] > serverNow();
    };
    dataset.pointBackgroundColor = function (ctx) {
      return isOpen(ctx.dataIndex) ? '#ffffff' : color;
    };
    dataset.segment = {
      borderDash: function (ctx) {
        return isOpen(ctx.p1DataIndex) ? [6, 4] : undefined;
      },
    };
  }

  /** True when the point under a tooltip is a window that has not closed yet. */
  function pointIsOpenWindow(ctx) {
    var ends = ctx.dataset.windowEnds;
    return !!ends && ends[ctx.dataIndex] > serverNow();
  }

  /**
   * A session is drawn as a flat segment from its start to its end at its user count, so a live session
   * shows how long it has lasted; a null point between sessions keeps them apart (no line joins two).
   */
  function sessionSegments(points) {
    var data = [];
    points
      .slice()
      .sort(function (a, b) {
        return a.x - b.x;
      })
      .forEach(function (p) {
        data.push({ x: p.x, y: p.y }, { x: p.windowEnd, y: p.y }, { x: p.windowEnd, y: null });
      });
    return data;
  }

  function known(n) {
    return typeof n === 'number' && isFinite(n);
  }

  function renderHeadline(s) {
    var h = s.headline || {};
    var has = s.version > 0;
    if (h.pageviewTopic) setText($('views-produced-sub'), 'end offsets of ' + h.pageviewTopic);
    setText($('views-produced'), has && known(h.viewsProduced) ? fmtInt(h.viewsProduced) : '–');
    setText($('total-views'), has && known(h.viewsJoined) ? fmtInt(h.viewsJoined) : '–');
    setText($('views-dropped'), has && known(h.viewsDropped) ? fmtInt(h.viewsDropped) : '–');
    setText(
      $('views-dropped-sub'),
      has && known(h.viewsDropped) && h.viewsProduced > 0
        ? fmtNum((100 * h.viewsDropped) / h.viewsProduced, 1) + '% of produced: users cleaned out or not loaded yet'
        : 'produced minus joined',
    );
    setText($('distinct-users'), has ? fmtInt(h.distinctUsers) : '–');
    setText($('country-count'), has ? fmtInt(h.countries) : '–');
    setText($('events-per-second'), has && known(h.eventsPerSecond) ? fmtNum(h.eventsPerSecond, 1) : '–');
    setText($('produced-per-second'), 'produced: ' + (has && known(h.producedPerSecond) ? fmtNum(h.producedPerSecond, 1) + '/s' : '–'));
    var note = $('views-note');
    setText(note, has && h.viewsNote ? 'Views produced/dropped unknown: ' + h.viewsNote + '.' : '');
    note.classList.toggle('hidden', !(has && h.viewsNote));
  }

  function renderHealth(s) {
    window.renderHealthStrip($('health'), s.health, s.healthCheckedAt);
  }

  /** The overall state shown: the server's, or stale/disconnected from the browser's point of view. */
  function viewState(s) {
    if (!s) return { key: 'loading', badge: 'Loading' };
    var lagMs = s.nextPollAt ? serverNow() - s.nextPollAt : 0;
    var overdue = lagMs > Math.max(10000, 2 * s.pollIntervalMs);
    if (!state.connected && state.everConnected)
      return { key: 'stale', badge: 'Disconnected', disconnected: true, reason: 'Connection to the dashboard server lost; reconnecting.' };
    if (s.state === 'error') return { key: 'error', badge: s.stale ? 'Error (stale data)' : 'Pinot unreachable' };
    if (overdue && s.updatedAt) return { key: 'stale', badge: 'Stale', reason: 'No update from the server since ' + fmtTime(s.updatedAt) + '.' };
    if (s.state === 'loading') return { key: 'loading', badge: 'Loading' };
    if (s.state === 'empty') return { key: 'empty', badge: 'No data' };
    return { key: 'ok', badge: 'Live' };
  }

  function renderStatus() {
    var s = state.snapshot;
    var v = viewState(s);
    var badge = $('state-badge');
    badge.className = 'badge badge-' + v.key;
    setText(badge, v.badge);
    document.body.setAttribute('data-state', v.key);

    var banner = $('banner');
    var code = $('banner-code');
    var text = '';
    var command = '';
    if (v.disconnected) {
      text = v.reason + (s && s.updatedAt ? ' Showing the last good data from ' + fmtTime(s.updatedAt) + '.' : '');
    } else if (!s || s.state === 'loading') {
      text = state.everConnected || state.connected ? 'Loading: waiting for the first answer from Pinot' : 'Loading: connecting to the dashboard server';
    } else if (s.state === 'error') {
      var retry = s.nextPollAt ? Math.max(0, Math.ceil((s.nextPollAt - serverNow()) / 1000)) : null;
      text =
        'Pinot unreachable: ' +
        (s.error || 'unknown error') +
        '. Retrying' +
        (retry !== null ? ' in ' + retry + ' s' : '') +
        ' (attempt ' +
        s.failures +
        ', with back-off).' +
        (s.stale ? ' Showing the last good data from ' + fmtTime(s.updatedAt) + '.' : '');
    } else if (v.key === 'stale') {
      text = v.reason + ' Showing the last good data from ' + fmtTime(s.updatedAt) + '.';
    } else if (s.state === 'empty') {
      var hint = s.hint || 'No data yet.';
      var m = /^(.*?:)\s*(npm run [^\n]+)$/.exec(hint);
      if (m) {
        text = m[1];
        command = m[2];
      } else {
        text = hint;
      }
    }
    banner.className = 'banner banner-' + v.key + (text ? '' : ' hidden');
    setText($('banner-text'), text);
    setText(code, command);
    code.classList.toggle('hidden', !command);

    var staleData = !!s && s.updatedAt !== null && (v.key === 'stale' || (s.state === 'error' && s.stale));
    PANELS.forEach(function (p) {
      $('panel-' + p).classList.toggle('stale', staleData);
    });

    window.renderPollTimes($('updated-at'), $('countdown'), s ? s.updatedAt : null, s ? s.nextPollAt : null, serverNow());
  }

  function render(s) {
    state.snapshot = s;
    state.updates++;
    state.receivedAt = Date.now();
    if (typeof s.serverTime === 'number') state.clockOffsetMs = s.serverTime - Date.now();
    // Data panels change only with new data (a new version); an error keeps the last good data on screen.
    if (s.version !== state.renderedVersion) {
      renderCountries(s);
      renderWindows(s);
      renderHeadline(s);
      state.renderedVersion = s.version;
    }
    renderPanelStates(s);
    renderHealth(s);
    renderStatus();
  }

  // ---------------------------------------------------------------- wiring
  function start() {
    if (typeof Chart === 'undefined' || typeof io === 'undefined') {
      setText($('banner-text'), 'The page could not load its scripts (Chart.js / socket.io). Reload the page.');
      $('banner').className = 'banner banner-error';
      return;
    }
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    initCharts();
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
    socket.on('snapshot', render);
    setInterval(renderStatus, 1000);
    renderStatus();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
