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
  return response(301, 'text/plain; charset=utf-8', 'Moved to ' + location + '\n', {'Location': location});
};

exports.response = response;
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
