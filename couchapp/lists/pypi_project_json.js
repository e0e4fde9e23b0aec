function (head, req) {
  /*
   * `/pypi/<name>/json`: PyPI's JSON API for a project (view json_api_project
   * with include_docs).
   */
  var names = require('lib/names');
  var responses = require('lib/responses');
  var pypiJson = require('lib/pypi_json');
  var name = String(req.query.name), rows = [], row, payload, resp;
  while ((row = getRow())) { rows.push(row); }
  if (!names.isNormalized(name)) {
    resp = responses.redirectToNormalized(req, name, '/json');
  } else {
    payload = pypiJson.projectPayload(name, rows);
    resp = payload === null ? responses.notFoundJson()
      : responses.json(payload, {'X-PyPI-Last-Serial': String(payload.last_serial)});
  }
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
