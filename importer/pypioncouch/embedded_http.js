'use strict';
// Preloaded into the embedded PouchDB Server 4.2.0 by pypioncouch (embedded.py runs
// `node --unhandled-rejections=warn --require <this file> .../pouchdb-server ...`), so the
// pinned npm package runs unchanged, as its own main module, with its own CLI and logs.
//
// It corrects two things.
//
// 1. Framing. pouchdb-list buffers a list function's whole output, then sets
// `Transfer-Encoding: chunked`; express then adds the buffered body's `Content-Length`, and
// Node sends both headers (with a chunked body). A sender must not (RFC 9112, 6.2), and
// strict clients refuse the response (aiohttp, hence bandersnatch) or warn (pip). When a response is about to carry
// both, the `Transfer-Encoding` goes: the body is complete and its length is exact, so Node
// then sends it as it is, framed by `Content-Length`. A response with only one of the two
// (a streamed `_changes`, a gzipped page whose length the compression middleware removed)
// is left alone, and so is everything else about every response.
//
// 2. Header names under `_rewrite`. Node gives `req.headers` lower-case names, and express and
// its middleware only ever look them up that way (`req.fresh` reads `if-none-match`,
// `req.get()` lower-cases the name it is asked for). express-pouchdb's rewrite
// (lib/routes/rewrite.js) replaces `req.headers` with the headers of the CouchDB request object
// it built for the rewritten path (`req.headers = resp.headers`), and couchdb-objects names
// those the CouchDB way (`If-None-Match`, `Accept-Encoding`, plus its own default `Accept`,
// `Accept-Language`, `User-Agent`). So after a rewrite express found no `If-None-Match` and a
// show, an attachment or a document under `_rewrite` never answered 304 (the same URLs
// outside `_rewrite` do), and no `Accept-Encoding` either (no gzip under `_rewrite`). Every
// request therefore gets a `headers` property of its own that lower-cases the names of any
// object assigned to it, which is what Node guarantees for the headers it parses; what design
// functions see is unchanged, as couchdb-objects names them the CouchDB way again when it
// builds their request object from `req.headers`. Express's own conditional GET (the one at
// the database's own URLs) then answers: a 304 with the ETag and every header but the body's
// (`Content-Type`, `Content-Length`, `Transfer-Encoding` go), no body, for a complete body
// sent with `res.send`; a streamed answer (`_changes`) has no ETag and is never touched.
// So the 304 is decided where express decides it, before the head goes out, and this file
// never turns a 200 into a 304 after the fact (the body would then have to be thrown away).

var http = require('http');

var writeHead = http.ServerResponse.prototype.writeHead;

// The headers argument of writeHead(status[, reason][, headers]), merged into the response
// the way Node merges it, so the check below sees every header that will be sent.
function mergeHeaders(res, headers) {
  var i;
  if (Array.isArray(headers)) {
    if (headers.length && Array.isArray(headers[0])) {
      for (i = 0; i < headers.length; i++) {
        res.setHeader(headers[i][0], headers[i][1]);
      }
    } else {
      for (i = 0; i + 1 < headers.length; i += 2) {
        res.setHeader(headers[i], headers[i + 1]);
      }
    }
  } else if (headers && typeof headers === 'object') {
    Object.keys(headers).forEach(function (name) {
      res.setHeader(name, headers[name]);
    });
  }
}

http.ServerResponse.prototype.writeHead = function (statusCode, reason, headers) {
  if (typeof reason !== 'string') {
    headers = reason;
    reason = undefined;
  }
  if (headers && !this.headersSent) {
    mergeHeaders(this, headers);
  }
  if (this.hasHeader('content-length') && this.hasHeader('transfer-encoding')) {
    this.removeHeader('transfer-encoding');
  }
  return reason === undefined ? writeHead.call(this, statusCode) : writeHead.call(this, statusCode, reason);
};

// Node's own accessor (Node 16+: the headers are parsed lazily, kept behind a getter and a
// setter on the prototype). It cannot be replaced there (it is not configurable), and express
// swaps each request's prototype for its own anyway, so the property goes on the request.
var nodeHeaders = Object.getOwnPropertyDescriptor(http.IncomingMessage.prototype, 'headers');

function lowerCaseNames(headers) {
  if (!headers || typeof headers !== 'object') {
    return headers;
  }
  var lowered = {};
  Object.keys(headers).forEach(function (name) {
    lowered[name.toLowerCase()] = headers[name];
  });
  return lowered;
}

function keepHeaderNamesLowerCase(req) {
  if (nodeHeaders && nodeHeaders.get && nodeHeaders.set) {
    Object.defineProperty(req, 'headers', {
      configurable: true,
      get: function () { return nodeHeaders.get.call(this); },
      set: function (headers) { nodeHeaders.set.call(this, lowerCaseNames(headers)); }
    });
  } else {
    var current = req.headers;  // an own data property on older Node
    Object.defineProperty(req, 'headers', {
      configurable: true,
      get: function () { return current; },
      set: function (headers) { current = lowerCaseNames(headers); }
    });
  }
}

// Before any listener (express's app) sees the request.
var emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req) {
  if (event === 'request' && req instanceof http.IncomingMessage) {
    keepHeaderNamesLowerCase(req);
  }
  return emit.apply(this, arguments);
};
