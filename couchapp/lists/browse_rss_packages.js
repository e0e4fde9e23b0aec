function (head, req) {
  /*
   * /rss/packages.xml: the 40 newest projects, from browse_tallies
   * ["new", created, ...] read descending.
   */
  var rss = require('lib/browse_rss');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var rows = rowsOf.readAll(getRow), items = [], i, item, key, resp;
  for (i = 0; i < rows.length && items.length < 40; i++) {
    key = rows[i].key;
    if (key[0] !== 'new') { continue; }
    // ["new", time, name, version, display, summary] is the time-line key with "new" for the time
    item = rowsOf.fromEventKey([key[1], 'project', key[2], key[3], key[4], key[5]]);
    items.push({title: item.name + ' added to PyPI', path: item.url, description: item.summary, time: item.upload_time});
  }
  resp = rss.feed(this, req, {title: 'PyPI newest packages', path: urls.home(), self: urls.packagesFeed(),
                              description: 'Newest packages registered at the Python Package Index'}, items);
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
