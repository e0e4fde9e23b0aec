function (doc) {
  /*
   * The search box's index (lib/browse_search.js): [word, rank, project] ->
   * [word, display name, version, summary, keywords], for every word of a
   * project's name, summary and keywords. Map only: a search page reads one key
   * range with a limit. The word comes from a URL through the rewriter, which
   * JSON-parses it on PouchDB Server (`2048`, `true`): rows are emitted under
   * every form it can take there, and the list keeps the rows of its own text.
   */
  // !code lib/browse_search.js
  // !code lib/rewrite_keys.js
  var rows, forms, i, j, value;
  if (doc.type !== 'project') { return; }
  rows = searchRows(doc);
  for (i = 0; i < rows.length; i++) {
    value = rows[i][2].slice();
    value[0] = rows[i][0];
    forms = rewriteKeyForms(rows[i][0]);
    for (j = 0; j < forms.length; j++) { emit([forms[j], rows[i][1], doc._id], value); }
  }
}
