function (doc) {
  /*
   * All projects by normalized name: the "all projects" pages (paged by key)
   * and search by name prefix. Value: what a listing row shows.
   */
  // !code lib/browse_index.js
  if (doc.type === 'project') {
    emit(doc._id, [doc.name, doc.latest_version, shortSummary((doc.info || {}).summary)]);
  }
}
