function (doc) {
  /*
   * The stored Simple API page (docs/schema.md, "Stored answers"), queried with include_docs
   * for [name] .. [name, {}]: [name, 0] from the project document, linked to its head
   * `<name>//simple`, then [name, 1, i] linked to the JSON rendering's i-th piece and
   * [name, 2, i] to the HTML rendering's (a rendering stored as an attachment: [name, 1 + r, 0]
   * to its document, lib/simple_stored.js redirects there). JSON first: installers ask for it, and the list
   * stops reading after the rendering it serves. A few rows whatever the project's size.
   */
  // !code lib/rewrite_keys.js
  var forms, i, k, r, pieces, renderings = ['json', 'html'];
  if (doc.type === 'project') {
    forms = rewriteKeyForms(doc._id);
    for (i = 0; i < forms.length; i++) {
      emit([forms[i], 0], {_id: doc._id + '//simple',
                           last_serial: doc.last_serial === undefined ? null : doc.last_serial,
                           quarantined: !!(doc.project_status && doc.project_status.status === 'quarantined')});
    }
  } else if (doc.type === 'simple_page') {
    forms = rewriteKeyForms(doc.project);
    for (r = 0; r < renderings.length; r++) {
      pieces = doc[renderings[r]] || {};
      pieces = typeof pieces.attachment === 'string' ? [pieces.attachment] : (pieces.pieces || []);
      for (k = 0; k < pieces.length; k++) {
        for (i = 0; i < forms.length; i++) { emit([forms[i], 1 + r, k], {_id: pieces[k]}); }
      }
    }
  }
}
