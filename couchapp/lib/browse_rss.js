/*
 * RSS 2.0 feeds as PyPI offers them (latest releases, newest projects, one
 * project's releases), rendered through templates/browse/rss.xml: mustache's
 * {{ }} escapes & < > " ' (the XML specials). Characters XML 1.0 forbids even
 * escaped (most C0 controls, lone surrogates) are dropped first, so a hostile
 * summary cannot make the feed invalid XML.
 */
var Mustache = require('lib/vendor/mustache');
var page = require('lib/browse_page');
var dates = require('lib/browse_dates');
var responses = require('lib/responses');

var NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function xmlText(value) {
  return String(value === null || value === undefined ? '' : value).replace(NOT_XML, function (match, before) {
    return before || '';
  });
}

/*
 * An item: {title, path (relative to `_rewrite/`), description, time ([y,m,d,h,mi,s])}.
 * Returns the feed response (application/rss+xml).
 */
exports.feed = function (ddoc, req, channel, items) {
  var base = page.absoluteRoot(req), i, data;
  function link(path) { return base + String(path).replace(/^\.\//, ''); }
  data = {
    title: xmlText(channel.title),
    link: link(channel.path),
    self: link(channel.self),
    description: xmlText(channel.description),
    items: []
  };
  for (i = 0; i < items.length; i++) {
    data.items.push({
      title: xmlText(items[i].title),
      link: link(items[i].path),
      description: xmlText(items[i].description),
      author: xmlText(items[i].author || ''),
      pub_date: dates.rfc822(items[i].time)
    });
  }
  return responses.response(200, 'application/rss+xml; charset=utf-8', Mustache.render(ddoc.templates.browse.rss, data, {}, page.MUSTACHE_CONFIG));
};

exports.xmlText = xmlText;
