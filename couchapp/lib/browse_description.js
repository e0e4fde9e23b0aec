/*
 * A project description (description_html: rendered and sanitized at import by
 * readme_renderer, whose nh3 pass keeps `id`s and `href`s) made to work inside a
 * browsing page. Pages carry <base href> at the site's root (lib/browse_page.js),
 * so an in-page link `href="#usage"` would resolve to the home page: each one is
 * rewritten to the page's own URL, relative to the root, plus the fragment, which a
 * browser then treats as a jump inside the page it shows. Done at render time: the
 * stored HTML stays what PyPI would serve, and the page's URL is known only here.
 */

// `<a ...>` tags whose href is a fragment: quoted values are consumed whole, so an
// `href="#` inside another attribute's value is never taken for the href itself.
var FRAGMENT_HREF = /(<a\s(?:[^>"]|"[^"]*")*?\bhref=")#([^"]*)"/g;
var ID = /\sid="([^"]*)"/g;

function idsOf(html) {
  var ids = {}, match;
  ID.lastIndex = 0;
  while ((match = ID.exec(html)) !== null) { ids[match[1]] = true; }
  return ids;
}

/*
 * readme_renderer prefixes heading ids with `user-content-` (as GitHub does, so a
 * README's ids never clash with the page's own) and rewrites the links it makes;
 * authors' own links, written for GitHub, often say `#usage` for
 * `user-content-usage`: GitHub's script maps them, here it is done once.
 */
function target(fragment, ids) {
  if (!ids.hasOwnProperty(fragment) && ids.hasOwnProperty('user-content-' + fragment)) {
    return 'user-content-' + fragment;
  }
  return fragment;
}

/*
 * `html` with every in-page link pointing to `pageUrl` (relative to the site's
 * root, as lib/browse_urls.js makes it: `project/requests/`). pageUrl holds only
 * URL-safe characters (encodeURIComponent'd segments), nothing to escape here.
 */
exports.localAnchors = function (html, pageUrl) {
  var ids;
  if (!html || html.indexOf('href="#') === -1) { return html || ''; }
  ids = idsOf(html);
  FRAGMENT_HREF.lastIndex = 0;
  return html.replace(FRAGMENT_HREF, function (all, start, fragment) {
    return start + pageUrl + '#' + target(fragment, ids) + '"';
  });
};
