function (head, req) {
  /*
   * /project/<name>/history/?page=N: a project's release history, a page of
   * lib/browse_package.js HISTORY_PAGE releases at a time, newest first (the project
   * and release pages show the first page and link here). It reads view
   * browse_history with include_docs: the project document, and the history
   * document when the project has more releases than one page (until that
   * document arrives, on a mirror, only the first page). A name that is not
   * normalized is redirected, as on the project page.
   */
  var page = require('lib/browse_page');
  var packagePage = require('lib/browse_package');
  var rowsOf = require('lib/browse_rows');
  var names = require('lib/names');
  var urls = require('lib/browse_urls');
  var name = String(req.query.name), rows = rowsOf.readAll(getRow), doc = null, history = null, i, row, data, resp;
  for (i = 0; i < rows.length; i++) {
    row = rows[i].doc;
    if (row && row.type === 'project' && row._id === name) { doc = row; }
    if (row && row.type === 'release_history' && row.project === name && Object.prototype.toString.call(row.releases) === '[object Array]') {
      history = row.releases;
    }
  }
  if (!names.isNormalized(name)) {
    resp = page.redirect(req, urls.history(names.normalize(name), 1), 301);
  } else if (doc === null) {
    resp = page.notFound(this, req, 'No project named ' + name + '.');
  } else {
    data = packagePage.historyPage(doc, history || doc.release_history || [], history ? (req.query || {}).page : 1);
    data.rows_read = rows.length;
    resp = page.render(this, req, 'release_history', data, data.name + ' \u00b7 release history');
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
