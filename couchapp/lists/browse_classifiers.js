function (head, req) {
  /*
   * The classifier tree, one level at a time: the children of a level (the top
   * level's parent is '') with their project counts, from the classifier
   * tallies of browse_facets: ["tally", "classifier", level] (the level's own
   * count) then ["tally", "classifier", level, child] (each child, with whether
   * it has children of its own), one key range read with a limit. `filter`
   * carries classifiers already chosen, so each child can be added to them
   * (projects having all at once). `classifiers/?under=` (the old URL of a
   * level) redirects to `classifiers/under/?name=`.
   */
  var page = require('lib/browse_page');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var query = require('lib/browse_query');
  var index = require('lib/browse_index');
  var top = req.query.tree === 'top';
  var raw = top ? query.param(req, 'under') : query.param(req, 'name');
  var current = index.classifierLevels(raw).pop() || '';
  var filter = query.listParam(req, 'filter');
  var rows = rowsOf.readAll(getRow), children = [], i, key, child, own = 0, data, resp;
  for (i = 0; i < rows.length; i++) {
    key = rows[i].key;
    if (key[0] !== 'tally' || key[1] !== 'classifier' || key[2] !== current) { continue; }
    if (key.length === 3) {
      own = rows[i].value[0];
    } else {
      child = {name: key[3], label: key[3].split(' :: ').pop(), count: rows[i].value[0],
               url: urls.facet('classifier', key[3]), tree_url: null, add_url: null};
      if (rows[i].value[1]) { child.tree_url = urls.classifierTree(key[3], filter); }
      if (filter.length && filter.indexOf(key[3]) === -1) { child.add_url = urls.filter(filter.concat([key[3]])); }
      children.push(child);
    }
  }
  if (top && raw) {
    resp = page.redirect(req, urls.classifierTree(current, filter), 301);
  } else if (!top && (current !== raw || !raw)) {
    resp = page.redirect(req, urls.classifierTree(current, filter));
  } else if (current && !own) {
    resp = page.notFound(this, req, 'No project has this classifier.');
  } else {
    data = {
      classifier: current,
      count: own,
      url: current ? urls.facet('classifier', current) : null,
      parents: index.classifierLevels(current).slice(0, -1).map(function (level) {
        return {name: level, label: level.split(' :: ').pop(), url: urls.classifierTree(level, filter)};
      }),
      top_url: urls.classifierTree('', filter),
      filter: filter.map(function (c) { return {name: c}; }),
      filter_url: filter.length > 1 ? urls.filter(filter) : (filter.length ? urls.facet('classifier', filter[0]) : null),
      children: children,
      counted: children.length > 0 || own > 0,
      noindex: filter.length > 0,  // filters combine without end: not for crawlers
      rows_read: rows.length
    };
    resp = page.render(this, req, 'classifiers', data, current ? current : 'Classifiers');
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
