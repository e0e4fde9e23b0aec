function (head, req) {
  /*
   * `/simple/<name>/`: the Simple API page the importer stored (views/simple_page with
   * include_docs), HTML or JSON by content negotiation, reading only the rows that
   * rendering needs (lib/simple_stored.js). The page built per request from the release
   * documents is lists/simple_detail.js, at `/simple-from-documents/<name>/`.
   */
  var resp = require('lib/simple_stored').response(req, getRow, this);
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
