/*
 * External links from PyPI metadata. Only http(s) URLs become hrefs: a
 * `javascript:` or `data:` home page is shown as text, never made clickable.
 */
exports.safeHref = function (url) {
  var text = String(url === null || url === undefined ? '' : url).replace(/^\s+|\s+$/g, '');
  return /^https?:\/\/[^\s]+$/i.test(text) ? text : null;
};

// {label, url, href}: href null when the URL may not be linked.
exports.link = function (label, url) {
  return {label: String(label), url: String(url), href: exports.safeHref(url)};
};
