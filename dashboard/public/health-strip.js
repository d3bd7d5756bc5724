/* What every dashboard page shows the same way: the health strip (one pill per component) and the
   header's poll times. Text only, never HTML. */
(function () {
  'use strict';
  window.renderHealthStrip = function (strip, health, checkedAt) {
    var items = (health || []).map(function (c) {
      var pill = document.createElement('span');
      var status = c.status === 'up' || c.status === 'down' || c.status === 'degraded' || c.status === 'restarting' ? c.status : 'unknown';
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

  /** "Updated <time> (n s ago)" and the countdown to the server's next poll, on the server's clock. */
  window.renderPollTimes = function (updatedEl, countdownEl, updatedAt, nextPollAt, serverNow) {
    updatedEl.textContent =
      typeof updatedAt === 'number'
        ? new Date(updatedAt).toLocaleTimeString() + ' (' + Math.max(0, Math.round((serverNow - updatedAt) / 1000)) + ' s ago)'
        : 'never';
    var countdown = 'next update: waiting';
    if (nextPollAt) {
      var left = Math.max(0, Math.ceil((nextPollAt - serverNow) / 1000));
      countdown = left > 0 ? 'next update in ' + left + ' s' : 'updating…';
    }
    countdownEl.textContent = countdown;
  };
})();
