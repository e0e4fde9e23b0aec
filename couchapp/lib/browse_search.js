/*
 * The search box's index, as pypi.org's search ranks: a project whose name is
 * the word first, then names holding the word, then summaries and keywords
 * holding it. Shared by views/browse_search/map.js (inlined with the couchapp
 * `// !code` macro: map functions cannot require()) and lists/browse_search_all.js
 * (require('lib/browse_search')), so a query and a project are split into words
 * alike. Self-contained and ES5.
 *
 * View rows: key [word, rank, project id], value [word, display name, version,
 * summary (cut), keywords (folded, cut)]. The rank is a string that collates in
 * the order results are shown (strings, not numbers: a rewrite rule binds the
 * next page's rank from the URL, and on CouchDB a bound value stays a string):
 *   "a"        the name is the word (`json` for "json")
 *   "b" + nnn  the name holds the word, shorter names first (`json-logger`)
 *   "c" + nn   the summary or the keywords hold it, shorter summaries first (`orjson`)
 * A search page reads one range [word] .. [word, {}] with a limit, whatever the
 * query: bounded cost, ranked by the view's own order.
 */

var SEARCH_STOP_WORDS = {a: 1, an: 1, and: 1, the: 1, of: 1, to: 1, 'in': 1, 'for': 1, on: 1, 'with': 1,
  by: 1, is: 1, it: 1, or: 1, as: 1, at: 1, be: 1, from: 1, that: 1, 'this': 1, your: 1};

var MAX_TEXT_WORDS = 40;

function searchPad(n, width) {
  var s = String(Math.max(0, Math.min(n, Math.pow(10, width) - 1)));
  while (s.length < width) { s = '0' + s; }
  return s;
}

// Lower-case words of a text, split at spaces and ASCII punctuation (`-`, `_`, `.` included), each once.
function searchWords(text, minLength) {
  var parts = String(text === null || text === undefined ? '' : text).toLowerCase()
    .split(/[\s!-\/:-@\[-`{-~]+/), seen = {}, out = [], i;
  for (i = 0; i < parts.length; i++) {
    if (parts[i].length >= (minLength || 1) && parts[i].length <= 40 && !seen.hasOwnProperty(parts[i])) {
      seen[parts[i]] = true;
      out.push(parts[i]);
    }
  }
  return out;
}

// Words of a summary or of keywords worth finding: two letters or more, no stop words.
function searchTextWords(text) {
  var words = searchWords(text, 2), out = [], i;
  for (i = 0; i < words.length && out.length < MAX_TEXT_WORDS; i++) {
    if (!SEARCH_STOP_WORDS.hasOwnProperty(words[i])) { out.push(words[i]); }
  }
  return out;
}

function searchKeywordsText(keywords) {
  var text = Object.prototype.toString.call(keywords) === '[object Array]' ? keywords.join(' ') : String(keywords || '');
  text = text.toLowerCase().replace(/\s+/g, ' ').replace(/^ | $/g, '');
  return text.length > 100 ? text.slice(0, 100) : text;
}

function searchSummaryText(summary) {
  var text = String(summary === null || summary === undefined ? '' : summary).replace(/\s+/g, ' ').replace(/^ | $/g, '');
  return text.length > 200 ? text.slice(0, 199) + '\u2026' : text;
}

/*
 * A project document's rows: [word, rank, value]. Names are normalized ids, so
 * their words are what `-` and `.` separate.
 */
function searchRows(doc) {
  var info = doc.info || {}, id = String(doc._id), names = searchWords(id, 1), inName = {}, rows = [];
  var texts, summaryWords, i, value;
  value = [null, doc.name || id, doc.latest_version || '', searchSummaryText(info.summary), searchKeywordsText(doc.keywords)];
  for (i = 0; i < names.length; i++) {
    inName[names[i]] = true;
    rows.push([names[i], names[i] === id ? 'a' : 'b' + searchPad(id.length, 3), value]);
  }
  summaryWords = searchTextWords(info.summary);
  texts = summaryWords.concat(searchTextWords(searchKeywordsText(doc.keywords)));
  for (i = 0; i < texts.length; i++) {
    if (!inName.hasOwnProperty(texts[i])) {
      inName[texts[i]] = true;
      rows.push([texts[i], 'c' + searchPad(summaryWords.length, 2), value]);
    }
  }
  return rows;
}

/*
 * What a query asks for: its words (stop words dropped, unless nothing else is
 * left), the one word the page reads the index at (the longest: the likeliest to
 * be rare, and for one word, that word), and the project name it would be.
 */
function searchPlan(q) {
  var all = searchWords(q, 1), words = [], term = '', i;
  for (i = 0; i < all.length && words.length < 10; i++) {
    if (!SEARCH_STOP_WORDS.hasOwnProperty(all[i])) { words.push(all[i]); }
  }
  if (!words.length) { words = all.slice(0, 10); }
  for (i = 0; i < words.length; i++) {
    if (words[i].length > term.length) { term = words[i]; }
  }
  return {words: words, term: term, name: all.join('-')};
}

/*
 * How a row found for `plan` ranks on its page: 0 the name is the query, 1 the
 * name holds every word, 2 the name, summary and keywords together hold them,
 * -1 they do not (a row of the range that another word of the query rules out).
 */
function searchMatch(plan, id, value) {
  var names = searchWords(id, 1), texts = searchWords(value[3] + ' ' + value[4], 1), inName = 0, i;
  if (id === plan.name) { return 0; }
  for (i = 0; i < plan.words.length; i++) {
    if (names.indexOf(plan.words[i]) !== -1) {
      inName++;
    } else if (texts.indexOf(plan.words[i]) === -1) {
      return -1;
    }
  }
  return inName === plan.words.length ? 1 : 2;
}

if (typeof exports !== 'undefined') {
  exports.searchWords = searchWords;
  exports.searchRows = searchRows;
  exports.searchPlan = searchPlan;
  exports.searchMatch = searchMatch;
}
