function (doc, req) {
  /*
   * A project's page (show over the project document), laid out as pypi.org's
   * (lib/browse_package.js). A name that is not normalized is redirected to the
   * normalized one, as PyPI does; an unknown one is a 404 page.
   */
  var page = require('lib/browse_page');
  var packagePage = require('lib/browse_package');
  var names = require('lib/names');
  var urls = require('lib/browse_urls');
  var id = String(req.id || '');
  if (!doc || doc.type !== 'project') {
    if (id && names.normalize(id) !== id) { return page.redirect(req, urls.project(names.normalize(id)), 301); }
    return page.notFound(this, req, 'No project named ' + id + '.');
  }
  var data = packagePage.projectPage(doc);
  return page.render(this, req, 'project', data, data.name + (data.summary ? ' \u00b7 ' + data.summary : ''));
}
