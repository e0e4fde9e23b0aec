/*
 * View rows into the items listing pages show, and key-based paging: a list
 * asks its view for one row more than a page holds; that row, when it comes,
 * starts the next page (no `skip`, which costs a scan of every skipped row).
 */
var urls = require('lib/browse_urls');
var dates = require('lib/browse_dates');

// One project line of a listing.
exports.project = function (id, display, version, summary) {
  return {
    id: id,
    name: display || id,
    version: version || '',
    summary: summary || '',
    url: urls.project(id),
    release_url: version ? urls.release(id, version) : null
  };
};

// A row of browse_facets: key [kind, value, id], value [value, label, display, version, summary].
exports.fromFacetRow = function (row) {
  return exports.project(row.key[2], row.value[2], row.value[3], row.value[4]);
};

// An event of the time line as [time, "release"|"project", id, version, display name, summary].
exports.fromEventKey = function (key) {
  var item = exports.project(key[2], key[4], key[3], key[5]);
  item.kind = key[1];
  item.time = dates.iso(key[0]);
  item.day = dates.human(key[0]);  // "May 1, 2024", as people read a day; `time` is the exact one
  item.exact = dates.exact(key[0]);
  item.upload_time = key[0];
  return item;
};

// A release of browse_facets' time line: ["timeline", time, project, version] -> [display name, summary].
exports.fromTimelineRow = function (row) {
  return exports.fromEventKey([row.key[1], 'release', row.key[2], row.key[3], row.value[0], row.value[1]]);
};

// A project of browse_facets by creation: ["new", created, project] -> [project, display name, version, summary].
exports.fromNewRow = function (row) {
  return exports.fromEventKey([row.key[1], 'project', row.key[2], row.value[2], row.value[1], row.value[3]]);
};

// A newest project as the home tally keeps it: [project, display name, version, summary, created].
exports.fromNewest = function (entry) {
  return exports.fromEventKey([entry[4], 'project', entry[0], entry[2], entry[1], entry[3]]);
};

/*
 * Every row the list is given (lists read them all: see lib/browse_page.js).
 * Each rule reads one key range of a map view with a limit, so this is at most
 * the page's own size; lists report the number as `rows_read` in their page
 * object (the JSON rendering), which tests hold to the page size.
 */
exports.readAll = function (getRow) {
  var rows = [], row;
  while ((row = getRow())) { rows.push(row); }
  return rows;
};

/*
 * The first `size` of `rows`, and the key part that starts the next page
 * (`startOf(row)` of the row past the page), or undefined on the last page.
 */
exports.paginate = function (rows, size, startOf) {
  return {rows: rows.slice(0, size), next: rows.length > size ? startOf(rows[size]) : undefined};
};

// 12345 -> "12,345"
exports.thousands = function (n) {
  return String(n || 0).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
};

exports.isArray = function (value) {
  return Object.prototype.toString.call(value) === '[object Array]';
};
