function (head, req) {
  /*
   * Every author, maintainer or keyword with its project count, 100 a page:
   * the tallies of browse_facets ["tally", kind, value] -> [count], which the
   * importer counts after each run (pypioncouch.tallies); the rule reads 101
   * rows, the 101st starts the next page.
   */
  var page = require('lib/browse_page');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var kind = String(req.query.kind), titles = {author: 'Authors', maintainer: 'Maintainers', keyword: 'Keywords'};
  var rows = [], all, i, paged, data, resp;
  if (!titles.hasOwnProperty(kind)) {
    resp = page.notFound(this, req, 'No such index.');
  } else {
    all = rowsOf.readAll(getRow);
    for (i = 0; i < all.length; i++) {
      if (all[i].key[0] === 'tally' && all[i].key[1] === kind && typeof all[i].key[2] === 'string') { rows.push(all[i]); }
    }
    paged = rowsOf.paginate(rows, 100, function (row) { return row.key[2]; });
    data = {
      kind: kind,
      title: titles[kind],
      entries: paged.rows.map(function (row) {
        return {value: row.key[2], count: row.value[0], url: urls.facet(kind, row.key[2])};
      }),
      next_url: paged.next === undefined ? null : urls.facetIndex(kind, paged.next),
      rows_read: all.length
    };
    data.none = data.entries.length === 0;
    resp = page.render(this, req, 'facet_index', data, titles[kind]);
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
