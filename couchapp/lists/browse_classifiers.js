function (head, req) {
  /*
   * The classifier tree, one level at a time: the children of `under`
   * (the top level without it) with their project counts, from browse_tallies
   * ["classifier", level] at group_level 2. The rule starts at `under`,
   * whose descendants follow it in key order; the list keeps the direct
   * children. `filter` carries classifiers already chosen, so each child can
   * be added to them (projects having all at once).
   */
  var page = require('lib/browse_page');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var query = require('lib/browse_query');
  var index = require('lib/browse_index');
  var raw = query.param(req, 'under'), current = index.classifierLevels(raw).pop() || '';
  var filter = query.listParam(req, 'filter'), prefix = current ? current + ' :: ' : '';
  var rows = rowsOf.readAll(getRow), children = [], byName = {}, i, name, rest, child, own = 0, data, resp;
  for (i = 0; i < rows.length; i++) {
    name = rows[i].key[1];
    if (rows[i].key[0] !== 'classifier' || typeof name !== 'string') { continue; }
    if (name === current) { own = rows[i].value; continue; }
    if (name.slice(0, prefix.length) !== prefix) { continue; }  // past the descendants of `current`
    rest = name.slice(prefix.length);
    if (rest.indexOf(' :: ') === -1) {
      child = {name: name, label: rest, count: rows[i].value, url: urls.facet('classifier', name),
               tree_url: null, add_url: null};
      if (filter.length && filter.indexOf(name) === -1) { child.add_url = urls.filter(filter.concat([name])); }
      byName[name] = child;
      children.push(child);
    } else if (byName.hasOwnProperty(prefix + rest.split(' :: ')[0])) {
      byName[prefix + rest.split(' :: ')[0]].tree_url = urls.classifierTree(prefix + rest.split(' :: ')[0], filter);
    }
  }
  if (raw && current !== raw) {
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
      noindex: filter.length > 0  // filters combine without end: not for crawlers
    };
    resp = page.render(this, req, 'classifiers', data, current ? current : 'Classifiers');
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
