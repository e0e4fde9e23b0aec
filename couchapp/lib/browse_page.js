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
 * Where the `_rewrite/` root is, relative to the page: `./`, `../`, `../../`...
 * Every link and redirect of the pages is written relative to it, so the same
 * bytes work under `/db/_design/pypi/_rewrite/`, behind a vhost and behind a
 * reverse proxy that adds any prefix of its own. Nothing in `req` tells the
 * path the client asked for on CouchDB (requested_path is the rewritten path
 * under `_rewrite`), so each rule passes the depth of its own URL as the query
 * value `root` (tests/couchapp/test_rewrite_rules.py holds every rule to its
 * `from`). Only `./` and `../` repeated are accepted: a client cannot make the
 * page link anywhere else (PouchDB Server replaces a rule's query value equal
 * to a parameter's name, so `?../=x` can change it). A URL typed without its
 * trailing slash (`project/x`) is served the same page, whose links are then
 * one level off: CouchDB's req does not say the slash is missing.
 */
var ROOT = /^(\.\/|(\.\.\/){1,8})$/;

function relativeRoot(req) {
  var root = req.query ? req.query.root : undefined;
  return typeof root === 'string' && ROOT.test(root) ? root : './';
}

// A URL relative to the `_rewrite/` root (as lib/browse_urls.js makes them) as seen from the page.
function fromPage(req, target) {
  var root = relativeRoot(req);
  target = String(target).replace(/^\.\//, '');
  return root === './' ? (target || './') : root + target;
}

// A path segment encoded once: CouchDB's req.path holds it decoded, PouchDB Server's encoded.
function segment(text) {
  try {
    return encodeURIComponent(decodeURIComponent(String(text)));
  } catch (malformed) {
    return encodeURIComponent(String(text));
  }
}

function firstValue(req, name) {
  return negotiate.header(req, name).split(',')[0].replace(/^\s+|\s+$/g, '');
}

/*
 * The absolute URL of the `_rewrite/` root, for feeds (RSS wants absolute links).
 * Scheme and host as CouchDB's own absolute URLs take them: `X-Forwarded-Ssl: on`
 * or `X-Forwarded-Proto: https` mean https; `X-Forwarded-Host` wins over `Host`.
 * The path: `X-Forwarded-Prefix` when a reverse proxy says where it put the
 * root (`/pypi` for `https://example/pypi/`); `/` behind a CouchDB vhost (the
 * vhost maps the host's `/` to the `_rewrite/` root, and CouchDB says so with
 * `x-couchdb-vhost-path`); otherwise the database's own `_rewrite/` URL, from
 * req.path (`[db, "_design", ddoc, "_list", ...]`). docs/deployment.md says
 * what a proxy must send.
 */
var HOST = /^[A-Za-z0-9.\-_]+(:[0-9]+)?$|^\[[0-9A-Fa-f:.]+\](:[0-9]+)?$/;
var PREFIX = /^\/([^\/\s"'<>\\?#][^\s"'<>\\?#]*)?$/;

function absoluteRoot(req) {
  var forwarded = firstValue(req, 'X-Forwarded-Host'), host = firstValue(req, 'Host');
  var https = firstValue(req, 'X-Forwarded-Ssl').toLowerCase() === 'on' ||
    firstValue(req, 'X-Forwarded-Proto').toLowerCase() === 'https';
  var prefix = firstValue(req, 'X-Forwarded-Prefix'), path = req.path || [], root;
  host = HOST.test(forwarded) ? forwarded : (HOST.test(host) ? host : 'localhost');
  if (PREFIX.test(prefix)) {
    root = prefix.replace(/\/+$/, '') + '/';
  } else if (negotiate.header(req, 'x-couchdb-vhost-path')) {
    root = '/';
  } else if (path.length > 2 && path[1] === '_design') {
    root = '/' + segment(path[0]) + '/_design/' + segment(path[2]) + '/_rewrite/';
  } else {
    root = '/';
  }
  return (https ? 'https' : 'http') + '://' + host + root;
}

function layoutData(req, page, title) {
  return {
    base: relativeRoot(req),
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

// Every template is a partial of every page (`{{> files}}`), and the page's own is `content`.
function partials(templates, template) {
  var out = {}, name;
  for (name in templates) {
    if (templates.hasOwnProperty(name)) { out[name] = templates[name]; }
  }
  out.content = templates[template];
  return out;
}

function html(ddoc, req, template, page, title, code) {
  var templates = ddoc.templates.browse;
  var body = Mustache.render(templates.layout, layoutData(req, page, title), partials(templates, template),
                             MUSTACHE_CONFIG);
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

/*
 * A redirect to `target` (relative to the `_rewrite/` root), keeping `?format=`.
 * The Location is relative (RFC 9110 allows it; browsers, pip and requests
 * resolve it against the URL they asked for), so it is right under any prefix.
 */
exports.redirect = function (req, target, code) {
  var location = fromPage(req, target), format = req.query && req.query.format;
  if (format !== undefined && format !== null && String(format) !== '') {
    location += (target.indexOf('?') === -1 ? '?' : '&') + 'format=' + encodeURIComponent(String(format));
  }
  return responses.redirect(code || 302, location);
};

exports.relativeRoot = relativeRoot;
exports.fromPage = fromPage;
exports.MUSTACHE_CONFIG = MUSTACHE_CONFIG;
exports.absoluteRoot = absoluteRoot;
