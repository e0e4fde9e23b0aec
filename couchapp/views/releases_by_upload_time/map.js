function (doc) {
  /*
   * Releases by upload time (the earliest file's), for pypioncouch.client's
   * newest_releases(), read descending: [upload time, project, version] ->
   * [requires_python, yanked, files] (files: null past 1,000, when they spill into
   * release_files documents). Only what a listing prints: the release
   * document itself holds the rest. Its own view, so the browsing views can
   * change shape without the client noticing.
   */
  if (doc.type === 'release' && doc.upload_time) {
    emit([doc.upload_time, doc.project, doc.version],
         [doc.requires_python || null, Boolean(doc.yanked), doc.file_chunks ? null : (doc.files || []).length]);
  }
}
