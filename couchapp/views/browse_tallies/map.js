function (doc) {
  /*
   * Counts (with _count) and the time line, queried only with group_level so
   * that no rule needs "reduce": "false" (which PouchDB Server reads as true):
   *   [kind, value]                          projects per facet (group_level 2)
   *   [{}, "projects"] / [{}, "releases"]    totals: objects sort after every array,
   *                                          so a descending read meets them first
   *   [[y,m,d,h,mi,s], "release"|"project", name, version, display name, summary]
   *                                          releases by upload time and projects by
   *                                          creation, interleaved (home page, update feed)
   *   ["new", [y,m,d,h,mi,s], name, version, display name, summary]
   *                                          projects by creation (new projects feed)
   * Listings read whole keys (group_level 6): the display data rides in the key.
   */
  // !code lib/browse_index.js
  var info = doc.info || {}, facets, i;
  if (doc.type === 'release') {
    emit([{}, 'releases'], null);
    if (doc.upload_time) {
      emit([doc.upload_time, 'release', doc.project, doc.version, info.name || doc.project,
            shortSummary(info.summary)], null);
    }
  } else if (doc.type === 'project') {
    emit([{}, 'projects'], null);
    if (doc.created) {
      emit([doc.created, 'project', doc._id, doc.latest_version, doc.name, shortSummary(info.summary)], null);
      emit(['new', doc.created, doc._id, doc.latest_version, doc.name, shortSummary(info.summary)], null);
    }
    facets = projectFacets(doc);
    for (i = 0; i < facets.length; i++) { emit([facets[i][0], facets[i][1]], null); }
  }
}
