function (doc) {
  /*
   * The rows of one project's Simple API page, queried as [name] .. [name, {}]:
   * [name, 0] the project (versions, serial, PEP 792 status), then one
   * [name, 1, version, chunk] row per release document holding its files
   * already converted to the spec's shape: from the upstream's own page entries
   * (`simple_files`) when the importer kept them, a file the upstream's page did
   * not list left out. One row per release document (not per file) keeps a
   * 50,000-file project at ~50 rows, which is what makes it fast to serve.
   */
  // !code lib/rewrite_keys.js
  // !code lib/simple_file.js
  var forms, files, upstream, i, file;
  if (doc.type === 'project') {
    forms = rewriteKeyForms(doc._id);
    for (i = 0; i < forms.length; i++) {
      emit([forms[i], 0], {project: doc._id, versions: doc.versions || [], last_serial: doc.last_serial,
                           status: doc.project_status || null});
    }
  } else if ((doc.type === 'release' || doc.type === 'release_files') && doc.files && doc.files.length) {
    files = [];
    upstream = null;
    if (doc.simple_files) {
      upstream = {};
      for (i = 0; i < doc.simple_files.length; i++) { upstream['f:' + doc.simple_files[i].filename] = doc.simple_files[i]; }
    }
    for (i = 0; i < doc.files.length; i++) {
      file = doc.files[i];
      if (upstream === null) {
        files.push(simpleFile(file));
      } else if (upstream.hasOwnProperty('f:' + file.filename)) {
        files.push(simpleFile(file, upstream['f:' + file.filename]));
      }
    }
    forms = rewriteKeyForms(doc.project);
    for (i = 0; i < forms.length; i++) {
      emit([forms[i], 1, doc.version, doc.chunk || 1], {project: doc.project, files: files});
    }
  }
}
