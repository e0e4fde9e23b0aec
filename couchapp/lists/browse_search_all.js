function (head, req) {
  /*
   * The search box: projects whose name, summary or keywords hold every word of
   * the query, the project named by the query first, then names holding the
   * words, then summaries (lib/browse_search.js). A rule reads one key range, and
   * cannot split a query into words: the list picks the word to read at (the
   * longest), redirects to a URL naming it as `w` (the rule's key), and keeps the
   * rows that hold every other word too. The rule reads 201 rows at most: a page
   * shows the first 50 that match, and the row after them starts the next page;
   * when fewer match, the next page starts after the rows read.
   */
  var page = require('lib/browse_page');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var query = require('lib/browse_query');
  var search = require('lib/browse_search');
  var READ = 201, SHOWN = 50;
  var q = query.param(req, 'q').replace(/^\s+|\s+$/g, ''), plan = search.searchPlan(q);
  var rows = rowsOf.readAll(getRow), found = [], next = null, scanned, i, rank, data, resp;
  if (plan.term && query.param(req, 'w') !== plan.term) {
    resp = page.redirect(req, urls.searchAll(q, plan.term));
  } else {
    scanned = Math.min(rows.length, READ - 1);  // the row past them, when read, starts the next page
    for (i = 0; i < scanned && plan.term; i++) {
      if (rows[i].value[0] !== plan.term) { continue; }  // another text JSON-parsed alike (PouchDB Server)
      if (found.length === SHOWN) {
        next = rows[i];
        break;
      }
      rank = search.searchMatch(plan, rows[i].key[2], rows[i].value);
      if (rank !== -1) { found.push({rank: rank, at: i, row: rows[i]}); }
    }
    if (next === null && rows.length > scanned) { next = rows[scanned]; }
    // The query's own name first, then names holding every word, then the rest, each in the view's order.
    found.sort(function (a, b) { return a.rank - b.rank || a.at - b.at; });
    data = {
      query: q,
      words: plan.words,
      projects: found.map(function (item) {
        var value = item.row.value, project = rowsOf.project(item.row.key[2], value[1], value[2], value[3]);
        project.exact = item.rank === 0;
        return project;
      }),
      next_url: next === null ? null : urls.searchAll(q, plan.term, next.key[1], next.key[2]),
      names_url: q ? urls.search(q) : null,
      summaries_url: q ? urls.searchSummary(q) : null
    };
    data.none = Boolean(q) && data.projects.length === 0 && next === null;
    data.rows_read = rows.length;  // at most the rule's limit, whatever the query (docs/browsing.md)
    resp = page.render(this, req, 'search_all', data, q ? 'Search results for ' + q : 'Search');
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
