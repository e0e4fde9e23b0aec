function (head, req) {
  /*
   * `/pypi/<name>/json`: the answer the importer rendered (view json_api_answer with
   * include_docs), sent as stored. Where the project has no complete stored answer (a
   * database written before answers were stored, or a reader between two writes), the
   * client is sent to `json/from-documents`, the same answer built from the release documents
   * (lib/pypi_json.js answerResponse).
   */
  var pypiJson = require('lib/pypi_json');
  var rows = [], row, resp;
  while ((row = getRow())) { rows.push(row); }
  resp = pypiJson.answerResponse(req, rows);
  resp = require('lib/http_cache').conditional(req, resp, require('lib/http_cache').documents(this, rows, req));
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
