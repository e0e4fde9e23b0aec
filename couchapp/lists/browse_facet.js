function (head, req) {
  /*
   * Projects by author, maintainer, keyword or classifier (the rule names the
   * kind), over browse_facets [kind, value, name]; 50 a page, the rule asks
   * for 51 rows. People and keywords are folded (case, spacing): a URL with
   * another spelling is redirected to the folded one, the form the keys take.
   */
  var page = require('lib/browse_page');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var query = require('lib/browse_query');
  var index = require('lib/browse_index');
  var kind = String(req.query.kind), known = urls.FACETS.hasOwnProperty(kind);
  var raw = known ? query.param(req, 'name') : '', value, rows, matching = [], i, paged, data, resp, label;
  if (!known) {
    resp = page.notFound(this, req, 'No such listing.');
  } else {
    value = kind === 'classifier' ? index.classifierLevels(raw).pop() || '' : index.foldText(raw);
    if (value !== raw) {
      resp = value ? page.redirect(req, urls.facet(kind, value)) : page.redirect(req, urls.facetIndex(kind));
    } else {
      rows = rowsOf.readAll(getRow);
      for (i = 0; i < rows.length; i++) {
        if (rows[i].value[0] === value) { matching.push(rows[i]); }  // not a text JSON-parsed alike
      }
      label = matching.length ? matching[0].value[1] : value;
      paged = rowsOf.paginate(matching, 50, function (row) { return row.key[2]; });
      data = {
        kind: kind,
        value: value,
        label: label,
        heading: {author: 'Projects by ', maintainer: 'Projects maintained by ', keyword: 'Projects with keyword ',
                  classifier: 'Projects classified '}[kind],
        is_classifier: kind === 'classifier',
        classifier_tree_url: kind === 'classifier' ? urls.classifierTree(value, [value]) : null,
        index_url: urls.facetIndex(kind),
        projects: paged.rows.map(rowsOf.fromFacetRow),
        next_url: paged.next === undefined ? null : urls.facet(kind, value, paged.next),
        rows_read: rows.length
      };
      data.none = data.projects.length === 0;
      resp = page.render(this, req, 'facet', data, data.heading + label);
    }
  }
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
