function (head, req) {
  /*
   * `/pypi/<name>/<version>/json`: PyPI's JSON API for one release (view
   * json_api_release with include_docs). When the release's own `info` was
   * never imported, the answer says so in `X-PyPIonCouch-Info`.
   */
  var names = require('lib/names');
  var responses = require('lib/responses');
  var pypiJson = require('lib/pypi_json');
  var name = String(req.query.name), version = String(req.query.version);
  var rows = [], row, found, headers, resp;
  while ((row = getRow())) { rows.push(row); }
  if (!names.isNormalized(name)) {
    resp = responses.redirectToNormalized(req, name, '/' + encodeURIComponent(version) + '/json');
  } else {
    found = pypiJson.releasePayload(name, version, rows);
    if (found === null) {
      resp = responses.notFoundJson();
    } else {
      headers = {'X-PyPI-Last-Serial': String(found.body.last_serial)};
      if (found.synthesized) { headers['X-PyPIonCouch-Info'] = 'from-latest-release'; }
      resp = responses.json(found.body, headers);
    }
  }
  resp = require('lib/http_cache').conditional(req, resp, require('lib/http_cache').documents(this, rows, req));
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
