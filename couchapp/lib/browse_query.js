/*
 * Query parameters as the client typed them. CouchDB hands lists strings;
 * PouchDB Server JSON-parses them (`?keyword=1.0` arrives as the number 1)
 * but keeps the raw query string glued to the last segment of
 * requested_path, so the text is read back from there when it is present.
 */
function rawQueryString(req) {
  var path = req.requested_path || [], last = path.length ? String(path[path.length - 1]) : '';
  var at = last.indexOf('?');
  return at === -1 ? null : last.slice(at + 1);
}

function decode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch (malformed) {
    return text;
  }
}

// The parameter's text ('' when absent); the first occurrence when repeated.
exports.param = function (req, name) {
  var raw = rawQueryString(req), pairs, i, eq, value;
  if (raw !== null) {
    pairs = raw.split('&');
    for (i = 0; i < pairs.length; i++) {
      eq = pairs[i].indexOf('=');
      if (decode(eq === -1 ? pairs[i] : pairs[i].slice(0, eq)) === name) {
        return eq === -1 ? '' : decode(pairs[i].slice(eq + 1));
      }
    }
    return '';
  }
  value = req.query ? req.query[name] : undefined;
  if (value === undefined || value === null) { return ''; }
  return typeof value === 'string' ? value : JSON.stringify(value);
};

// A list parameter joined with '|' (classifiers never contain one).
exports.listParam = function (req, name) {
  var text = exports.param(req, name), parts = text ? text.split('|') : [], out = [], i;
  for (i = 0; i < parts.length; i++) {
    if (parts[i].replace(/^\s+|\s+$/g, '')) { out.push(parts[i].replace(/^\s+|\s+$/g, '')); }
  }
  return out;
};
