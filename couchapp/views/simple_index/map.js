function (doc) {
  /*
   * The pre-rendered Simple API index (importer/pypioncouch/simple_index.py, docs/schema.md),
   * read with include_docs: [0] the head itself, then [1, k] linked to its k-th piece (the
   * row's doc is null while that piece is not there). A few hundred rows at PyPI's size,
   * whatever the number of projects.
   */
  var k;
  if (doc.type === 'simple_index' && doc._id === 'pypioncouch:simple:index') {
    emit([0], null);
    for (k = 0; k < (doc.pieces || []).length; k++) {
      emit([1, k], {_id: doc.pieces[k].id});
    }
  }
}
