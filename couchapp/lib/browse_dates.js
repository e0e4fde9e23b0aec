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

// Newest first, for sort(); missing times last.
exports.newestFirst = function (a, b) {
  var i;
  if (!valid(a) || !valid(b)) { return valid(a) ? -1 : (valid(b) ? 1 : 0); }
  for (i = 0; i < 6; i++) {
    if (a[i] !== b[i]) { return b[i] - a[i]; }
  }
  return 0;
};
