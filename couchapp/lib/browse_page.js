/*
 * Rendering a browsing page: one page object, built once by a show or list,
 * answered as HTML (mustache templates: the page template inside the layout)
 * or as JSON (the page object itself), by lib/negotiate.js. Lists call
 * start() once with the response's code and headers, then return its body
 * (the order that works on both servers, see docs/couchdb-vs-pouchdb.md).
 */
var Mustache = require('lib/vendor/mustache');
var escaping = require('lib/html_escape');
var negotiate = require('lib/negotiate');
var responses = require('lib/responses');
var urls = require('lib/browse_urls');

var HTML = {name: 'html', type: 'text/html'};
var JSON_OFFER = {name: 'json', type: 'application/json'};
var OFFERS = [HTML, JSON_OFFER];
var HTML_TYPE = 'text/html; charset=utf-8';

/*
 * mustache's own escaping also turns / ` = into entities: harmless, but every
 * URL would read `https:&#x2F;&#x2F;...` in the source. & < > " ' are what HTML
 * and XML need escaped, in text and in quoted attributes alike.
 */
var MUSTACHE_CONFIG = {escape: escaping.escape};

/*
 * The `_rewrite/` root as the client sees it, for <base href>: everything up
 * to `_rewrite` in the requested path, or `/` behind a vhost (no `_rewrite`).
 * PouchDB Server glues the query string to the last segment: cut it off.
 */
function basePath(req) {
  var path = req.requested_path || [], out = [], i, segment;
  for (i = 0; i < path.length; i++) {
    segment = String(path[i]).split('?')[0];
    out.push(encodeURIComponent(segment));
    if (segment === '_rewrite') { return '/' + out.join('/') + '/'; }
  }
  return '/';
}

// Absolute base (scheme and host from the request), for feeds, whose links must be absolute.
function absoluteBase(req) {
  var host = negotiate.header(req, 'Host') || 'localhost';
  var scheme = negotiate.header(req, 'X-Forwarded-Proto') === 'https' ? 'https' : 'http';
  return scheme + '://' + host + basePath(req);
}

function layoutData(req, page, title) {
  return {
    base: basePath(req),
    title: title,
    page: page,
    query: page.query || '',
    nav: [
      {label: 'Projects', href: urls.allProjects()},
      {label: 'Classifiers', href: urls.classifierTree('')},
      {label: 'Keywords', href: urls.facetIndex('keyword')},
      {label: 'Authors', href: urls.facetIndex('author')},
      {label: 'Maintainers', href: urls.facetIndex('maintainer')}
    ],
    feeds: page.feeds || []
  };
}

function html(ddoc, req, template, page, title, code) {
  var templates = ddoc.templates.browse;
  var body = Mustache.render(templates.layout, layoutData(req, page, title),
                             {content: templates[template], files: templates.files}, MUSTACHE_CONFIG);
  return responses.response(code || 200, HTML_TYPE, body);
}

/*
 * The response for `page`: HTML through templates/browse/<template>.html, or
 * the page as JSON. `title` is the HTML title; `code` defaults to 200.
 */
exports.render = function (ddoc, req, template, page, title, code) {
  var offer = negotiate.choose(req, OFFERS);
  if (offer === null) { return responses.notAcceptable(OFFERS); }
  if (offer === JSON_OFFER) {
    return responses.response(code || 200, 'application/json', JSON.stringify(page));
  }
  return html(ddoc, req, template, page, title, code);
};

exports.notFound = function (ddoc, req, message) {
  return exports.render(ddoc, req, 'message', {message: message, status: 404}, 'Not found', 404);
};

exports.badRequest = function (ddoc, req, message) {
  return exports.render(ddoc, req, 'message', {message: message, status: 400}, 'Bad request', 400);
};

// A redirect to `target` (relative to the `_rewrite/` root), keeping `?format=`.
exports.redirect = function (req, target, code) {
  var location = basePath(req) + target, format = req.query && req.query.format;
  if (format !== undefined && format !== null && String(format) !== '') {
    location += (target.indexOf('?') === -1 ? '?' : '&') + 'format=' + encodeURIComponent(String(format));
  }
  return responses.response(code || 302, 'text/plain; charset=utf-8', 'See ' + location + '\n', {'Location': location});
};

exports.basePath = basePath;
exports.MUSTACHE_CONFIG = MUSTACHE_CONFIG;
exports.absoluteBase = absoluteBase;
