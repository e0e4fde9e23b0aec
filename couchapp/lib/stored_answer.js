/*
 * Reading an answer the importer stored as a head and content-addressed pieces
 * (importer/pypioncouch/answer_pieces.py): the JSON API's (`<name>//json`, views/json_api_answer)
 * and the Simple page's (`<name>//simple`, views/simple_page). Both views, read with
 * include_docs for [name] .. [name, {}], give the project's row [name, 0] (its doc: the head),
 * then [name, part, i] rows whose docs are the pieces, in order.
 *
 * The rows are read one at a time (getRow), only as far as the answer needs, and reading stops
 * there: CouchDB then sends no more rows, nor their documents, into the query server. A 304
 * needs only the project's row: its head names the pieces by their content's digest, so the
 * head's revision stands for the bytes (lib/http_cache documents()).
 */

/* The project's own row: the first [name, 0] row (several when names parse alike, lib/rewrite_keys) that is its. */
exports.projectRow = function (name, getRow) {
  var row = getRow();
  while (row && row.key[1] === 0 && row.id !== name) { row = getRow(); }
  return row && row.key[1] === 0 ? row : null;
};

/*
 * The text of `rendering` ({pieces, text}, of the head `headId`): its pieces from the rows at
 * [name, part, i], rows of a smaller part (another rendering) and of another head (a name that
 * parsed to the same key) passed over, then its `text`. Stops at its last piece. Null when a
 * piece is missing or not the one the head names (a reader between two writes, a mirror
 * between two replicated documents).
 */
exports.readPieces = function (getRow, headId, part, rendering) {
  var texts = [], row;
  while (texts.length < rendering.pieces.length) {
    row = getRow();
    if (!row || row.key[1] > part) { return null; }
    if (row.id === headId && row.key[1] === part) {
      if (!row.doc || row.doc._id !== rendering.pieces[texts.length]) { return null; }
      texts.push(row.doc.text);
    }
  }
  texts.push(rendering.text);
  return texts.join('');
};

/* Whether `rendering` is stored as an attachment ({attachment, bytes}) rather than as {pieces, text}. */
exports.isAttached = function (rendering) {
  return !!rendering && typeof rendering.attachment === 'string';
};

/*
 * The document holding `rendering` as an attachment, from its row [name, part, 0] (rows of a
 * smaller part and of another head passed over, as readPieces does); null when it is not there
 * or not the one the head names.
 */
exports.readAttachment = function (getRow, headId, part, rendering) {
  var row = getRow();
  while (row && row.key[1] <= part) {
    if (row.id === headId && row.key[1] === part) {
      return row.doc && row.doc._id === rendering.attachment ? row.doc : null;
    }
    row = getRow();
  }
  return null;
};

/* A head that can be read: of `type`, with each of `renderings` ({pieces, text}; or, when
 * `attachable`, an attachment) in place. */
exports.isHead = function (doc, type, renderings, attachable) {
  var i, rendering;
  if (!doc || doc.type !== type) { return false; }
  for (i = 0; i < renderings.length; i++) {
    rendering = renderings[i] === null ? doc : doc[renderings[i]];
    if (!rendering) { return false; }
    if (!(attachable && exports.isAttached(rendering)) &&
        (Object.prototype.toString.call(rendering.pieces) !== '[object Array]' ||
        typeof rendering.text !== 'string')) { return false; }
  }
  return true;
};
