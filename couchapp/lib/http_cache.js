/*
 * What caches and other origins need from a list's answer: an ETag, a 304 for a
 * matching If-None-Match, and read-only CORS. A list passes its {code, headers,
 * body} response through `conditional(req, resp)` just before start().
 *
 * Why the lists do it themselves (measured, docs/couchdb-vs-pouchdb.md "Caching"):
 * - CouchDB 3.5 sends no ETag on a clustered `_list` answer at all (shows,
 *   documents and attachments get one, and their 304s, from CouchDB itself).
 * - PouchDB Server's Express puts a content ETag on every answer, and answers
 *   304 under `_rewrite` only through the embedded server's preload
 *   (embedded_http.js); one ETag rule for both servers is ours.
 *
 * The validator is a hash of what the answer says (status, content type,
 * body), so it changes exactly when the answer does, whatever document or
 * design-doc revision produced it, and JSON and HTML of one page differ; or,
 * for the answers the importer stored, the stored head's revision (validator).
 * Weak (`W/`), since PouchDB Server may gzip the same bytes.
 *
 * A 304 says `Connection: close`. CouchDB frames a list's answer as chunked
 * whatever its status, and sends chunk terminators after the 304's head: bytes
 * a client must not read as a body (RFC 9112, 6.3) and so reads as the start of
 * the next answer on that connection (curl: "Received HTTP/0.9"). Closing the
 * connection is the client's cue to drop them.
 *
 * CORS: every answer says `Access-Control-Allow-Origin: *` (public, read-only
 * data; no credentials are involved), and lets a page read the headers a
 * client needs. CouchDB's own [cors] must stay off: it would add the origin
 * to this header, and browsers refuse a list (docs/deployment.md).
 * ES5 only; Math.imul is ES2015 (SpiderMonkey 1.8.5 lacks it), hence the fallback.
 */

var EXPOSED = 'ETag, X-PyPI-Last-Serial, X-PyPIonCouch-Info';

/*
 * Bodies longer than this get no ETag (and so no 304), unless the list passes a
 * validator. CouchDB gives a list's last step `[couchdb] os_process_timeout`
 * (5 s) for rendering and hashing together: the largest Simple pages (50,000
 * files, 25 MB) take 1.3 s to render on QuickJS and 1 s more to hash, and on a
 * loaded machine the sum passed 5 s and the page failed with a 500. 4 million
 * characters hash in about 0.1 s. Without an ETag the answer is just fetched
 * whole each time, as before.
 */
var MAX_HASHED = 4000000;

var imul = Math.imul || function (a, b) {
  var low = (a & 0xffff) * b, high = ((a >>> 16) * b) & 0xffff;
  return (low + (high << 16)) | 0;
};

function hex8(n) {
  var s = (n >>> 0).toString(16);
  return '00000000'.slice(s.length) + s;
}

/*
 * Two 32-bit lanes over the text read four UTF-16 units at a time (two units to
 * a word, one word to each lane). Each step (xor, odd multiply, rotate) is a
 * bijection of the lane, so a change confined to one word always changes the
 * hash; the length is part of the ETag besides. Reading the characters is most
 * of the cost: about 30 ns a character on CouchDB's QuickJS, as much again as
 * rendering the answer took. Hence MAX_HASHED below.
 */
function hashText(text) {
  var a = 0x811c9dc5, b = 0x9747b28c, n = text.length, i = 0, w, v;
  for (; i + 3 < n; i += 4) {
    w = (text.charCodeAt(i) << 16) | text.charCodeAt(i + 1);
    v = (text.charCodeAt(i + 2) << 16) | text.charCodeAt(i + 3);
    a = imul(a ^ w, 0x01000193);
    a = (a << 13) | (a >>> 19);
    b = imul(b ^ v, 0x5bd1e995);
    b = (b << 15) | (b >>> 17);
  }
  for (; i < n; i++) {
    a = imul(a ^ text.charCodeAt(i), 0x01000193);
    a = (a << 13) | (a >>> 19);
  }
  return hex8(a) + hex8(b);
}

function headerNamed(headers, name) {
  var lower = name.toLowerCase(), key;
  for (key in headers || {}) {
    if (headers.hasOwnProperty(key) && key.toLowerCase() === lower) { return key; }
  }
  return null;
}

function headerValue(headers, name) {
  var key = headerNamed(headers, name);
  return key === null ? '' : String(headers[key]);
}

// The entity tags of an If-None-Match value, without W/ (If-None-Match compares weakly).
function tagsOf(value) {
  var tags = [], re = /\s*(W\/)?("[^"]*"|\*)\s*(,|$)/g, match;
  while ((match = re.exec(value)) !== null && match[0] !== '') {
    tags.push(match[2]);
  }
  return tags;
}

function opaque(etag) {
  return etag.replace(/^W\//, '');
}

/*
 * The answer's validator. `validator`, when given, stands for the body: a short
 * text the list knows the body is made from alone (the revisions of the documents
 * it read, say), which spares hashing a large body; else the body is hashed,
 * and null when it is longer than MAX_HASHED.
 */
exports.etag = function (resp, validator) {
  var body = resp.body === undefined || resp.body === null ? '' : String(resp.body);
  var described = resp.code + '\n' + headerValue(resp.headers, 'Content-Type') + '\n';
  if (validator !== undefined && validator !== null) {
    return 'W/"v-' + hashText(described + String(validator)) + '"';
  }
  if (body.length > MAX_HASHED) { return null; }
  return 'W/"' + body.length.toString(16) + '-' + hashText(described + body) + '"';
};

/*
 * A validator for a list whose rows carry their documents (include_docs): what
 * its answer is made of, short whatever the answer's size. The design document's
 * revision (`this` in a list), the request's query and path and the headers a
 * list reads, and each row's key, value, id and document revision ('-' for a
 * linked document that is not there). It changes when those documents or the
 * design document do, as CouchDB's own ETags of shows do. Null when the rows carry no documents (the body is
 * hashed then). A list's answer depends on nothing else (no list reads `head`).
 */
var READ_HEADERS = ['Accept', 'Host', 'X-Forwarded-Host', 'X-Forwarded-Proto', 'X-Forwarded-Prefix',
                    'X-Forwarded-Ssl', 'x-couchdb-vhost-path'];

exports.documents = function (ddoc, rows, req) {
  var parts = [String((ddoc || {})._rev), JSON.stringify(req.query || {}), String(req.raw_path || '')], i, row;
  for (i = 0; i < READ_HEADERS.length; i++) { parts.push(headerValue(req.headers, READ_HEADERS[i])); }
  for (i = 0; i < rows.length; i++) {
    row = rows[i];
    if (!row.hasOwnProperty('doc')) { return null; }
    parts.push(JSON.stringify(row.key) + ' ' + JSON.stringify(row.value) + ' ' + row.id + ' ' +
               (row.doc && row.doc._rev ? row.doc._rev : '-'));
  }
  return parts.join('\n');
};

// True when If-None-Match names the answer's validator (or is `*`).
exports.matches = function (req, etag) {
  var tags = tagsOf(headerValue(req.headers, 'If-None-Match')), i;
  for (i = 0; i < tags.length; i++) {
    if (tags[i] === '*' || tags[i] === opaque(etag)) { return true; }
  }
  return false;
};

function withCors(headers) {
  var out = {}, key;
  for (key in headers || {}) {
    if (headers.hasOwnProperty(key)) { out[key] = headers[key]; }
  }
  out['Access-Control-Allow-Origin'] = '*';
  out['Access-Control-Expose-Headers'] = EXPOSED;
  return out;
}

/*
 * The response to send: `resp` with CORS headers and, for a 200, its ETag; or a
 * bodiless 304 carrying the same headers (but the length) when a GET or HEAD
 * names that ETag in If-None-Match. `validator`: see etag(); with one, `resp.body`
 * may be a function, called only when a body is sent, so a 304 skips rendering.
 * The 304 keeps the Content-Type: without one CouchDB adds `application/json`,
 * and a cache that refreshes its stored headers from a 304 (pip's does) would
 * then hand pip a Simple page under a type pip refuses.
 */
exports.conditional = function (req, resp, validator) {
  var headers = withCors(resp.headers), lazy = typeof resp.body === 'function' && validator !== undefined && validator !== null;
  var unchanged, etag;
  function body() { return lazy ? resp.body() : resp.body; }
  if (resp.code !== 200) {
    return {code: resp.code, headers: headers, body: body()};
  }
  unchanged = exports.notModified(req, resp, validator);
  if (unchanged !== null) { return unchanged; }
  etag = exports.etag(lazy ? {code: resp.code, headers: resp.headers, body: ''} : resp, validator);
  if (etag !== null) { headers.ETag = etag; }  // null: too long to hash (MAX_HASHED)
  return {code: 200, headers: headers, body: body()};
};

/*
 * The bodiless 304 for a 200 `resp` whose ETag (from `validator`, else its body) a GET or
 * HEAD names in If-None-Match; null otherwise. For a list that would rather know before
 * it reads what the body needs (lib/simple_stored.js); conditional() asks it too.
 */
exports.notModified = function (req, resp, validator) {
  var method = String(req.method || 'GET').toUpperCase(), etag, headers, key, kept = {};
  if (resp.code !== 200 || (method !== 'GET' && method !== 'HEAD') || !headerValue(req.headers, 'If-None-Match')) {
    return null;
  }
  etag = exports.etag(typeof resp.body === 'function' && validator !== undefined && validator !== null
                      ? {code: resp.code, headers: resp.headers, body: ''} : resp, validator);
  if (etag === null || !exports.matches(req, etag)) { return null; }
  headers = withCors(resp.headers);
  headers.ETag = etag;
  for (key in headers) {
    if (headers.hasOwnProperty(key) && !/^content-length$/i.test(key)) { kept[key] = headers[key]; }
  }
  kept.Connection = 'close';
  return {code: 304, headers: kept, body: ''};
};

exports.hashText = hashText;
exports.withCors = withCors;
exports.MAX_HASHED = MAX_HASHED;
