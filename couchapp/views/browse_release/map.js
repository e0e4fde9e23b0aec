function (doc) {
  /*
   * A release page's two documents under one key range [name, version, 0..1],
   * queried with include_docs: 0 the project (linked from the release: the
   * history, the description, the sidebar), 1 the release itself (its files).
   * The name and version come from URL path segments through the rewriter:
   * PouchDB Server JSON-parses them (`1.0` is the number 1) and leaves them
   * URL-encoded (`1.0 beta` is `1.0%20beta`, legacy versions hold spaces), so
   * rows are emitted under every such form; the list keeps its own release.
   */
  // !code lib/rewrite_keys.js
  function pathForms(text) {
    var forms = rewriteKeyForms(text), encoded = encodeURIComponent(text);
    if (encoded !== text) { forms.push(encoded); }
    return forms;
  }
  var names, versions, i, j;
  if (doc.type !== 'release') { return; }
  names = pathForms(doc.project);
  versions = pathForms(doc.version);
  for (i = 0; i < names.length; i++) {
    for (j = 0; j < versions.length; j++) {
      emit([names[i], versions[j], 0], {_id: doc.project});
      emit([names[i], versions[j], 1], null);
    }
  }
}
