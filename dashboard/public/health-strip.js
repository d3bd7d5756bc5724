/* The health strip shared by every dashboard page: one pill per component, text only (never HTML). */
(function () {
  'use strict';
  window.renderHealthStrip = function (strip, health, checkedAt) {
    var items = (health || []).map(function (c) {
      var pill = document.createElement('span');
      var status = c.status === 'up' || c.status === 'down' || c.status === 'degraded' ? c.status : 'unknown';
      pill.className = 'pill pill-' + status;
      pill.setAttribute('data-component', c.name);
      pill.setAttribute('data-status', status);
      pill.textContent = c.name + ': ' + status;
      pill.title = c.detail ? c.detail + ' (' + c.latencyMs + ' ms)' : status;
      return pill;
    });
    if (items.length === 0) {
      var none = document.createElement('span');
      none.className = 'pill pill-unknown';
      none.textContent = checkedAt ? 'Health: no checks configured' : 'Health: checking';
      items.push(none);
    }
    strip.replaceChildren.apply(strip, items);
  };
})();
