/*
 * Query parameters as the client typed them, from req.query. CouchDB hands
 * shows and lists strings (decoded, exact). PouchDB Server JSON-parses them
 * (`?keyword=1.0` arrives as the number 1, `?q=true` as true), so a value
 * that is not a string is read back from the raw query text, which PouchDB
 * Server keeps in raw_path (the path the client asked for, query included).
 * CouchDB never gets there: its raw_path is the rewritten URL, and its
 * req.query values are always strings.
 */
function decode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch (malformed) {
    return text;
  }
}

// The raw text of `name` in raw_path's query string (first occurrence), or null.
function rawParam(req, name) {
  var raw = String(req.raw_path || ''), at = raw.indexOf('?'), pairs, i, eq;
  if (at === -1) { return null; }
  pairs = raw.slice(at + 1).split('#')[0].split('&');
  for (i = 0; i < pairs.length; i++) {
    eq = pairs[i].indexOf('=');
    if (decode(eq === -1 ? pairs[i] : pairs[i].slice(0, eq)) === name) {
      return eq === -1 ? '' : decode(pairs[i].slice(eq + 1));
    }
  }
  return null;
}

// The parameter's text ('' when absent). Repeated, CouchDB keeps one, PouchDB Server makes an array (the first is read).
exports.param = function (req, name) {
  var value = req.query ? req.query[name] : undefined, raw;
  if (value === undefined) { return ''; }
  if (typeof value === 'string') { return value; }
  raw = rawParam(req, name);
  if (raw !== null) { return raw; }
  return value === null ? 'null' : JSON.stringify(value);
};

// A list parameter joined with '|' (classifiers never contain one).
exports.listParam = function (req, name) {
  var text = exports.param(req, name), parts = text ? text.split('|') : [], out = [], i;
  for (i = 0; i < parts.length; i++) {
    if (parts[i].replace(/^\s+|\s+$/g, '')) { out.push(parts[i].replace(/^\s+|\s+$/g, '')); }
  }
  return out;
};
