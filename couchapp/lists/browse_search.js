function (head, req) {
  /*
   * Search by name prefix over browse_facets ["project", name]. The rule
   * starts the view at `q` (it cannot compute an end key for a prefix), so the
   * list stops at the first name that no longer starts with it. A query that is not a normalized name is
   * redirected to its normalized form, the form the view's keys take.
   */
  var page = require('lib/browse_page');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var query = require('lib/browse_query');
  var names = require('lib/names');
  var q = query.param(req, 'q'), prefix = names.normalize(q.replace(/^\s+|\s+$/g, ''));
  var rows = rowsOf.readAll(getRow), matching = [], i, paged, data, resp;
  if (q && prefix !== q) {
    resp = page.redirect(req, prefix ? urls.search(prefix) : 'search/');
  } else {
    for (i = 0; prefix && i < rows.length && String(rows[i].value[0]).slice(0, prefix.length) === prefix; i++) {
      if (rows[i].key[1] === rows[i].value[0]) { matching.push(rows[i]); }  // not another form (PouchDB Server)
    }
    paged = rowsOf.paginate(matching, 50, function (row) { return row.key[1]; });
    data = {
      query: q,
      projects: paged.rows.map(rowsOf.fromFacetRow),
      next_url: paged.next === undefined ? null : urls.search(prefix, paged.next),
      summary_search_url: q ? urls.searchSummary(q) : null
    };
    data.none = Boolean(q) && data.projects.length === 0;
    resp = page.render(this, req, 'search', data, q ? 'Projects named ' + q + '\u2026' : 'Search');
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
