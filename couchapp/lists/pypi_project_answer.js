function (head, req) {
  /*
   * `/pypi/<name>/json`: the answer the importer rendered (view json_api_answer with
   * include_docs), sent as stored, reading only the rows it needs (lib/stored_answer.js). Where
   * the project has no complete stored answer (a database written before answers were stored,
   * or a reader between two writes), the client is sent to `json/from-documents`, the same
   * answer built from the release documents (lib/pypi_json.js answerResponse).
   */
  var resp = require('lib/pypi_json').answerResponse(req, getRow, this);
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
