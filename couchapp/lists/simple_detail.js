function (head, req) {
  /*
   * `/simple/<name>/`: one project's Simple API page (view simple_files), HTML
   * or JSON by content negotiation. Rows are all read before start() is called,
   * so the status can say 404 (see docs/couchdb-vs-pouchdb.md).
   */
  var names = require('lib/names');
  var responses = require('lib/responses');
  var simple = require('lib/simple');
  var page = require('lib/simple_page');
  var render = require('lib/simple_render');
  var name = String(req.query.name), rows = [], row, built, resp;
  while ((row = getRow())) { rows.push(row); }
  if (!names.isNormalized(name)) {
    resp = responses.redirectToNormalized(req, name, '/');
  } else {
    built = page.detail(name, rows);
    resp = built === null ? responses.notFoundText()
      : simple.respond(req, built, render.detailHtml, page.serialHeaders(built));
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
