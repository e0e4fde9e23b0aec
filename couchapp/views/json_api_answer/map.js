function (doc) {
  /*
   * The pre-rendered `/pypi/<name>/json` (docs/schema.md, "JSON API answers"), queried with
   * include_docs for [name] .. [name, {}]: [name, 0] from the project document, linked to
   * its head `<name>//json` (the row's doc is null while the project has no head), then
   * [name, 1, i] from the head, linked to its i-th piece. The rows come from documents,
   * not from their text: a few rows whatever the project's size.
   */
  // !code lib/rewrite_keys.js
  var forms, i, k, quarantined;
  if (doc.type === 'project') {
    // PEP 792: PyPI's JSON API answers 404 for a quarantined project, whatever is stored.
    quarantined = !!(doc.project_status && doc.project_status.status === 'quarantined');
    forms = rewriteKeyForms(doc._id);
    for (i = 0; i < forms.length; i++) { emit([forms[i], 0], {_id: doc._id + '//json', quarantined: quarantined}); }
  } else if (doc.type === 'json_api') {
    forms = rewriteKeyForms(doc.project);
    for (k = 0; k < (doc.pieces || []).length; k++) {
      for (i = 0; i < forms.length; i++) { emit([forms[i], 1, k], {_id: doc.pieces[k]}); }
    }
  }
}
