/**
 * The query console page served by the controller at `/` (`/#/query` as Pinot's UI routes it): one
 * static HTML document with inline CSS, JS and icon, no external assets (works offline). It lists the tables
 * with their schemas (`GET /tables`, `GET /tables/{t}/schema`), runs SQL through `POST /sql` (button or
 * Ctrl/Cmd-Enter), shows the result grid, timing (`#timing`: rows, broker timeUsedMs, round trip) and
 * errors (`#errors`: Pinot exceptions, `{code,error}` bodies, network failures), and renders every value
 * with textContent (data is never parsed as HTML).
 */

/**
 * The page's icon, declared in the page so the browser does not ask the controller for /favicon.ico
 * (a 404 and a console error on every load): a 16x16 SVG of our own, a "P" on the header's navy, as a
 * data: URL (the console's CSP allows img-src data:).
 */
export const CONSOLE_ICON =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">' +
      '<rect width="16" height="16" rx="3" fill="#0d2c54"/>' +
      '<path d="M5.5 12.5v-9h3a2.75 2.75 0 0 1 0 5.5h-3" fill="none" stroke="#fff" stroke-width="1.8"/></svg>',
  );

export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pinot Query Console (embedded)</title>
<link rel="icon" href="${CONSOLE_ICON}">
<style>
  :root { --fg: #1d2330; --muted: #667085; --line: #d0d5dd; --accent: #1565c0; --bad: #b42318; --bg: #f7f8fa; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
  header { background: #0d2c54; color: #fff; padding: 10px 16px; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 16px; margin: 0; }
  header span { color: #b8c7e0; font-size: 12px; }
  main { display: grid; grid-template-columns: 240px 1fr; gap: 16px; padding: 16px; }
  aside { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; align-self: start; }
  aside h2 { font-size: 13px; margin: 4px 4px 8px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
  aside ul { list-style: none; margin: 0; padding: 0; }
  aside li button { width: 100%; text-align: left; background: none; border: 0; padding: 6px 8px; border-radius: 4px; cursor: pointer; font: inherit; color: var(--accent); }
  aside li button:hover { background: #eef4fc; }
  aside li { margin-bottom: 4px; }
  aside details { margin: 0 8px 4px; font-size: 12px; }
  aside summary { color: var(--muted); cursor: pointer; }
  aside .cols { width: 100%; border-collapse: collapse; margin-top: 2px; }
  aside .cols td { padding: 1px 4px; border: 0; white-space: nowrap; font-size: 12px; }
  aside .cols td.type { color: var(--muted); }
  aside .cols td.kind { color: #98a2b3; font-size: 10px; text-transform: lowercase; }
  #timing { font-size: 13px; color: var(--fg); }
  #status.bad { color: var(--bad); }
  section { min-width: 0; }
  textarea { width: 100%; min-height: 120px; font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; padding: 8px; border: 1px solid var(--line); border-radius: 6px; resize: vertical; }
  .bar { display: flex; gap: 12px; align-items: center; margin: 8px 0 12px; flex-wrap: wrap; }
  .bar button { background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: 7px 16px; font: inherit; cursor: pointer; }
  .bar button:disabled { opacity: .6; cursor: default; }
  .bar label { color: var(--muted); font-size: 13px; }
  #status { color: var(--muted); font-size: 13px; }
  #errors { color: var(--bad); white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 12px; margin-bottom: 8px; }
  .tablewrap { overflow: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; max-height: 60vh; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { padding: 6px 10px; border-bottom: 1px solid #eaecf0; text-align: left; white-space: pre; }
  th { position: sticky; top: 0; background: #f2f4f7; font-weight: 600; }
  th small { display: block; font-weight: 400; color: var(--muted); font-size: 11px; }
  #stats { margin-top: 10px; font-size: 12px; color: var(--muted); }
  .empty { padding: 16px; color: var(--muted); }
</style>
</head>
<body>
<header><h1>Pinot Query Console</h1><span>embedded stand-in &middot; queries run through the controller (POST /sql)</span></header>
<main>
  <aside>
    <h2>Tables</h2>
    <ul id="tables"><li class="empty">loading&hellip;</li></ul>
  </aside>
  <section>
    <textarea id="sql" spellcheck="false" aria-label="SQL query">SELECT * FROM pageview_country LIMIT 10</textarea>
    <div class="bar">
      <button id="run" type="button">Run Query</button>
      <label><input id="tracing" type="checkbox"> Tracing</label>
      <label>Query options <input id="options" type="text" size="28" placeholder="timeoutMs=10000"></label>
      <span id="status">Ctrl+Enter runs the query</span>
      <span id="timing"></span>
    </div>
    <div id="errors" role="alert"></div>
    <div class="tablewrap"><table id="result"><thead></thead><tbody></tbody></table></div>
    <div id="stats"></div>
  </section>
</main>
<script>
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  function text(value) {
    if (value === null || value === undefined) return 'null';
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function cell(tag, value) { var el = document.createElement(tag); el.textContent = text(value); return el; }

  function hashQuery() {
    var h = location.hash || '';
    var q = h.indexOf('?');
    if (q < 0) return null;
    var params = new URLSearchParams(h.slice(q + 1));
    return params.get('query');
  }

  function quoteName(name) {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : '"' + name.replace(/"/g, '""') + '"';
  }

  function schemaColumns(schema) {
    var kinds = [['dimensionFieldSpecs', 'dimension'], ['metricFieldSpecs', 'metric'], ['dateTimeFieldSpecs', 'datetime'], ['timeFieldSpec', 'time']];
    var cols = [];
    kinds.forEach(function (k) {
      var specs = schema[k[0]];
      if (!specs) return;
      if (!Array.isArray(specs)) specs = [specs.incomingGranularitySpec || specs];
      specs.forEach(function (c) { cols.push({ name: c.name, type: c.dataType + (c.singleValueField === false ? '[]' : ''), kind: k[1] }); });
    });
    return cols;
  }

  function tableItem(name) {
    var li = document.createElement('li');
    li.className = 'table';
    li.setAttribute('data-table', name);
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = name;
    var details = document.createElement('details');
    var summary = cell('summary', 'schema');
    details.appendChild(summary);
    var cols = document.createElement('table');
    cols.className = 'cols';
    details.appendChild(cols);
    b.addEventListener('click', function () {
      $('sql').value = 'SELECT * FROM ' + quoteName(name) + ' LIMIT 10';
      details.open = true;
      $('sql').focus();
    });
    li.appendChild(b);
    li.appendChild(details);
    fetch('tables/' + encodeURIComponent(name) + '/schema').then(function (r) {
      return r.json().then(function (body) { if (!r.ok) throw new Error(body && body.error ? body.error : 'HTTP ' + r.status); return body; });
    }).then(function (schema) {
      var list = schemaColumns(schema);
      summary.textContent = 'schema ' + text(schema.schemaName) + ' (' + list.length + ' columns)';
      list.forEach(function (c) {
        var tr = document.createElement('tr');
        var n = cell('td', c.name); n.className = 'name';
        var t = cell('td', c.type); t.className = 'type';
        var k = cell('td', c.kind); k.className = 'kind';
        tr.appendChild(n); tr.appendChild(t); tr.appendChild(k);
        cols.appendChild(tr);
      });
      if ((schema.primaryKeyColumns || []).length) details.appendChild(cell('div', 'primary key: ' + schema.primaryKeyColumns.join(', ')));
    }).catch(function (e) { summary.textContent = 'schema unavailable: ' + (e && e.message ? e.message : e); });
    return li;
  }

  function loadTables() {
    fetch('tables').then(function (r) { return r.json(); }).then(function (body) {
      var list = $('tables');
      clear(list);
      var names = (body && body.tables) || [];
      if (names.length === 0) { var li = cell('li', 'no tables yet'); li.className = 'empty'; list.appendChild(li); return; }
      names.forEach(function (name) { list.appendChild(tableItem(name)); });
    }).catch(function (e) { $('tables').textContent = 'cannot list tables: ' + e; });
  }

  function render(body) {
    var thead = $('result').tHead, tbody = $('result').tBodies[0];
    clear(thead); clear(tbody);
    $('errors').textContent = '';
    if (typeof body !== 'object' || body === null) { $('errors').textContent = text(body); return; }
    if (body.error !== undefined && body.code !== undefined) { $('errors').textContent = 'Error ' + text(body.code) + ': ' + text(body.error); return; }
    var exceptions = body.exceptions || [];
    if (exceptions.length) {
      $('errors').textContent = exceptions.map(function (e) { return '[' + text(e.errorCode) + '] ' + text(e.message); }).join('\\n');
    }
    var rt = body.resultTable;
    if (rt && rt.dataSchema) {
      var tr = document.createElement('tr');
      rt.dataSchema.columnNames.forEach(function (name, i) {
        var th = cell('th', name);
        var small = cell('small', rt.dataSchema.columnDataTypes[i]);
        th.appendChild(small);
        tr.appendChild(th);
      });
      thead.appendChild(tr);
      (rt.rows || []).forEach(function (row) {
        var r = document.createElement('tr');
        row.forEach(function (v) { r.appendChild(cell('td', v)); });
        tbody.appendChild(r);
      });
      if (!rt.rows || rt.rows.length === 0) {
        var er = document.createElement('tr');
        var td = cell('td', 'No records found');
        td.colSpan = Math.max(1, rt.dataSchema.columnNames.length);
        td.className = 'empty';
        er.appendChild(td);
        tbody.appendChild(er);
      }
    }
    var keys = ['timeUsedMs', 'numDocsScanned', 'totalDocs', 'numServersQueried', 'numServersResponded', 'numSegmentsQueried',
      'numSegmentsProcessed', 'numSegmentsMatched', 'numConsumingSegmentsQueried', 'numEntriesScannedInFilter',
      'numEntriesScannedPostFilter', 'numGroupsLimitReached', 'partialResult', 'minConsumingFreshnessTimeMs'];
    $('stats').textContent = keys.filter(function (k) { return k in body; }).map(function (k) { return k + ': ' + text(body[k]); }).join('  \\u00b7  ');
  }

  var running = false;
  function run() {
    if (running) return;
    running = true;
    var sql = $('sql').value;
    var button = $('run');
    button.disabled = true;
    $('status').className = '';
    $('status').textContent = 'running\\u2026';
    $('timing').textContent = '';
    var payload = { sql: sql, trace: $('tracing').checked };
    if ($('options').value.trim()) payload.queryOptions = $('options').value.trim();
    try { history.replaceState(null, '', '#/query?query=' + encodeURIComponent(sql)); } catch (e) { /* ignore */ }
    var started = Date.now();
    fetch('sql', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) })
      .then(function (r) { return r.text().then(function (t) { try { return JSON.parse(t); } catch (e) { return t; } }); })
      .then(function (body) {
        var roundTrip = Date.now() - started;
        render(body);
        var failed = $('errors').textContent !== '';
        $('status').className = failed ? 'bad' : '';
        $('status').textContent = failed ? 'error' : 'done';
        var parts = [];
        var rt = body && typeof body === 'object' ? body.resultTable : undefined;
        if (rt && rt.rows) parts.push(rt.rows.length + (rt.rows.length === 1 ? ' row' : ' rows'));
        if (body && typeof body === 'object' && typeof body.timeUsedMs === 'number') parts.push('timeUsedMs ' + body.timeUsedMs + ' ms');
        parts.push('round trip ' + roundTrip + ' ms');
        $('timing').textContent = parts.join(' \\u00b7 ');
      })
      .catch(function (e) {
        $('errors').textContent = 'Request failed: ' + e;
        $('status').className = 'bad';
        $('status').textContent = 'failed';
        $('timing').textContent = 'round trip ' + (Date.now() - started) + ' ms';
      })
      .then(function () { button.disabled = false; running = false; });
  }

  $('run').addEventListener('click', run);
  document.addEventListener('keydown', function (e) { if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); run(); } });
  var initial = hashQuery();
  if (initial) $('sql').value = initial;
  loadTables();
})();
</script>
</body>
</html>
`;
