function (head, req) {
  /*
   * `/pypi/<name>/json`: the answer the importer rendered (view json_api_answer with
   * include_docs), sent as stored. Where the project has no complete stored answer (a
   * database written before answers were stored, or a reader between two writes), the
   * client is sent to `json/from-documents`, the same answer built from the release documents.
   */
  var names = require('lib/names');
  var responses = require('lib/responses');
  var pypiJson = require('lib/pypi_json');
  var name = String(req.query.name), rows = [], row, stored, resp;
  while ((row = getRow())) { rows.push(row); }
  if (!names.isNormalized(name)) {
    resp = responses.redirectToNormalized(req, name, '/json');
  } else {
    stored = pypiJson.storedAnswer(name, rows);
    if (stored === null) {
      resp = responses.notFoundJson();
    } else if (stored.text === null) {
      resp = responses.response(307, 'text/plain; charset=utf-8', 'See json/from-documents\n',
                                {'Location': 'json/from-documents', 'Cache-Control': 'no-store'});
    } else {
      resp = responses.response(200, 'application/json', stored.text, {'X-PyPI-Last-Serial': String(stored.lastSerial)});
    }
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
