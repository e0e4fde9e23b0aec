function (doc) {
  /*
   * Projects by facet, for listings: [kind, value, project] -> [value, label,
   * display name, version, summary], kind one of project (value: the name;
   * all projects by name), author, maintainer, keyword, classifier (every
   * level of its `::` hierarchy) and word (of the summary). One view for all:
   * views are built in one pass over every document each, and that pass is
   * most of their cost.
   * Map only (no reduce): PouchDB Server reads the rule's "reduce": "false"
   * as true, so a listing view must not have one; counts are in browse_tallies.
   * The value comes from a URL through the rewriter, which JSON-parses it on
   * PouchDB Server: rows are emitted under every form it can take there.
   */
  // !code lib/browse_index.js
  // !code lib/rewrite_keys.js
  var facets, words, summary, i, j, forms;
  if (doc.type !== 'project') { return; }
  summary = shortSummary((doc.info || {}).summary);
  facets = [['project', doc._id, doc.name]].concat(projectFacets(doc));
  words = summaryWords((doc.info || {}).summary);
  for (i = 0; i < words.length; i++) { facets.push(['word', words[i], '']); }
  for (i = 0; i < facets.length; i++) {
    forms = rewriteKeyForms(facets[i][1]);
    for (j = 0; j < forms.length; j++) {
      emit([facets[i][0], forms[j], doc._id], [facets[i][1], facets[i][2], doc.name, doc.latest_version, summary]);
    }
  }
}
