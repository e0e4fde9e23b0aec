function (doc) {
  /*
   * Every document of one project, for `/pypi/<name>/json` (queried with
   * include_docs): [name, 0] the project, then [name, 1, version_key, chunk]
   * each release and its spill-over file documents, in version order.
   */
  // !code lib/rewrite_keys.js
  var forms, i;
  if (doc.type === 'project') {
    forms = rewriteKeyForms(doc._id);
    for (i = 0; i < forms.length; i++) { emit([forms[i], 0], null); }
  } else if (doc.type === 'release' || doc.type === 'release_files') {
    forms = rewriteKeyForms(doc.project);
    for (i = 0; i < forms.length; i++) { emit([forms[i], 1, doc.version_key, doc.chunk || 1], null); }
  }
}
