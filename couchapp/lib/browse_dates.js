/*
 * Times as stored in documents ([y, m, d, h, mi, s], UTC) in the forms pages
 * and feeds need. Missing or malformed times give '' rather than an exception.
 */
var DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(n) { return (n < 10 ? '0' : '') + n; }

function valid(t) {
  return Object.prototype.toString.call(t) === '[object Array]' && t.length >= 6 &&
    typeof t[0] === 'number' && t[1] >= 1 && t[1] <= 12;
}

function asDate(t) { return new Date(Date.UTC(t[0], t[1] - 1, t[2], t[3], t[4], t[5])); }

// 2024-05-01
exports.day = function (t) { return valid(t) ? t[0] + '-' + pad(t[1]) + '-' + pad(t[2]) : ''; };

// 2024-05-01T12:00:00Z
exports.iso = function (t) {
  return valid(t) ? exports.day(t) + 'T' + pad(t[3]) + ':' + pad(t[4]) + ':' + pad(t[5]) + 'Z' : '';
};

// Wed, 01 May 2024 12:00:00 GMT (RSS 2.0 wants RFC 822 dates)
exports.rfc822 = function (t) {
  var d;
  if (!valid(t)) { return ''; }
  d = asDate(t);
  return DAYS[d.getUTCDay()] + ', ' + pad(d.getUTCDate()) + ' ' + MONTHS[d.getUTCMonth()] + ' ' +
    d.getUTCFullYear() + ' ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) + ' GMT';
};

// May 1, 2024: how pypi.org writes a day (UTC), for people.
exports.human = function (t) {
  return valid(t) ? MONTHS[t[1] - 1] + ' ' + t[2] + ', ' + t[0] : '';
};

// 2024-05-01 12:00:00 UTC: the exact time, for a title.
exports.exact = function (t) {
  return valid(t) ? exports.day(t) + ' ' + pad(t[3]) + ':' + pad(t[4]) + ':' + pad(t[5]) + ' UTC' : '';
};

/*
 * A time as a page shows it, {iso, human, exact} for
 * <time datetime="{{iso}}" title="{{exact}}">{{human}}</time>; null when missing.
 */
exports.when = function (t) {
  return valid(t) ? {iso: exports.iso(t), human: exports.human(t), exact: exports.exact(t)} : null;
};

/*
 * PyPI's file times, "2024-05-01T12:00:00.123456Z" (upload_time_iso_8601) or
 * "2024-05-01T12:00:00" (upload_time, UTC), as [y, m, d, h, mi, s]; null when
 * the text is not one.
 */
exports.parse = function (text) {
  var m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)/.exec(String(text === null || text === undefined ? '' : text));
  var t, i;
  if (!m) { return null; }
  t = [];
  for (i = 1; i <= 6; i++) { t.push(parseInt(m[i], 10)); }
  return valid(t) ? t : null;
};

// Newest first, for sort(); missing times last.
exports.newestFirst = function (a, b) {
  var i;
  if (!valid(a) || !valid(b)) { return valid(a) ? -1 : (valid(b) ? 1 : 0); }
  for (i = 0; i < 6; i++) {
    if (a[i] !== b[i]) { return b[i] - a[i]; }
  }
  return 0;
};

/*
 * The `n` entries of `entries` with the newest `time` field (each [y, m, d, H, M, S]),
 * newest first; entries without a valid time are left out. One pass, read from the
 * end (a release history is oldest version first, so the newest come early and the
 * rest are turned away by one comparison), instead of sorting every release of a
 * project to print 40.
 */
exports.newest = function (entries, n, field) {
  var top = [], i, j, entry;
  for (i = entries.length - 1; i >= 0; i--) {
    entry = entries[i];
    if (!entry || !valid(entry[field])) { continue; }
    if (top.length === n && exports.newestFirst(entry[field], top[n - 1][field]) >= 0) { continue; }
    j = top.length === n ? n - 1 : top.length;
    while (j > 0 && exports.newestFirst(entry[field], top[j - 1][field]) < 0) {
      top[j] = top[j - 1];
      j--;
    }
    top[j] = entry;
  }
  return top;
};
