/*
 * What the browsing views index, shared by the views (inlined with the
 * couchapp `// !code` macro: map functions cannot require() on PouchDB
 * Server) and the lists (require('lib/browse_index')), so a URL and a view
 * key are always folded the same way. Plain functions, ES5.
 */

// One person or keyword under one key, however its case and spacing vary.
function foldText(text) {
  return String(text === null || text === undefined ? '' : text)
    .replace(/\s+/g, ' ').replace(/^ | $/g, '').toLowerCase();
}

/*
 * The people named by a metadata pair (author/author_email): the name field
 * when set, else the display names of the e-mail field ("Ada <a@x>, Bob
 * <b@x>"), as modern pyproject metadata leaves the name field empty. Bare
 * addresses are not people's names and are not indexed.
 */
function peopleNamed(name, email) {
  var people = [], parts, i, part;
  if (foldText(name)) { return [String(name).replace(/\s+/g, ' ').replace(/^ | $/g, '')]; }
  parts = String(email || '').split(',');
  for (i = 0; i < parts.length; i++) {
    part = parts[i].slice(0, parts[i].lastIndexOf('<')).replace(/["']/g, '').replace(/\s+/g, ' ').replace(/^ | $/g, '');
    if (part && part.indexOf('@') === -1 && parts[i].indexOf('<') !== -1) { people.push(part); }
  }
  return people;
}

// "Framework :: Django :: 5.0" -> ["Framework", "Framework :: Django", "Framework :: Django :: 5.0"].
function classifierLevels(classifier) {
  var segments = String(classifier).split('::'), levels = [], path = [], i, segment;
  for (i = 0; i < segments.length; i++) {
    segment = segments[i].replace(/^\s+|\s+$/g, '');
    if (!segment) { break; }
    path.push(segment);
    levels.push(path.join(' :: '));
  }
  return levels;
}

var SUMMARY_STOP_WORDS = {a: 1, an: 1, and: 1, the: 1, of: 1, to: 1, 'in': 1, 'for': 1, on: 1, 'with': 1,
  by: 1, is: 1, it: 1, or: 1, as: 1, at: 1, be: 1, from: 1, that: 1, 'this': 1, your: 1};

// Searchable words of a summary: lower case, split at spaces and ASCII punctuation, no stop words.
function summaryWords(summary) {
  var words = foldText(summary).split(/[\s!-\/:-@\[-`{-~]+/), seen = {}, out = [], i, word;
  for (i = 0; i < words.length && out.length < 40; i++) {
    word = words[i];
    if (word.length > 1 && word.length <= 40 && !SUMMARY_STOP_WORDS.hasOwnProperty(word) && !seen.hasOwnProperty(word)) {
      seen[word] = true;
      out.push(word);
    }
  }
  return out;
}

// Summaries ride along in view rows for listings; a long one is cut to keep the index small.
function shortSummary(summary) {
  var text = String(summary === null || summary === undefined ? '' : summary).replace(/\s+/g, ' ').replace(/^ | $/g, '');
  return text.length > 200 ? text.slice(0, 199) + '\u2026' : text;
}

/*
 * Every facet a project document is found under, as [kind, value, label]
 * (value: the folded label; a classifier level as written):
 * authors, maintainers, keywords, and every level of every classifier.
 * Duplicates (two classifiers sharing a parent) are emitted once.
 */
function projectFacets(doc) {
  var info = doc.info || {}, facets = [], seen = {}, i, j, levels, people;
  function add(kind, label, value) {
    var id = kind + '\u0000' + value;
    if (value && !seen.hasOwnProperty(id)) {
      seen[id] = true;
      facets.push([kind, value, String(label)]);
    }
  }
  function addFolded(kind, label) { add(kind, label, foldText(label)); }
  people = peopleNamed(info.author, info.author_email);
  for (i = 0; i < people.length; i++) { addFolded('author', people[i]); }
  people = peopleNamed(info.maintainer, info.maintainer_email);
  for (i = 0; i < people.length; i++) { addFolded('maintainer', people[i]); }
  for (i = 0; i < (doc.keywords || []).length; i++) { addFolded('keyword', doc.keywords[i]); }
  for (i = 0; i < (doc.classifiers || []).length; i++) {
    levels = classifierLevels(doc.classifiers[i]);
    // Classifiers are a fixed vocabulary: kept as written, not folded.
    for (j = 0; j < levels.length; j++) { add('classifier', levels[j], levels[j]); }
  }
  return facets;
}

if (typeof exports !== 'undefined') {
  exports.foldText = foldText;
  exports.peopleNamed = peopleNamed;
  exports.classifierLevels = classifierLevels;
  exports.summaryWords = summaryWords;
  exports.shortSummary = shortSummary;
  exports.projectFacets = projectFacets;
}
