function (head, req) {
  /*
   * `/simple/`: the index the importer rendered in pieces (view simple_index with
   * include_docs), concatenated; HTML or JSON by content negotiation. Without a complete
   * set of pieces (a database written by an older importer, a mirror mid-replication) the
   * client is sent to `simple/index/from-projects/`, the index built from every project
   * (lists/simple_index). The ETag comes from the documents read, so a 304 builds nothing.
   */
  var cache = require('lib/http_cache');
  var rows = [], row, resp, validator;
  while ((row = getRow())) { rows.push(row); }
  resp = require('lib/simple_index_pieces').respond(req, rows);
  validator = cache.documents(this, rows, req);
  if (validator === null && typeof resp.body === 'function') { resp.body = resp.body(); }
  resp = cache.conditional(req, resp, validator);
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
