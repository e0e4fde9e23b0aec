function (doc) {
  /*
   * The documents `/pypi/<name>/<version>/json` needs, under one key range
   * [name, version] .. [name, version, {}] (queried with include_docs):
   * chunk 0 the project document (serial, vulnerabilities, ownership, latest
   * info), emitted once per version; chunk 1 the release; 2.. its spill-over files.
   */
  // !code lib/rewrite_keys.js
  var names, versions, i, j, k;
  if (doc.type === 'project') {
    names = rewriteKeyForms(doc._id);
    for (k = 0; k < (doc.versions || []).length; k++) {
      versions = rewriteKeyForms(doc.versions[k]);
      for (i = 0; i < names.length; i++) {
        for (j = 0; j < versions.length; j++) { emit([names[i], versions[j], 0], null); }
      }
    }
  } else if (doc.type === 'release' || doc.type === 'release_files') {
    names = rewriteKeyForms(doc.project);
    versions = rewriteKeyForms(doc.version);
    for (i = 0; i < names.length; i++) {
      for (j = 0; j < versions.length; j++) { emit([names[i], versions[j], doc.chunk || 1], null); }
    }
  }
}
