/*
 * Which file URLs may become links: http(s) ones, and the node's own relative
 * ones (an offline mirror's `../../files/...`). Anything with another scheme
 * (`javascript:`, `data:`, `vbscript:` ...) would be script on the database's
 * own origin when clicked. The importer refuses such files already
 * (importer/pypioncouch/urlsafety.py); this keeps documents written before
 * that, or by hand, from ever becoming a link. A URL is read as a browser
 * reads it: tabs and newlines anywhere are dropped, and leading control
 * characters and spaces ignored, so `java\tscript:` is a scheme too.
 */
exports.isLinkable = function (url) {
  if (typeof url !== 'string') { return false; }
  var text = url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, '');
  var scheme = /^([A-Za-z][A-Za-z0-9+.\-]*):/.exec(text);
  if (scheme === null) { return text !== ''; }
  return /^https?$/i.test(scheme[1]);
};
