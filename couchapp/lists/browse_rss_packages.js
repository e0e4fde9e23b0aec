function (head, req) {
  /*
   * /rss/packages.xml: the 40 newest projects, from browse_facets
   * ["new", created, name] read descending with a limit.
   */
  var rss = require('lib/browse_rss');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var rows = rowsOf.readAll(getRow), items = [], i, item, resp;
  for (i = 0; i < rows.length && items.length < 40; i++) {
    if (rows[i].key[0] !== 'new') { continue; }
    item = rowsOf.fromNewRow(rows[i]);
    items.push({title: item.name + ' added to PyPI', path: item.url, description: item.summary, time: item.upload_time});
  }
  resp = rss.feed(this, req, {title: 'PyPI newest packages', path: urls.home(), self: urls.packagesFeed(),
                              description: 'Newest packages registered at the Python Package Index'}, items);
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
