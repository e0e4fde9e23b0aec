function (head, req) {
  /*
   * All projects by name, 50 a page, from browse_facets ["project", name]
   * (the rule asks for 51 rows: the 51st starts the next page). The rule
   * starts at "", after the numbers some names are also emitted as (for
   * PouchDB Server's rewriter), so every row read is a name.
   */
  var page = require('lib/browse_page');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var rows = rowsOf.readAll(getRow);
  var paged = rowsOf.paginate(rows, 50, function (row) { return row.key[1]; });
  var data = {
    title: 'All projects',
    projects: paged.rows.map(rowsOf.fromFacetRow),
    next_url: paged.next === undefined ? null : urls.allProjects(paged.next),
    rows_read: rows.length
  };
  var resp = page.render(this, req, 'projects', data, 'All projects');
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
