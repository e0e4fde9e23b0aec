/*
 * Every URL the browsing pages link to, relative to the `_rewrite/` root (the
 * pages set <base href> to it), so templates never build a URL by hand.
 */
function enc(value) { return encodeURIComponent(String(value)); }

/*
 * Facet kinds. Their pages name the value `name`: PouchDB Server's rewriter
 * replaces any rule query value equal to a bound parameter's name (not only
 * `:name` ones), so no parameter may be called like a literal of the rules
 * ("author", "classifier", "true", ...).
 */
exports.FACETS = {author: true, maintainer: true, keyword: true, classifier: true};

exports.home = function () { return './'; };
exports.project = function (name) { return 'project/' + enc(name) + '/'; };
exports.release = function (name, version) { return 'project/' + enc(name) + '/' + enc(version) + '/'; };
// A project's release history, a page at a time: `history/`, `history/2/`, ...
exports.history = function (name, page) {
  return 'project/' + enc(name) + '/history/' + (page > 1 ? enc(page) + '/' : '');
};
exports.projectFeed = function (name) { return 'rss/project/' + enc(name) + '/releases.xml'; };
exports.projectAttachment = function (name, file) { return 'project/' + enc(name) + '/' + file; };
exports.updatesFeed = function () { return 'rss/updates.xml'; };
exports.packagesFeed = function () { return 'rss/packages.xml'; };

exports.allProjects = function (start) {
  return start === undefined ? 'projects/' : 'projects/next/?start=' + enc(start);
};

exports.search = function (q, start) {
  return start === undefined ? 'search/?q=' + enc(q) : 'search/next/?q=' + enc(q) + '&start=' + enc(start);
};

// The search box's search: `w` is the word the page reads the index at; a next page starts at [rank, id].
exports.searchAll = function (q, word, rank, start) {
  var url = 'search/all/' + (start === undefined ? '' : 'next/') + '?q=' + enc(q);
  if (word !== undefined) { url += '&w=' + enc(word); }
  return start === undefined ? url : url + '&rank=' + enc(rank) + '&start=' + enc(start);
};

exports.searchSummary = function (q, word, start) {
  var url = 'search/summary/' + (start === undefined ? '' : 'next/') + '?q=' + enc(q);
  if (word !== undefined) { url += '&w=' + enc(word); }
  return start === undefined ? url : url + '&start=' + enc(start);
};

// A facet page: `author/?name=ada%20lovelace`; the next page adds `start`.
exports.facet = function (kind, value, start) {
  var param = 'name=' + enc(value);
  return start === undefined ? kind + '/?' + param : kind + '/next/?' + param + '&start=' + enc(start);
};

// The index of a facet kind with counts: `authors/`, `keywords/`, ...
exports.facetIndex = function (kind, start) {
  return start === undefined ? kind + 's/' : kind + 's/next/?start=' + enc(start);
};

/*
 * The classifier tree one level below `classifier` ('' for the top), keeping a
 * filter in progress: `classifiers/`, `classifiers/under/?name=Framework`. Two
 * URLs because a rule's key range is fixed by its path: the top level's range
 * cannot come from a parameter that is absent.
 */
exports.classifierTree = function (classifier, filter) {
  var params = [];
  if (classifier) { params.push('name=' + enc(classifier)); }
  if (filter && filter.length) { params.push('filter=' + enc(filter.join('|'))); }
  return 'classifiers/' + (classifier ? 'under/' : '') + (params.length ? '?' + params.join('&') : '');
};

// Projects having every classifier of `classifiers` (two or more; one is a plain facet page).
exports.filter = function (classifiers, start) {
  var url;
  if (classifiers.length === 1) { return exports.facet('classifier', classifiers[0], start); }
  url = 'filter/' + (start === undefined ? '' : 'next/') + '?name=' + enc(classifiers[0]) +
    '&and=' + enc(classifiers.slice(1).join('|'));
  return start === undefined ? url : url + '&start=' + enc(start);
};
