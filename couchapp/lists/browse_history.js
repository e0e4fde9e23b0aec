function (head, req) {
  /*
   * /project/<name>/history/ and /project/<name>/history/<page>/: a project's
   * release history, a page of lib/browse_package.js HISTORY_PAGE releases at a
   * time, newest first (the project and release pages show the first page and
   * link here). It reads view browse_history with include_docs: the project
   * document (page 1's releases are its release_history) and, from page 2 on,
   * that page's history document. A page the project does not have (or whose
   * document a mirror has not received yet) is a 404; a name that is not
   * normalized is redirected, as on the project page.
   */
  var page = require('lib/browse_page');
  var packagePage = require('lib/browse_package');
  var rowsOf = require('lib/browse_rows');
  var names = require('lib/names');
  var urls = require('lib/browse_urls');
  var name = String(req.query.name), number = req.query.page === undefined ? 1 : Number(req.query.page);
  var rows = rowsOf.readAll(getRow), doc = null, releases = null, i, row, data, resp;
  for (i = 0; i < rows.length; i++) {
    row = rows[i].doc;
    if (row && row.type === 'project' && row._id === name) { doc = row; }
    if (row && row.type === 'release_history' && row.project === name && row.page === number &&
        Object.prototype.toString.call(row.releases) === '[object Array]') { releases = row.releases; }
  }
  if (doc !== null && number === 1) { releases = doc.release_history || []; }
  if (!names.isNormalized(name)) {
    resp = page.redirect(req, urls.history(names.normalize(name), number), 301);
  } else if (doc === null || releases === null) {
    resp = page.notFound(this, req, 'No page ' + String(req.query.page || 1) + ' of the release history of a project named ' + name + '.');
  } else {
    data = packagePage.historyPage(doc, releases, number);
    data.rows_read = rows.length;
    resp = page.render(this, req, 'release_history', data, data.name + ' \u00b7 release history');
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
