/*
 * `/simple/<name>/` from the page the importer stored (importer/pypioncouch/simple_pages.py,
 * docs/schema.md "Stored answers"): the rows of views/simple_page, with include_docs, are
 * the project's row (its doc: the head `<name>//simple`), then the JSON rendering's pieces,
 * then the HTML rendering's. Only the rows the answer needs are read, and reading stops
 * there: CouchDB then sends no more rows (nor their documents) into the query server, which
 * is what a big page cost when it was built per request (docs/benchmarks.md). The page object
 * and its two renderings are lib/simple_page and lib/simple_render, run by the importer.
 *
 * The ETag's validator is the project row with its head's revision: the head names its
 * pieces by their content's digest, so it stands for the bytes, and a 304 reads one row.
 *
 * Where no stored page can be trusted (none yet, a head whose serial is not the project
 * document's, a piece not there: an older importer's database, a mirror between two
 * replicated documents; or a quarantined project) the reader is sent (307) to the page
 * built per request from the release documents, at the same depth so relative links hold.
 */
var cache = require('lib/http_cache');
var names = require('lib/names');
var negotiate = require('lib/negotiate');
var responses = require('lib/responses');
var simple = require('lib/simple');

exports.FALLBACK = 'simple-from-documents';

function fallback(req, name) {
  var location = '../../' + exports.FALLBACK + '/' + encodeURIComponent(name) + '/' + responses.formatQuery(req);
  return responses.response(307, 'text/plain; charset=utf-8', 'See ' + location + '\n',
                            {'Location': location, 'Cache-Control': 'no-store'});
}

/* The project's row, when it is this project's and its stored page can be trusted; else null. */
function storedHead(name, row) {
  var stored = row && row.doc;
  if (!stored || stored.type !== 'simple_page' || stored.project !== name || row.value.quarantined) { return null; }
  if (!stored.json || !stored.html || !stored.json.pieces || !stored.html.pieces) { return null; }
  if (stored.last_serial !== row.value.last_serial) { return null; }  // the head is not this project document's
  return stored;
}

/*
 * The rendering's text: the pieces' rows of `head` at [name, part, i] (part 1: JSON, 2: HTML;
 * rows of the other rendering, and of another project whose name parsed to the same key,
 * are passed over), then its tail. Stops at its last piece. Null when a piece is missing.
 */
function readRendering(getRow, head, part) {
  var rendering = part === 1 ? head.json : head.html, texts = [], row;
  while (texts.length < rendering.pieces.length) {
    row = getRow();
    if (!row || row.key[1] > part) { return null; }
    if (row.id === head._id && row.key[1] === part) {
      if (!row.doc || row.doc._id !== rendering.pieces[texts.length]) { return null; }
      texts.push(row.doc.text);
    }
  }
  texts.push(rendering.text);
  return texts.join('');
}

/* The project's own row: the first of the [name, 0] rows (several when names parse alike) that is its. */
function projectRow(name, getRow) {
  var row = getRow();
  while (row && row.key[1] === 0 && row.id !== name) { row = getRow(); }
  return row && row.key[1] === 0 ? row : null;
}

/* The whole response, CORS and caching included (lib/http_cache). `ddoc`: the list's `this`. */
exports.response = function (req, getRow, ddoc) {
  var name = String(req.query.name), first, head, offer, isJson, resp, validator, unchanged, text;
  if (!names.isNormalized(name)) { return cache.conditional(req, responses.redirectToNormalized(req, name, '/')); }
  first = projectRow(name, getRow);
  if (first === null) { return cache.conditional(req, responses.notFoundText()); }
  head = storedHead(name, first);
  if (head === null) { return cache.conditional(req, fallback(req, name)); }
  offer = negotiate.choose(req, simple.OFFERS);
  if (offer === null) { return cache.conditional(req, responses.notAcceptable(simple.OFFERS)); }
  isJson = offer.name === 'json';
  resp = responses.response(200, simple.contentType(offer), '',
                            head.last_serial === null ? {} : {'X-PyPI-Last-Serial': String(head.last_serial)});
  validator = cache.documents(ddoc, [first], req);
  unchanged = cache.notModified(req, resp, validator);
  if (unchanged !== null) { return unchanged; }
  text = readRendering(getRow, head, isJson ? 1 : 2);
  if (text === null) { return cache.conditional(req, fallback(req, name)); }
  resp.body = text;
  return cache.conditional(req, resp, validator);
};
