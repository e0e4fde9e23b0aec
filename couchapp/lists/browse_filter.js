function (head, req) {
  /*
   * Projects having several classifiers at once. The view range is the first
   * classifier's (browse_facets, include_docs); each project document says
   * whether it has the others (a classifier or any level below it). The rule
   * reads 201 rows: a page shows the matches among 200 projects and the next
   * page starts after them.
   */
  var page = require('lib/browse_page');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var query = require('lib/browse_query');
  var index = require('lib/browse_index');
  var SCAN = 200;
  var first = query.param(req, 'name'), others = query.listParam(req, 'and');
  var wanted = [first].concat(others), rows, scanned, matching = [], i, data, resp;

  function levelsOf(doc) {
    var levels = {}, all, k, j;
    for (k = 0; k < (doc.classifiers || []).length; k++) {
      all = index.classifierLevels(doc.classifiers[k]);
      for (j = 0; j < all.length; j++) { levels[all[j]] = true; }
    }
    return levels;
  }
  function hasAll(doc) {
    var levels = levelsOf(doc), k;
    for (k = 0; k < wanted.length; k++) {
      if (!levels.hasOwnProperty(wanted[k])) { return false; }
    }
    return true;
  }

  if (!first) {
    resp = page.redirect(req, urls.classifierTree(''));
  } else {
    rows = rowsOf.readAll(getRow);
    scanned = rows.slice(0, SCAN);
    for (i = 0; i < scanned.length; i++) {
      if (scanned[i].value[0] === first && scanned[i].doc && hasAll(scanned[i].doc)) { matching.push(scanned[i]); }
    }
    data = {
      classifiers: wanted.map(function (c, n) {
        var rest = wanted.slice(0, n).concat(wanted.slice(n + 1));
        return {name: c, url: urls.facet('classifier', c), remove_url: rest.length ? urls.filter(rest) : urls.classifierTree('')};
      }),
      noindex: true,  // filters combine without end: not for crawlers
      add_url: urls.classifierTree('', wanted),
      projects: matching.map(rowsOf.fromFacetRow),
      next_url: rows.length > SCAN ? urls.filter(wanted, rows[SCAN].key[2]) : null,
      rows_read: rows.length
    };
    data.none = data.projects.length === 0;
    resp = page.render(this, req, 'filter', data, 'Projects classified ' + wanted.join(' + '));
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
