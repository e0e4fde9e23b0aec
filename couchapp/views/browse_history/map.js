function (doc) {
  /*
   * A project's release history page (lists/browse_history), queried with include_docs
   * for [name] .. [name, {}]: [name, 0] the project document (the header, and the first
   * page of releases), [name, 1] the history document `<name>//history` that holds every
   * release when the project document holds only the newest page. Two rows whatever the
   * project's size.
   */
  // !code lib/rewrite_keys.js
  var forms, i, rank;
  if (doc.type === 'project') {
    forms = rewriteKeyForms(doc._id);
    rank = 0;
  } else if (doc.type === 'release_history' && doc._id === doc.project + '//history') {
    forms = rewriteKeyForms(doc.project);
    rank = 1;
  } else {
    return;
  }
  for (i = 0; i < forms.length; i++) { emit([forms[i], rank], null); }
}
