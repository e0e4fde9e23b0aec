/*
 * Escaping for text and attribute values: every string that came from PyPI
 * (names, filenames, URLs, requires-python, yank reasons) passes through here
 * before it reaches HTML. Quotes are escaped too, so the result is safe inside
 * double- or single-quoted attributes.
 */
var REPLACEMENTS = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;'};

exports.escape = function (value) {
  return String(value).replace(/[&<>"']/g, function (ch) { return REPLACEMENTS[ch]; });
};
