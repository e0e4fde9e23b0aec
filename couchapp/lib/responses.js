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

/*
 * A redirect to `location`, relative to the URL asked for as every Location of
 * these APIs is (RFC 9110 allows it; pip, uv, requests and browsers resolve it),
 * so it is right under any prefix; the body names it for a person reading.
 */
function redirect(code, location, extraHeaders) {
  var headers = {'Location': location}, key;
  for (key in extraHeaders || {}) {
    if (extraHeaders.hasOwnProperty(key)) { headers[key] = extraHeaders[key]; }
  }
  return response(code, 'text/plain; charset=utf-8', 'See ' + location + '\n', headers);
}

/*
 * 307 to where this answer is built per request, when a stored one cannot be
 * used: never cached, since the stored answer may be whole on the next request.
 */
function toFallback(location) {
  return redirect(307, location, {'Cache-Control': 'no-store'});
}

/*
 * 301 to the same URL with the project name normalized. `after` is what
 * follows the name in the URL: '/' (`simple/<name>/`), '/json'
 * (`pypi/<name>/json`), '/<version>/json'. The Location is relative to the URL
 * asked for (`../requests/`), climbing one level per '/' in `after`, so it is
 * right under `_rewrite/`, behind a vhost and behind a proxy's prefix alike:
 * nothing in the request says which of them the client used (on CouchDB,
 * requested_path under `_rewrite` is the rewritten path).
 */
exports.redirectToNormalized = function (req, name, after) {
  var up = '', i;
  for (i = 0; i < after.length; i++) {
    if (after.charAt(i) === '/') { up += '../'; }
  }
  var location = up + encodeURIComponent(names.normalize(name)) + after + formatQuery(req);
  return redirect(301, location);
};

exports.response = response;
exports.redirect = redirect;
exports.toFallback = toFallback;
exports.formatQuery = formatQuery;

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
