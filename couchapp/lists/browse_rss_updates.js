function (head, req) {
  /*
   * /rss/updates.xml: the latest 100 releases, from browse_facets' time line
   * read descending with a limit (the home tally, its first row, skipped).
   */
  var rss = require('lib/browse_rss');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var rows = rowsOf.readAll(getRow), items = [], i, item, resp;
  for (i = 0; i < rows.length && items.length < 100; i++) {
    if (!rowsOf.isArray(rows[i].key[1])) { continue; }
    item = rowsOf.fromTimelineRow(rows[i]);
    items.push({title: item.name + ' ' + item.version, path: item.release_url, description: item.summary,
                time: item.upload_time});
  }
  resp = rss.feed(this, req, {title: 'PyPI recent updates', path: urls.home(), self: urls.updatesFeed(),
                              description: 'Recent updates to the Python Package Index'}, items);
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
