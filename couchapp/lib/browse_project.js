/*
 * The project page's data, from the project document alone (a show sees one
 * document): metadata, links, people, keywords, classifiers, release history
 * and the latest release's files. Every string stays raw here; templates
 * escape them ({{ }}), except description_html, sanitized at import.
 */
var urls = require('lib/browse_urls');
var links = require('lib/browse_links');
var dates = require('lib/browse_dates');
var index = require('lib/browse_index');

function text(value) {
  return value === null || value === undefined ? '' : String(value);
}

// The author/maintainer line: each named person links to their projects.
function people(kind, name, email) {
  var named = index.peopleNamed(name, email), out = [], i;
  for (i = 0; i < named.length; i++) {
    out.push({name: named[i], url: urls.facet(kind, index.foldText(named[i]))});
  }
  return out;
}

// project_urls first (PyPI's "Project links"), then the older single-URL fields.
function projectLinks(info) {
  var out = [], seen = {}, label;
  function add(name, url) {
    if (url && !seen.hasOwnProperty(String(url))) {
      seen[String(url)] = true;
      out.push(links.link(name, url));
    }
  }
  for (label in info.project_urls || {}) {
    if (info.project_urls.hasOwnProperty(label)) { add(label, info.project_urls[label]); }
  }
  add('Homepage', info.home_page);
  add('Download', info.download_url);
  add('Documentation', info.docs_url);
  add('Bug tracker', info.bugtrack_url);
  return out;
}

// Classifiers grouped under their top level, each linking to its projects.
function classifierGroups(classifiers) {
  var groups = [], byTop = {}, i, levels, top, full;
  for (i = 0; i < classifiers.length; i++) {
    levels = index.classifierLevels(classifiers[i]);
    if (!levels.length) { continue; }
    top = levels[0];
    full = levels[levels.length - 1];
    if (!byTop.hasOwnProperty(top)) {
      byTop[top] = {name: top, url: urls.classifierTree(top), classifiers: []};
      groups.push(byTop[top]);
    }
    byTop[top].classifiers.push({name: full, label: levels.length > 1 ? full.slice(top.length + 4) : full,
                                 url: urls.facet('classifier', full)});
  }
  return groups;
}

// 1003 -> "1.0 kB", as PyPI shows sizes.
function sizeText(size) {
  var units = ['bytes', 'kB', 'MB', 'GB'], n = Number(size), i = 0;
  if (!(n >= 0)) { return ''; }
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return i === 0 ? n + ' bytes' : n.toFixed(1) + ' ' + units[i];
}

function fileEntry(file) {
  var digests = file.digests || {};
  return {
    filename: text(file.filename),
    href: links.safeHref(file.url),
    url: text(file.url),
    size: file.size,
    size_text: sizeText(file.size),
    packagetype: text(file.packagetype),
    python_version: text(file.python_version),
    requires_python: text(file.requires_python),
    upload_time: text(file.upload_time_iso_8601 || file.upload_time),
    yanked: Boolean(file.yanked),
    sha256: text(digests.sha256),
    md5: text(digests.md5 || file.md5_digest),
    blake2b_256: text(digests.blake2b_256)
  };
}

function latestFileCount(doc) {
  var history = doc.release_history || [], i;
  for (i = 0; i < history.length; i++) {
    if (history[i].version === doc.latest_version) { return history[i].files; }
  }
  return 0;
}

// PEP 792: how the page tells a project that is not active, in the upstream's words where it gave a reason.
var STATUS_TEXT = {
  archived: ['This project has been archived.',
             'Its maintainers expect no more releases; its files can still be installed.'],
  quarantined: ['This project has been quarantined.',
                'The index has taken it out of use (malware, for example): none of its files can be installed.'],
  deprecated: ['This project has been deprecated.',
               'It is considered obsolete, and may have been replaced by another project.']
};

function projectStatus(doc) {
  var stored = doc.project_status || {}, name = String(stored.status || 'active');
  if (!STATUS_TEXT.hasOwnProperty(name)) { return null; }
  return {name: name, title: STATUS_TEXT[name][0], text: STATUS_TEXT[name][1], reason: text(stored.reason),
          quarantined: name === 'quarantined'};
}

exports.text = text;
exports.fileEntry = fileEntry;
exports.projectStatus = projectStatus;

exports.build = function (doc) {
  var info = doc.info || {}, attachments = doc._attachments || {}, latestFiles = doc.latest_files || [];
  return {
    id: doc._id,
    project_status: projectStatus(doc),
    name: text(doc.name),
    version: text(doc.latest_version),
    summary: text(info.summary),
    description_html: doc.description_html || '',
    description_truncated: Boolean(doc.description_truncated),
    // A license field holding the whole license text is not a one-line value.
    license: text(info.license_expression || (text(info.license).length <= 100 ? info.license : '')),
    requires_python: text(info.requires_python),
    created: dates.day(doc.created),
    updated: dates.day(doc.updated),
    authors: people('author', info.author, info.author_email),
    maintainers: people('maintainer', info.maintainer, info.maintainer_email),
    keywords: (doc.keywords || []).map(function (keyword) {
      return {name: keyword, url: urls.facet('keyword', index.foldText(keyword))};
    }),
    classifier_groups: classifierGroups(doc.classifiers || []),
    links: projectLinks(info),
    files: latestFiles.map(fileEntry),
    more_files: latestFileCount(doc) > latestFiles.length,
    release_url: doc.latest_version ? urls.release(doc._id, doc.latest_version) : null,
    feeds: [{title: 'Releases of ' + text(doc.name), href: urls.projectFeed(doc._id)}],
    rss_url: urls.projectFeed(doc._id),
    opml_url: attachments['feeds.opml'] ? urls.projectAttachment(doc._id, 'feeds.opml') : null,
    doap_url: attachments['doap.rdf'] ? urls.projectAttachment(doc._id, 'doap.rdf') : null
  };
};
