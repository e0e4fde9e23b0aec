function (doc) {
  /*
   * The rows of one project's Simple API page, queried as [name] .. [name, {}]:
   * [name, 0] the project (versions, serial), then one [name, 1, version, chunk]
   * row per release document holding its files already converted to the
   * spec's shape. One row per release document (not per file) keeps a
   * 50,000-file project at ~50 rows, which is what makes it fast to serve.
   */
  // !code lib/rewrite_keys.js
  // !code lib/simple_file.js
  var forms, files, i;
  if (doc.type === 'project') {
    forms = rewriteKeyForms(doc._id);
    for (i = 0; i < forms.length; i++) {
      emit([forms[i], 0], {project: doc._id, versions: doc.versions || [], last_serial: doc.last_serial});
    }
  } else if ((doc.type === 'release' || doc.type === 'release_files') && doc.files && doc.files.length) {
    files = [];
    for (i = 0; i < doc.files.length; i++) { files.push(simpleFile(doc.files[i])); }
    forms = rewriteKeyForms(doc.project);
    for (i = 0; i < forms.length; i++) {
      emit([forms[i], 1, doc.version, doc.chunk || 1], {project: doc.project, files: files});
    }
  }
}
