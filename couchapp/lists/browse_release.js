function (head, req) {
  /*
   * One release's page, as pypi.org's: the release's header (pip command, date,
   * yanked), navigation to the project and every other release, the sidebar, the
   * description and the release's files. A show sees one document, and this page
   * needs two: the list reads view browse_release for [name, version] with
   * include_docs, which gives the project document and the release document.
   * Files past a release's first 1,000 (spill-over documents) are not read: the
   * page says so. A name that is not normalized is redirected, as on the project page.
   */
  // A path segment as typed: CouchDB binds it decoded, PouchDB Server still URL-encoded.
  function pathValue(value) {
    try {
      return decodeURIComponent(String(value));
    } catch (malformed) {
      return String(value);
    }
  }
  var page = require('lib/browse_page');
  var packagePage = require('lib/browse_package');
  var rowsOf = require('lib/browse_rows');
  var names = require('lib/names');
  var urls = require('lib/browse_urls');
  var name = pathValue(req.query.name), version = pathValue(req.query.version);
  var rows = rowsOf.readAll(getRow), doc = null, release = null, i, row, data, resp;
  for (i = 0; i < rows.length; i++) {
    row = rows[i].doc;
    if (!row) { continue; }
    if (row.type === 'project' && row._id === name) { doc = row; }
    // Another version whose text parses to the same key (PouchDB Server) is not this one.
    if (row.type === 'release' && row.project === name && row.version === version) { release = row; }
  }
  if (!names.isNormalized(name)) {
    resp = page.redirect(req, urls.release(names.normalize(name), version), 301);
  } else if (doc === null || release === null) {
    resp = page.notFound(this, req, 'No release ' + version + ' of a project named ' + name + '.');
  } else {
    data = packagePage.releasePage(doc, release, release.files || []);
    data.rows_read = rows.length;
    resp = page.render(this, req, 'release', data, data.name + ' ' + data.version +
                       (data.summary ? ' \u00b7 ' + data.summary : ''));
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
