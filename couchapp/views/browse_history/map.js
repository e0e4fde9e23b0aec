function (doc) {
  /*
   * A page of a project's release history (lists/browse_history), queried with
   * include_docs for [name, page] .. [name, page, {}]: [name, page, 0] the project
   * document (the header; page 1's releases too), [name, page, 1] the history
   * document of that page, `<name>//history/<page>`, from page 2 on. Two rows
   * whatever the project's size. The page number comes from a path segment, which
   * PouchDB Server JSON-parses: rows go under both forms.
   */
  // !code lib/rewrite_keys.js
  function emitPage(name, page, rank) {
    var names = rewriteKeyForms(name), pages = rewriteKeyForms(String(page)), i, j;
    for (i = 0; i < names.length; i++) {
      for (j = 0; j < pages.length; j++) { emit([names[i], pages[j], rank], null); }
    }
  }
  var pages, page;
  if (doc.type === 'project') {
    // 100 a page: lib/browse_package.js HISTORY_PAGE, importer/pypioncouch/documents.py HISTORY_PAGE
    pages = Math.max(1, Math.ceil((Number(doc.release_count) || 0) / 100));
    for (page = 1; page <= pages; page++) { emitPage(doc._id, page, 0); }
  } else if (doc.type === 'release_history' && doc._id === doc.project + '//history/' + doc.page) {
    emitPage(doc.project, doc.page, 1);
  }
}
