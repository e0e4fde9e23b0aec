/*
 * `/simple/<name>/` from the page the importer stored (importer/pypioncouch/simple_pages.py,
 * docs/schema.md "Stored answers"): views/simple_page's rows, read as lib/stored_answer.js
 * reads them, are the project's row (its doc: the head `<name>//simple`), then the JSON
 * rendering's pieces, then the HTML rendering's; only those of the negotiated rendering are
 * read. The page object and its two renderings are lib/simple_page and lib/simple_render,
 * run by the importer (ported to Python) instead of per request.
 *
 * A rendering too long to pass through the query server quickly is stored as an attachment
 * instead, which CouchDB serves from disk: the list answers 307 to it (`X-PyPI-Last-Serial`
 * on the redirect; docs/schema.md).
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
var stored = require('lib/stored_answer');

exports.FALLBACK = 'simple-from-documents';
// offer name -> the attachment of that rendering (importer/pypioncouch/simple_pages.py ATTACHMENTS).
var ATTACHMENTS = {json: 'index.json', html: 'index.html'};

function fallback(req, name) {
  var location = '../../' + exports.FALLBACK + '/' + encodeURIComponent(name) + '/' + responses.formatQuery(req);
  return responses.toFallback(location);
}

/* The head of the project's row, when its stored page can be trusted; else null. */
function storedHead(name, row) {
  var head = row.doc;
  if (row.value.quarantined || !stored.isHead(head, 'simple_page', ['json', 'html'], true) || head.project !== name) {
    return null;
  }
  return head.last_serial === row.value.last_serial ? head : null;  // else not this project document's
}

/*
 * 307 to the attachment holding `rendering` ({attachment, bytes}) of the head `headId`, once its
 * row shows the document is there (else null): `files/<document>/<attachment>`, two levels
 * below the root as `simple/<name>/` is, so the page's relative links resolve alike. Only the
 * rendering's own type is stored: the v1+html type is left to the page built per request.
 */
function toAttachment(req, getRow, name, part, offer, rendering, serial) {
  var doc = stored.readAttachment(getRow, name + '//simple', part, rendering), file = ATTACHMENTS[offer.name], location;
  if (doc === null || !file || doc.type !== 'simple_attachment' || doc.rendering !== offer.name ||
      doc._id.indexOf(name + ':simple:') !== 0 || !doc._attachments || !doc._attachments[file]) { return null; }
  location = '../../files/' + encodeURIComponent(doc._id) + '/' + file;
  return responses.redirect(307, location, serial === null ? {} : {'X-PyPI-Last-Serial': serial});
}

/* The whole response, CORS and caching included (lib/http_cache). `ddoc`: the list's `this`. */
exports.response = function (req, getRow, ddoc) {
  var name = String(req.query.name), first, head, offer, isJson, rendering, serial, resp, validator, unchanged, text;
  if (!names.isNormalized(name)) { return cache.conditional(req, responses.redirectToNormalized(req, name, '/')); }
  first = stored.projectRow(name, getRow);
  if (first === null) { return cache.conditional(req, responses.notFoundText()); }
  head = storedHead(name, first);
  if (head === null) { return cache.conditional(req, fallback(req, name)); }
  offer = negotiate.choose(req, simple.OFFERS);
  if (offer === null) { return cache.conditional(req, responses.notAcceptable(simple.OFFERS)); }
  isJson = offer.name === 'json';
  rendering = isJson ? head.json : head.html;
  serial = head.last_serial === null ? null : String(head.last_serial);
  if (stored.isAttached(rendering)) {
    return cache.conditional(req, toAttachment(req, getRow, name, isJson ? 1 : 2, offer, rendering, serial) ||
                                  fallback(req, name));
  }
  resp = responses.response(200, simple.contentType(offer), '', serial === null ? {} : {'X-PyPI-Last-Serial': serial});
  validator = cache.documents(ddoc, [first], req);
  unchanged = cache.notModified(req, resp, validator);
  if (unchanged !== null) { return unchanged; }
  text = stored.readPieces(getRow, head._id, isJson ? 1 : 2, rendering);
  if (text === null) { return cache.conditional(req, fallback(req, name)); }
  resp.body = text;
  return cache.conditional(req, resp, validator);
};
