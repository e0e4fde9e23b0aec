function (head, req) {
  /*
   * Search by words of the summary over browse_facets ["word", w, name]. A
   * view range holds one word, and a rule cannot split a query into words, so
   * the list picks the query's longest word (the likeliest to be rare),
   * redirects to a URL naming it as `w` (the rule's key), and keeps the rows
   * whose summary holds every other word too.
   */
  var page = require('lib/browse_page');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var query = require('lib/browse_query');
  var index = require('lib/browse_index');
  var q = query.param(req, 'q'), words = index.summaryWords(q), word = '', i, j, resp;
  var rows = rowsOf.readAll(getRow), matching = [], found, paged, data;
  for (i = 0; i < words.length; i++) {
    if (words[i].length > word.length) { word = words[i]; }
  }
  if (word && query.param(req, 'w') !== word) {
    resp = page.redirect(req, urls.searchSummary(q, word));
  } else {
    for (i = 0; i < rows.length; i++) {
      if (rows[i].value[0] !== word) { continue; }  // another text JSON-parsed alike (PouchDB Server)
      found = index.summaryWords(rows[i].value[4]);
      for (j = 0; j < words.length && found.indexOf(words[j]) !== -1; j++) { /* every word present */ }
      if (j === words.length) { matching.push(rows[i]); }
    }
    paged = rowsOf.paginate(matching, 50, function (row) { return row.key[2]; });
    data = {
      query: q,
      words: words,
      projects: paged.rows.map(rowsOf.fromFacetRow),
      scanned_next_url: rows.length > 200 ? urls.searchSummary(q, word, rows[200].key[2]) : null,
      name_search_url: q ? urls.search(q) : null
    };
    data.next_url = paged.next === undefined ? data.scanned_next_url : urls.searchSummary(q, word, paged.next);
    data.none = Boolean(q) && data.projects.length === 0 && !data.next_url;
    resp = page.render(this, req, 'search_summary', data, q ? 'Summaries with ' + q : 'Search summaries');
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
