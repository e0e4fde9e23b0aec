function (doc) {
  /*
   * The Simple API index: [0] the database's sync state (its serial is the
   * index's `_last-serial`), then [1, name] for every project with its display
   * name and serial. A quarantined project is left out, as PyPI leaves it out
   * (its own page still answers, with no files).
   */
  if (doc.type === 'state') {
    emit([0], doc.last_serial);
  } else if (doc.type === 'project' && !(doc.project_status && doc.project_status.status === 'quarantined')) {
    emit([1, doc._id], [doc.name, doc.last_serial]);
  }
}
