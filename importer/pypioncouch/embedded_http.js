'use strict';
// Preloaded into the embedded PouchDB Server 4.2.0 by pypioncouch (embedded.py runs
// `node --unhandled-rejections=warn --require <this file> .../pouchdb-server ...`), so the
// pinned npm package runs unchanged, as its own main module, with its own CLI and logs.
//
// What it corrects: pouchdb-list buffers a list function's whole output, then sets
// `Transfer-Encoding: chunked`; express then adds the buffered body's `Content-Length`, and
// Node sends both headers (with a chunked body). A sender must not (RFC 9112, 6.2), and
// strict clients refuse the response (aiohttp, hence bandersnatch) or warn (pip). When a response is about to carry
// both, the `Transfer-Encoding` goes: the body is complete and its length is exact, so Node
// then sends it as it is, framed by `Content-Length`. A response with only one of the two
// (a streamed `_changes`, a gzipped page whose length the compression middleware removed)
// is left alone, and so is everything else about every response.

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
