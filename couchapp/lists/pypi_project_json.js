function (head, req) {
  /*
   * `/pypi/<name>/json/from-documents`: PyPI's JSON API for a project built from the
   * project and release documents (view json_api_project with include_docs), where
   * `/pypi/<name>/json` (lists/pypi_project_answer.js) finds no complete stored answer.
   */
  var names = require('lib/names');
  var responses = require('lib/responses');
  var pypiJson = require('lib/pypi_json');
  var name = String(req.query.name), rows = [], row, payload, resp;
  while ((row = getRow())) { rows.push(row); }
  if (!names.isNormalized(name)) {
    // `/pypi/<name>/json/from-documents` says so in `after` (rewrites.json), for a Location one level up.
    resp = responses.redirectToNormalized(req, name, req.query.after ? String(req.query.after) : '/json');
  } else {
    payload = pypiJson.projectPayload(name, rows);
    resp = payload === null ? responses.notFoundJson()
      : responses.json(payload, {'X-PyPI-Last-Serial': String(payload.last_serial)});
  }
  resp = require('lib/http_cache').conditional(req, resp, require('lib/http_cache').documents(this, rows, req));
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
