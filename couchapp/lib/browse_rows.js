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

// A time-line row of browse_tallies: key [time, kind, id, version, display, summary].
exports.fromEventKey = function (key) {
  var item = exports.project(key[2], key[4], key[3], key[5]);
  item.kind = key[1];
  item.time = dates.iso(key[0]);
  item.day = dates.human(key[0]);  // "May 1, 2024", as people read a day; `time` is the exact one
  item.exact = dates.exact(key[0]);
  item.upload_time = key[0];
  return item;
};

// Every row the list is given (lists read them all: see lib/browse_page.js).
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
