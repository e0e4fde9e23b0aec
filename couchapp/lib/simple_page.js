/*
 * The Simple API's data, built once per request as one plain object with the
 * spec's own key names (as Warehouse's _simple_detail does); lib/simple_render
 * turns it into HTML or JSON.
 */
var urlSafety = require('lib/url_safety');

exports.API_VERSION = '1.4';
var STATUSES = {active: true, archived: true, quarantined: true, deprecated: true};

function byFilename(a, b) {
  return a.filename < b.filename ? -1 : (a.filename > b.filename ? 1 : 0);
}

// PEP 792: the stored status (the upstream's page said it), `active` when none is known.
function projectStatus(stored) {
  var status = {status: stored && STATUSES.hasOwnProperty(stored.status) ? stored.status : 'active'};
  if (stored && stored.reason) { status.reason = String(stored.reason); }
  return status;
}

/*
 * rows: the simple_files view for [name] .. [name, {}]. Returns null when the
 * project is unknown. `versions` lists every version, file-less ones too, in
 * the plain string order PyPI uses; `_last-serial` is a number, as Warehouse
 * sends it. A quarantined project lists no files and no versions (PEP 792).
 */
exports.detail = function (name, rows) {
  var project = null, files = [], i, j, value, status;
  for (i = 0; i < rows.length; i++) {
    value = rows[i].value;
    if (value.project !== name) { continue; }  // another text that parsed to the same key
    if (rows[i].key[1] === 0) {
      project = value;
    } else {
      for (j = 0; j < value.files.length; j++) {
        if (urlSafety.isLinkable(value.files[j].url)) { files.push(value.files[j]); }
      }
    }
  }
  if (project === null) { return null; }
  status = projectStatus(project.status);
  if (status.status === 'quarantined') { files = []; }
  files.sort(byFilename);
  return {
    meta: {'api-version': exports.API_VERSION,
           '_last-serial': project.last_serial === undefined ? null : project.last_serial},
    name: name,
    versions: status.status === 'quarantined' ? [] : project.versions.slice().sort(),
    files: files,
    'project-status': status
  };
};

/*
 * rows: the simple_projects view. `meta._last-serial` is the sync state's
 * serial when the importer has written one, else the newest project serial.
 */
exports.index = function (rows) {
  var stateSerial = null, newest = null, projects = [], i, row;
  for (i = 0; i < rows.length; i++) {
    row = rows[i];
    if (row.key[0] === 0) {
      stateSerial = row.value;
    } else {
      projects.push({name: row.value[0], '_last-serial': row.value[1]});
      if (row.value[1] !== null && (newest === null || row.value[1] > newest)) { newest = row.value[1]; }
    }
  }
  return {
    meta: {'api-version': exports.API_VERSION, '_last-serial': stateSerial !== null ? stateSerial : newest},
    projects: projects
  };
};

// `X-PyPI-Last-Serial` for a built page, when it has a serial (a project imported without one has none).
exports.serialHeaders = function (built) {
  var serial = built.meta['_last-serial'];
  return serial === null || serial === undefined ? {} : {'X-PyPI-Last-Serial': String(serial)};
};
