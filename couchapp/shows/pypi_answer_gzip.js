function (doc, req) {
  /*
   * `/pypi/<name>/json/gzip/<id>`: a long JSON API answer's gzipped copy, where the list
   * `/pypi/<name>/json` sends clients that take gzip (lib/pypi_json.js gzipResponse).
   */
  return require('lib/pypi_json').gzipResponse(doc, req);
}
