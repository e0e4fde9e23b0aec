function (doc) {
  /*
   * Everything a browsing page lists, each page one key range read with a
   * limit (map only: no page walks a reduce, which PouchDB Server computes over
   * every row of the range; docs/browsing.md):
   *   [kind, value, project] -> [value, label, display name, version, summary]
   *       projects by facet, kind one of project (value: the name; all projects
   *       by name), author, maintainer, keyword, classifier (every level of its
   *       `::` hierarchy) and word (of the summary)
   *   ["timeline", upload time, project, version] -> [display name, summary]
   *       releases by upload time (home page, update feed: read descending)
   *   ["timeline", {}] -> the home tally (totals, newest projects): an object
   *       sorts after every time, so a descending read meets it first
   *   ["new", created, project] -> [project, display name, version, summary]
   *       projects by creation (new projects feed)
   *   ["tally", kind, value] -> [count]          (author, maintainer, keyword)
   *   ["tally", "classifier", level] -> [count, has children]
   *   ["tally", "classifier", parent, level] -> [count, has children]
   *       counts the importer keeps in tally documents (pypioncouch.tallies),
   *       read a page at a time; the top level's parent is "".
   * One view for all: PouchDB Server builds each view in a pass of its own over
   * every document, and that pass is most of its cost.
   * PouchDB Server reads a rule's "reduce": "false" as true, so a listing view
   * must not have a reduce; browse_tallies (`_count`) is what tallies are counted from.
   * Facet values come from URLs through the rewriter, which JSON-parses them
   * on PouchDB Server: those rows are emitted under every form they can take there.
   */
  // !code lib/browse_index.js
  // !code lib/rewrite_keys.js
  var info = doc.info || {}, facets, words, summary, i, j, forms, value, tree, levels;
  if (doc.type === 'release') {
    if (doc.upload_time) {
      emit(['timeline', doc.upload_time, doc.project, doc.version], [info.name || doc.project, shortSummary(info.summary)]);
    }
    return;
  }
  if (doc.type === 'tally') {
    if (doc.kind === 'home') {
      emit(['timeline', {}], {projects: doc.projects, releases: doc.releases, newest: doc.newest || []});
    } else if (doc.kind === 'classifier') {
      for (value in doc.counts) {
        if (doc.counts.hasOwnProperty(value)) {
          tree = doc.counts[value];  // [count, has children]
          levels = classifierLevels(value);  // its own and its parents', the parent last but one
          emit(['tally', 'classifier', value], tree);
          emit(['tally', 'classifier', levels.length > 1 ? levels[levels.length - 2] : '', value], tree);
        }
      }
    } else {
      for (value in doc.counts) {
        if (doc.counts.hasOwnProperty(value)) { emit(['tally', doc.kind, value], [doc.counts[value]]); }
      }
    }
    return;
  }
  if (doc.type !== 'project') { return; }
  summary = shortSummary(info.summary);
  if (doc.created) { emit(['new', doc.created, doc._id], [doc._id, doc.name, doc.latest_version, summary]); }
  facets = [['project', doc._id, doc.name]].concat(projectFacets(doc));
  words = summaryWords(info.summary);
  for (i = 0; i < words.length; i++) { facets.push(['word', words[i], '']); }
  for (i = 0; i < facets.length; i++) {
    forms = rewriteKeyForms(facets[i][1]);
    for (j = 0; j < forms.length; j++) {
      emit([facets[i][0], forms[j], doc._id], [facets[i][1], facets[i][2], doc.name, doc.latest_version, summary]);
    }
  }
}
