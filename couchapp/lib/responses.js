/*
 * Responses of the Simple and JSON APIs as plain {code, headers, body} objects;
 * a list hands one to `start()` once, after it has read its rows, so the status
 * can depend on what the rows held (see docs/couchdb-vs-pouchdb.md).
 * Every response, errors and redirects included, says `Vary: Accept`.
 */
var names = require('lib/names');

function response(code, contentType, body, extraHeaders) {
  var headers = {'Content-Type': contentType, 'Vary': 'Accept'}, key;
  for (key in extraHeaders || {}) {
    if (extraHeaders.hasOwnProperty(key)) { headers[key] = extraHeaders[key]; }
  }
  return {code: code, headers: headers, body: body};
}

// `?format=` is the only parameter these APIs honour, so the only one a redirect keeps.
function formatQuery(req) {
  var format = req.query && req.query.format;
  return format === undefined || format === null ? '' : '?format=' + encodeURIComponent(String(format));
}

// The path the client asked for, as segments. PouchDB Server glues the query
// string to the last segment of requested_path; CouchDB does not.
function requestedSegments(req) {
  var path = req.requested_path || [], out = [], i, segment;
  for (i = 0; i < path.length; i++) {
    segment = String(path[i]).split('?')[0];
    if (segment) { out.push(segment); }
  }
  return out;
}

/*
 * 301 to the same URL with the project name normalized; the name is the
 * segment `fromEnd` places from the end of the path (1: the last). The path is
 * the one the client asked for (before the rewrite, after any vhost), so the
 * Location is right under `_rewrite/` and behind a vhost alike.
 */
exports.redirectToNormalized = function (req, name, fromEnd) {
  var path = requestedSegments(req), i;
  path[path.length - fromEnd] = names.normalize(name);
  for (i = 0; i < path.length; i++) { path[i] = encodeURIComponent(path[i]); }
  var trailing = path[path.length - 1] === 'json' ? '' : '/';
  var location = '/' + path.join('/') + trailing + formatQuery(req);
  return response(301, 'text/plain; charset=utf-8', 'Moved to ' + location + '\n', {'Location': location});
};

exports.response = response;

exports.notFoundJson = function () {
  return response(404, 'application/json', JSON.stringify({message: 'Not Found'}));
};

exports.notFoundText = function () {
  return response(404, 'text/plain; charset=utf-8', 'Not Found\n');
};

exports.notAcceptable = function (offers) {
  var types = [], i;
  for (i = 0; i < offers.length; i++) { types.push(offers[i].type); }
  return response(406, 'text/plain; charset=utf-8', 'Not Acceptable: try one of ' + types.join(', ') + '\n');
};

exports.json = function (payload, extraHeaders) {
  return response(200, 'application/json', JSON.stringify(payload), extraHeaders);
};
