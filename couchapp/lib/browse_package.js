/*
 * What a project page and a release page show, laid out as pypi.org lays out its
 * package pages: a header (name, version, pip command, release date, latest or not,
 * yanked), navigation (description, release history, files), a sidebar (project
 * links, meta, maintainers, classifiers, feeds), the description, the release
 * history and the files. Both pages have one shape, so one set of templates
 * (templates/browse/package_*.html) renders them. lib/browse_project.js builds the
 * project's metadata from its document; this adds what the page needs around it.
 * Strings stay raw: templates escape them.
 */
var project = require('lib/browse_project');
var urls = require('lib/browse_urls');
var dates = require('lib/browse_dates');
var description = require('lib/browse_description');

var text = project.text;

// PEP 440 pre- and dev-releases: pypi.org marks them "pre-release" in the history.
var PRE_RELEASE = /[0-9.\-_](a|b|c|rc|alpha|beta|pre|preview|dev)[\-_.]?[0-9]*([.+\-_]|$)/i;

// "Ada, Bob, Carol": people separated as people read them (`sep` after each but the last).
function separated(list) {
  var i;
  for (i = 0; i < list.length; i++) { list[i].sep = i < list.length - 1 ? ', ' : ''; }
  return list;
}

// The project's accounts at PyPI (JSON API `ownership.roles`), each once, as pypi.org's "Maintainers".
function accounts(ownership) {
  var roles = (ownership && ownership.roles) || [], seen = {}, out = [], i, user;
  for (i = 0; i < roles.length; i++) {
    user = text(roles[i] && roles[i].user);
    if (user && !seen.hasOwnProperty(user)) {
      seen[user] = true;
      out.push({user: user, role: text(roles[i].role)});
    }
  }
  return out;
}

// "py3" -> "Python 3", "cp312" -> "CPython 3.12", "source" -> "Source": what pypi.org writes.
function pythonText(tag) {
  var parts = text(tag).split('.'), out = [], i, m;
  var names = {py: 'Python', cp: 'CPython', pp: 'PyPy', ip: 'IronPython', jy: 'Jython'};
  if (text(tag) === 'source') { return 'Source'; }
  for (i = 0; i < parts.length; i++) {
    m = /^(py|cp|pp|ip|jy)([0-9])([0-9]*)$/.exec(parts[i]);
    out.push(m ? names[m[1]] + ' ' + m[2] + (m[3] ? '.' + m[3] : '') : parts[i]);
  }
  return out.join(', ');
}

function fileEntry(file) {
  var entry = project.fileEntry(file);
  entry.uploaded = dates.when(dates.parse(file.upload_time_iso_8601 || file.upload_time));
  entry.python_text = pythonText(file.python_version);
  entry.yanked_reason = text(file.yanked_reason);
  return entry;
}

// pypi.org's "Download files": the source distributions, then the built ones.
function fileGroups(files) {
  var source = [], built = [], groups = [], i, entry;
  for (i = 0; i < files.length; i++) {
    entry = fileEntry(files[i]);
    (entry.packagetype === 'sdist' ? source : built).push(entry);
  }
  if (source.length) { groups.push({title: source.length === 1 ? 'Source Distribution' : 'Source Distributions', files: source}); }
  if (built.length) { groups.push({title: built.length === 1 ? 'Built Distribution' : 'Built Distributions', files: built}); }
  return groups;
}

function historyEntry(id, entry, latest, current) {
  var version = text(entry.version);
  return {
    version: version,
    url: urls.release(id, version),
    released: dates.when(entry.upload_time),
    yanked: Boolean(entry.yanked),
    pre: PRE_RELEASE.test(version),
    latest: version === latest,
    current: version === current,
    files_text: entry.files === 1 ? '1 file' : entry.files + ' files'
  };
}

/*
 * One page of a project's release history: HISTORY_PAGE releases, newest version
 * first. `releases` are that page's entries, oldest first, as stored: page 1 is
 * the project document's release_history, and each later page a history document
 * `<name>//history/<page>` of its own (importer/pypioncouch/documents.py), so a page
 * renders and reads what it shows, not the 9,000 releases of the largest projects.
 * `current`: the release a release page is about, marked when it is on the page.
 */
var HISTORY_PAGE = 100;

function historyPage(doc, releases, page, current) {
  var count = Math.max(Number(doc.release_count) || 0, (doc.release_history || []).length), i, entries = [];
  var pages = Math.max(1, Math.ceil(count / HISTORY_PAGE));
  // At most a page, newest last: a project document written before the pages held every release.
  for (i = releases.length - 1; i >= Math.max(0, releases.length - HISTORY_PAGE); i--) {
    entries.push(historyEntry(doc._id, releases[i], doc.latest_version, current));
  }
  return {
    releases: entries,
    count: count,
    count_text: count === 1 ? '1 release' : count + ' releases',
    page: page,
    pages: pages,
    paged: pages > 1,
    newer_url: page > 1 ? urls.history(doc._id, page - 1) : null,
    older_url: page < pages ? urls.history(doc._id, page + 1) : null
  };
}

function releaseTime(doc, version) {
  var history = doc.release_history || [], i;
  for (i = 0; i < history.length; i++) {
    if (history[i].version === version) { return history[i].upload_time; }
  }
  return null;
}

// Commas or semicolons separate keywords when present, else whitespace (as the importer splits them).
function splitKeywords(keywords) {
  var parts = text(keywords).split(/[,;]/.test(text(keywords)) ? /[,;]/ : /\s+/), out = [], i, word;
  for (i = 0; i < parts.length; i++) {
    word = parts[i].replace(/^\s+|\s+$/g, '');
    if (word && out.indexOf(word) === -1) { out.push(word); }
  }
  return out;
}

/*
 * The page of project document `doc` at `version` (a release document, or null
 * for the project page), with that release's `files`.
 */
function build(doc, release, files) {
  var version = release ? text(release.version) : text(doc.latest_version);
  var own = release && release.info ? release.info : null;
  var metadataDoc = doc, key, data, pageUrl;
  if (own) {
    // The release's own metadata: the same page, as if it were the project's.
    metadataDoc = {};
    for (key in doc) {
      if (doc.hasOwnProperty(key)) { metadataDoc[key] = doc[key]; }
    }
    metadataDoc.info = own;
    metadataDoc.classifiers = own.classifiers || [];
    metadataDoc.keywords = splitKeywords(own.keywords);
  }
  data = project.build(metadataDoc);
  pageUrl = release ? urls.release(doc._id, version) : urls.project(doc._id);
  data.version = version;
  data.page_url = pageUrl;
  data.project_url = urls.project(doc._id);
  data.simple_url = 'simple/' + encodeURIComponent(doc._id) + '/';
  data.is_release_page = Boolean(release);
  data.latest_version = text(doc.latest_version);
  data.latest_url = doc.latest_version ? urls.release(doc._id, doc.latest_version) : null;
  data.is_latest = version === text(doc.latest_version);
  data.pip = 'pip install ' + text(doc.name) + (release && !data.is_latest ? '==' + version : '');
  data.released = dates.when(release ? release.upload_time : releaseTime(doc, version));
  data.first_release = dates.when(doc.created);
  data.yanked = Boolean(release && release.yanked);
  data.yanked_reason = release ? text(release.yanked_reason).replace(/^\s+|\s+$/g, '') : '';
  data.requires_python = release ? text(release.requires_python || (own && own.requires_python)) : data.requires_python;
  data.nav = [
    {label: 'Project description', href: pageUrl + '#description'},
    {label: 'Release history', href: pageUrl + '#history'},
    {label: 'Download files', href: pageUrl + '#files'}
  ];
  separated(data.authors);
  separated(data.maintainers);
  data.accounts = accounts(doc.ownership);
  data.provides_extra = (own || doc.info || {}).provides_extra || [];
  data.provides_extra_text = data.provides_extra.join(', ');
  describe(data, doc, release, own, pageUrl);
  data.history = historyPage(doc, doc.release_history || [], 1, release ? version : null);
  data.releases = data.history.releases;
  data.file_groups = fileGroups(files);
  data.files = files.map(fileEntry);
  data.file_count = data.files.length;
  return data;
}

/*
 * Which description a page shows. The project page: the latest release's. A
 * release page: the release's own when its document has its own `info`; that is
 * the rendered one when it is the same text as the latest release's, else it is
 * shown as plain text (only the latest description is rendered at import). With
 * no `info` of its own, the latest release's, and the page says so.
 */
function describe(data, doc, release, own, pageUrl) {
  var latestInfo = doc.info || {}, html = doc.description_html || '';
  data.description_text = '';
  data.description_note = '';
  if (release && own && (own.description !== latestInfo.description ||
                         own.description_content_type !== latestInfo.description_content_type)) {
    html = '';
    data.description_text = text(own.description);
    if (data.description_text) {
      data.description_note = 'The description of ' + data.version + ', as its author wrote it: this mirror renders ' +
        'only the latest release\u2019s description.';
    }
  } else if (release && !own && !data.is_latest && html) {
    data.description_note = 'This is the description of the latest release, ' + text(doc.latest_version) +
      ': this mirror holds no description of ' + data.version + ' of its own.';
  }
  data.description_html = description.localAnchors(html, pageUrl);
  data.has_description = Boolean(data.description_html || data.description_text);
}

exports.projectPage = function (doc) {
  return build(doc, null, doc.latest_files || []);
};

exports.releasePage = function (doc, release, files) {
  var data = build(doc, release, files);
  data.more_files = Boolean(release.file_chunks);
  data.release_url = null;
  return data;
};

/*
 * /project/<name>/history/<page>/: the release history alone, a page at a time,
 * with the project's header; `releases` the page's, oldest first.
 */
exports.historyPage = function (doc, releases, page) {
  var data = project.build(doc);
  data.history = historyPage(doc, releases, page, null);
  data.releases = data.history.releases;
  data.project_url = urls.project(doc._id);
  data.page_url = urls.history(doc._id, data.history.page);
  return data;
};

exports.pythonText = pythonText;
