/*
 * The two renderings of a Simple API page object (lib/simple_page): PEP 503
 * HTML and PEP 691 JSON. Every value from PyPI goes through escape() on its
 * way into HTML.
 */
var escape = require('lib/html_escape').escape;
var names = require('lib/names');

function head(title, apiVersion, status) {
  var lines = [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    '    <meta name="pypi:repository-version" content="' + escape(apiVersion) + '">'
  ];
  if (status) {  // PEP 792, project pages only
    lines.push('    <meta name="pypi:project-status" content="' + escape(status.status) + '">');
    if (status.reason) { lines.push('    <meta name="pypi:project-status-reason" content="' + escape(status.reason) + '">'); }
  }
  return lines.concat(['    <title>' + escape(title) + '</title>', '  </head>', '  <body>']);
}

// PEP 714's attribute value: `sha256=<hex>` (another hash when that is all there is), or `true`.
function metadataAttribute(core) {
  var key;
  if (core === true) { return 'true'; }
  if (core.sha256) { return 'sha256=' + core.sha256; }
  for (key in core) {
    if (core.hasOwnProperty(key)) { return key + '=' + core[key]; }
  }
  return 'true';
}

function tail(serial) {
  return ['  </body>', '</html>', '<!--SERIAL ' + escape(serial === null ? '' : serial) + '-->', ''];
}

function anchor(file) {
  var href = file.url + (file.hashes && file.hashes.sha256 ? '#sha256=' + file.hashes.sha256 : ''), value;
  var attributes = ['href="' + escape(href) + '"'];
  var core = file['core-metadata'];
  if (file['requires-python']) {
    attributes.push('data-requires-python="' + escape(file['requires-python']) + '"');
  }
  if (file.yanked !== false && file.yanked !== undefined) {
    attributes.push('data-yanked="' + escape(file.yanked === true ? '' : file.yanked) + '"');
  }
  if (core) {
    value = escape(metadataAttribute(core));
    attributes.push('data-dist-info-metadata="' + value + '"');
    attributes.push('data-core-metadata="' + value + '"');
  }
  if (file.provenance) {  // PEP 740
    attributes.push('data-provenance="' + escape(file.provenance) + '"');
  }
  return '    <a ' + attributes.join(' ') + '>' + escape(file.filename) + '</a><br />';
}

exports.detailHtml = function (page) {
  var lines = head('Links for ' + page.name, page.meta['api-version'], page['project-status']), i;
  lines.push('    <h1>Links for ' + escape(page.name) + '</h1>');
  for (i = 0; i < page.files.length; i++) { lines.push(anchor(page.files[i])); }
  return lines.concat(tail(page.meta['_last-serial'])).join('\n');
};

exports.indexHtml = function (page) {
  var lines = head('Simple index', page.meta['api-version']), i, name;
  for (i = 0; i < page.projects.length; i++) {
    name = page.projects[i].name;
    lines.push('    <a href="' + escape(encodeURIComponent(names.normalize(name))) + '/">' + escape(name) + '</a>');
  }
  return lines.concat(tail(page.meta['_last-serial'])).join('\n');
};

exports.json = function (page) {
  return JSON.stringify(page);
};
