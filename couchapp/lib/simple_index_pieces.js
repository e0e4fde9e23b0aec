/*
 * `/simple/` from the pieces the importer rendered (importer/pypioncouch/simple_index.py):
 * the same bytes lists/simple_index builds from the simple_projects view (the same head
 * and tail, from lib/simple_render itself), at the cost of a few hundred stored strings.
 */
var negotiate = require('lib/negotiate');
var page = require('lib/simple_page');
var render = require('lib/simple_render');
var responses = require('lib/responses');
var simple = require('lib/simple');

// Relative to `simple/`, as every redirect of these APIs is (lib/responses.js).
exports.FALLBACK = 'index/from-projects/';

/*
 * rows: the simple_index view with include_docs. The head and its pieces in order, or
 * null when the head is missing or any piece it names is not there (yet).
 */
exports.stored = function (rows) {
  var head = null, pieces = [], i, row, doc, named;
  for (i = 0; i < rows.length; i++) {
    row = rows[i];
    if (row.key[0] === 0) {
      head = row.doc;
    } else if (head !== null) {
      doc = row.doc;
      named = head.pieces[row.key[1]];
      if (!doc || !named || doc._id !== named.id || doc.type !== 'simple_index_piece' ||
          typeof doc.html !== 'string' || typeof doc.json !== 'string') {
        return null;
      }
      pieces.push(doc);
    }
  }
  if (head === null || !head.pieces || pieces.length !== head.pieces.length) { return null; }
  return {head: head, pieces: pieces};
};

function fallback(req) {
  return responses.redirect(307, exports.FALLBACK + responses.formatQuery(req));
}

// The page lib/simple_render renders for no project, cut where the projects go.
function frame(text, marker) {
  var at = text.lastIndexOf(marker);
  return {before: text.slice(0, at), after: text.slice(at)};
}

function htmlBody(built, pieces) {
  var around = frame(render.indexHtml(built), '  </body>'), parts = [around.before], i;
  for (i = 0; i < pieces.length; i++) { parts.push(pieces[i].html); }
  parts.push(around.after);
  return parts.join('');
}

function jsonBody(built, pieces) {
  var around = frame(render.json(built), ']}'), parts = [], i;
  for (i = 0; i < pieces.length; i++) {
    if (pieces[i].json !== '') { parts.push(pieces[i].json); }
  }
  return around.before + parts.join(',') + around.after;
}

/*
 * The response, its body a function (http_cache.conditional calls it only when a body
 * is sent): a 406 as lib/simple answers it, a 307 to the fallback, or the index.
 */
exports.respond = function (req, rows) {
  var offer = negotiate.choose(req, simple.OFFERS), stored, built, json;
  if (offer === null) { return responses.notAcceptable(simple.OFFERS); }
  stored = exports.stored(rows);
  if (stored === null) { return fallback(req); }
  built = {meta: {'api-version': page.API_VERSION,
                  '_last-serial': stored.head.serial === undefined ? null : stored.head.serial},
           projects: []};
  json = offer.name === 'json';
  return responses.response(200, json ? offer.type : offer.type + '; charset=utf-8', function () {
    return json ? jsonBody(built, stored.pieces) : htmlBody(built, stored.pieces);
  }, page.serialHeaders(built));
};
