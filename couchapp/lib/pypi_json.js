/*
 * PyPI's JSON API payloads (`/pypi/<name>/json`, `/pypi/<name>/<version>/json`)
 * from the stored documents. File objects are PyPI's, stored verbatim in the
 * release documents, so `releases` and `urls` come back exactly as PyPI sent them.
 */

// PEP 792: PyPI's JSON API answers 404 for a quarantined project.
function isQuarantined(project) {
  return !!(project.project_status && project.project_status.status === 'quarantined');
}

function filesByVersion(name, rows) {
  var project = null, releases = {}, releaseDocs = {}, i, j, doc;
  for (i = 0; i < rows.length; i++) {
    doc = rows[i].doc;
    if (!doc) { continue; }
    if (doc.type === 'project') {
      if (doc._id === name && !isQuarantined(doc)) { project = doc; }
      continue;
    }
    if (doc.project !== name) { continue; }  // another text that parsed to the same key
    if (doc.type === 'release') { releaseDocs[doc.version] = doc; }
    if (!releases.hasOwnProperty(doc.version)) { releases[doc.version] = []; }
    // Rows come in chunk order: the release's first 1,000 files, then its spill-over documents.
    for (j = 0; j < (doc.files || []).length; j++) { releases[doc.version].push(doc.files[j]); }
  }
  return {project: project, releases: releases, releaseDocs: releaseDocs};
}

// Keys in the order pypi.org sends them; `ownership` only when PyPI gave one.
function payload(project, info, releases, urls) {
  var out = {info: info};
  if (releases !== null) { out.releases = releases; }
  out.urls = urls;
  out.vulnerabilities = project.vulnerabilities || [];
  out.last_serial = project.last_serial;
  if (project.ownership && Object.keys(project.ownership).length) { out.ownership = project.ownership; }
  return out;
}

/* rows: json_api_project for [name] .. [name, {}] with docs. null: unknown project. */
exports.projectPayload = function (name, rows) {
  var found = filesByVersion(name, rows), releases = {}, versions, i, v;
  if (found.project === null) { return null; }
  versions = found.project.versions || [];
  for (i = 0; i < versions.length; i++) {
    v = versions[i];
    releases[v] = found.releases.hasOwnProperty(v) ? found.releases[v] : [];
  }
  return payload(found.project, found.project.info, releases, releases[found.project.latest_version] || []);
};

/*
 * A version's `info` is stored only when the importer saw it (docs/schema.md).
 * Otherwise it is made from the latest version's `info` with the fields the
 * release document knows replaced; `synthesized` tells the caller so.
 */
function releaseInfo(project, release) {
  var info = {}, key, base = project.info || {};
  if (release.info) { return {info: release.info, synthesized: false}; }
  for (key in base) {
    if (base.hasOwnProperty(key)) { info[key] = base[key]; }
  }
  info.version = release.version;
  info.release_url = base.project_url ? base.project_url + release.version + '/' : null;
  info.requires_python = release.requires_python;
  info.yanked = release.yanked;
  info.yanked_reason = release.yanked_reason;
  return {info: info, synthesized: true};
}

/* rows: json_api_release for [name, version] .. [name, version, {}] with docs. */
exports.releasePayload = function (name, version, rows) {
  var found = filesByVersion(name, rows), release = found.releaseDocs[version], info;
  if (found.project === null || !release) { return null; }
  info = releaseInfo(found.project, release);
  return {body: payload(found.project, info.info, null, found.releases[version] || []),
          synthesized: info.synthesized};
};

/*
 * The response to `/pypi/<name>/json` from json_api_answer's rows (read with getRow, only as
 * far as needed: lib/stored_answer.js), CORS and caching included (lib/http_cache; `ddoc`: the
 * list's `this`): the stored answer, a 301 to the normalized name, a 404 (unknown or
 * quarantined), a 307 to `json/from-documents` (built from the release documents) when there
 * is no complete stored answer, or, for a client that takes gzip, a 307 to the answer's gzipped
 * copy when the head names one (`json/gzip/<id>`, gzipResponse). Early returns, not a chain of assignments: on CouchDB 3.5's
 * QuickJS the same choice written as nested if/else assigning one variable cost 210 ms of CPU
 * for a 3 MB answer, against 80 ms written this way (measured).
 */
exports.answerResponse = function (req, getRow, ddoc) {
  var cache = require('lib/http_cache');
  var names = require('lib/names');
  var responses = require('lib/responses');
  var stored = require('lib/stored_answer');
  var negotiate = require('lib/negotiate');
  var name = String(req.query.name), row, head, headers, resp, validator, unchanged, text;
  var sendToBuilt = responses.toFallback('json/from-documents');
  if (!names.isNormalized(name)) { return cache.conditional(req, responses.redirectToNormalized(req, name, '/json')); }
  row = stored.projectRow(name, getRow);
  if (row === null || (row.value && row.value.quarantined)) { return cache.conditional(req, responses.notFoundJson()); }
  head = row.doc;
  if (!stored.isHead(head, 'json_api', [null])) { return cache.conditional(req, sendToBuilt); }
  headers = {'X-PyPI-Last-Serial': String(head.last_serial)};
  if (head.gzip && typeof head.gzip.id === 'string') {
    if (negotiate.acceptsGzip(req)) { return cache.conditional(req, toGzipped(responses, head)); }
    headers.Vary = VARY_GZIP;
  }
  resp = responses.response(200, 'application/json', '', headers);
  validator = cache.documents(ddoc, [row], req);
  unchanged = cache.notModified(req, resp, validator);
  if (unchanged !== null) { return unchanged; }
  text = stored.readPieces(getRow, head._id, 1, head);
  if (text === null) { return cache.conditional(req, sendToBuilt); }
  resp.body = text;
  return cache.conditional(req, resp, validator);
};

// The list's answers differ by Accept-Encoding where a gzipped copy is stored.
var VARY_GZIP = 'Accept, Accept-Encoding';

/* 307 to the head's gzipped copy, `json/gzip/<id>`, with the serial (bandersnatch reads it on the last response). */
function toGzipped(responses, head) {
  // `:` is safe past the first segment; the serial lets the show refuse a copy older than this head
  var location = 'json/gzip/' + encodeURIComponent(head.gzip.id).replace(/%3A/g, ':') +
                 '?serial=' + encodeURIComponent(String(head.last_serial));
  return responses.redirect(307, location, {'X-PyPI-Last-Serial': String(head.last_serial), 'Vary': VARY_GZIP});
}

/*
 * `/pypi/<name>/json/gzip/<id>` (a show over the `json_api_gzip` document `<name>:json:gzip`,
 * importer/pypioncouch/json_api.py): the answer's bytes gzipped, `Content-Encoding: gzip`, sent
 * as stored (a show's `base64` body). This URL is the gzipped resource whatever the request's
 * Accept-Encoding: the list sends only clients that take gzip here, so the response varies
 * by nothing but Accept, as CouchDB's ETag of a show assumes (it sets `Vary: Accept` itself).
 * `Cache-Control: private` keeps shared caches from handing the bytes to clients that never
 * asked for gzip. A document that is not there, not this project's or not of the serial the
 * list's head named (`?serial=`: the copy is one document overwritten, and a sharded database
 * or a replication may show the head's new revision before the copy's) sends the reader to
 * `json/from-documents`, the answer built per request.
 */
exports.gzipResponse = function (doc, req) {
  var cache = require('lib/http_cache');
  var responses = require('lib/responses');
  var name = String(req.query.name), headers;
  if (!doc || doc.type !== 'json_api_gzip' || doc.project !== name || doc._id !== name + ':json:gzip' ||
      typeof doc.base64 !== 'string' || String(doc.last_serial) !== String(req.query.serial)) {
    return cache.conditional(req, responses.toFallback('../from-documents'));
  }
  headers = cache.withCors({'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Vary': 'Accept',
                            'Cache-Control': 'private', 'X-PyPI-Last-Serial': String(doc.last_serial)});
  return {code: 200, headers: headers, base64: doc.base64};
};
