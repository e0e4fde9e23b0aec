function (doc) {
  /*
   * The Simple API index: [0] the database's sync state (its serial is the
   * index's `_last-serial`), then [1, name] for every project with its display
   * name and serial.
   */
  if (doc.type === 'state') {
    emit([0], doc.last_serial);
  } else if (doc.type === 'project') {
    emit([1, doc._id], [doc.name, doc.last_serial]);
  }
}
