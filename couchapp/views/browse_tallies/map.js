function (doc) {
  /*
   * What the tallies are counted from (with _count, CouchDB keeps the counts in
   * its B-tree): pypioncouch.tallies reads it at group_level 2 after each import
   * and writes the counts into tally documents, which the pages read a page at
   * a time through browse_facets. No page reads this view: on PouchDB Server a
   * grouped reduce walks every row of its range.
   *   [kind, value]                          projects per facet
   *   [{}, "projects"] / [{}, "releases"]    totals
   */
  // !code lib/browse_index.js
  var facets, i;
  if (doc.type === 'release') {
    emit([{}, 'releases'], null);
  } else if (doc.type === 'project') {
    emit([{}, 'projects'], null);
    facets = projectFacets(doc);
    for (i = 0; i < facets.length; i++) { emit([facets[i][0], facets[i][1]], null); }
  }
}
