function (doc, req) {
  /*
   * /project/<name>/history/?page=N: a project's release history, a page of
   * lib/browse_package.js HISTORY_PAGE releases at a time, newest first (the
   * project and release pages show the page they sit on and link here). A name
   * that is not normalized is redirected, as on the project page.
   */
  var page = require('lib/browse_page');
  var packagePage = require('lib/browse_package');
  var names = require('lib/names');
  var urls = require('lib/browse_urls');
  var id = String(req.id || ''), data;
  if (!doc || doc.type !== 'project') {
    if (id && names.normalize(id) !== id) { return page.redirect(req, urls.history(names.normalize(id), 1), 301); }
    return page.notFound(this, req, 'No project named ' + id + '.');
  }
  data = packagePage.historyPage(doc, (req.query || {}).page);
  return page.render(this, req, 'release_history', data, data.name + ' \u00b7 release history');
}
