/* Axis labels every dashboard page draws the same way: long names (countries, hotel categories) wrap onto
   lines instead of being cut; tooltips keep the whole text. */
(function () {
  'use strict';
  /** The text cut to `max` characters with an ellipsis. */
  function shorten(text, max) {
    text = String(text);
    return text.length > max ? text.slice(0, max - 1) + '\u2026' : text;
  }
  /** A label as lines (Chart.js draws an array as lines): "United States of America" -> ["United States", "of America"]. */
  function wrapLabel(text, width, maxLines) {
    var lines = [];
    String(text)
      .split(/\s+/)
      .forEach(function (word) {
        var last = lines.length ? lines[lines.length - 1] : null;
        if (last !== null && (last + ' ' + word).length <= width) lines[lines.length - 1] = last + ' ' + word;
        else lines.push(word);
      });
    if (lines.length > maxLines) lines = lines.slice(0, maxLines - 1).concat(shorten(lines.slice(maxLines - 1).join(' '), width));
    return lines.map(function (line) {
      return shorten(line, width);
    });
  }
  window.chartLabels = { shorten: shorten, wrapLabel: wrapLabel };
})();
