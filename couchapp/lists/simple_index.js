function (head, req) {
  /*
   * `/simple/`: every project (view simple_projects), HTML or JSON by content
   * negotiation.
   */
  var simple = require('lib/simple');
  var page = require('lib/simple_page');
  var render = require('lib/simple_render');
  var rows = [], row, built, resp;
  while ((row = getRow())) { rows.push(row); }
  built = page.index(rows);
  resp = simple.respond(req, built, render.indexHtml, page.serialHeaders(built));
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
