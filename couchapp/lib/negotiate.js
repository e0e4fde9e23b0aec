/*
 * Content negotiation, in one place, the same on CouchDB and PouchDB Server.
 *
 * CouchDB's provides() honours q-values but PouchDB Server's walks the Accept
 * header in order and ignores them, so every show and list negotiates here
 * instead: `?format=` wins (a media type or a short name), then the Accept
 * header by q-value (ties broken by the order of `offers`), then offers[0].
 */

function header(req, name) {
  var lower = name.toLowerCase(), key;
  for (key in req.headers) {
    if (req.headers.hasOwnProperty(key) && key.toLowerCase() === lower) {
      return String(req.headers[key]);
    }
  }
  return '';
}

function parseAccept(value) {
  var ranges = [], parts = value.split(','), i, j, params, range, q;
  for (i = 0; i < parts.length; i++) {
    params = parts[i].split(';');
    range = params[0].replace(/^\s+|\s+$/g, '').toLowerCase();
    if (!range) { continue; }
    q = 1;
    for (j = 1; j < params.length; j++) {
      var kv = params[j].split('=');
      if (kv[0].replace(/^\s+|\s+$/g, '').toLowerCase() === 'q' && kv.length > 1) {
        q = parseFloat(kv[1]);
        if (isNaN(q)) { q = 0; }
      }
    }
    ranges.push({range: range, q: q, specificity: range === '*/*' ? 0 : (/\/\*$/.test(range) ? 1 : 2)});
  }
  return ranges;
}

function rangeMatches(range, type) {
  if (range === '*/*') { return true; }
  if (/\/\*$/.test(range)) { return type.indexOf(range.slice(0, -1)) === 0; }
  return range === type;
}

// The q-value the Accept ranges give `type`: the most specific matching range decides.
function quality(ranges, type) {
  var best = null, i;
  for (i = 0; i < ranges.length; i++) {
    if (rangeMatches(ranges[i].range, type) && (best === null || ranges[i].specificity > best.specificity)) {
      best = ranges[i];
    }
  }
  return best === null ? 0 : best.q;
}

/*
 * offers: [{name: 'json', type: 'application/vnd.pypi.simple.v1+json'}, ...], the
 * first being the default. Returns the chosen offer, or null when `?format=`
 * names something not offered (the caller answers 406).
 */
exports.choose = function (req, offers) {
  var format = req.query && req.query.format !== undefined ? String(req.query.format) : null;
  // An unescaped `+` in a query string arrives as a space (`?format=...simple.v1+json`);
  // media types hold no spaces, so put it back.
  if (format !== null) { format = format.replace(/ /g, '+'); }
  var i, ranges, best = null, bestQ = 0, q;
  if (format !== null && format !== '') {
    for (i = 0; i < offers.length; i++) {
      if (offers[i].name === format || offers[i].type === format.toLowerCase()) { return offers[i]; }
    }
    return null;
  }
  ranges = parseAccept(header(req, 'Accept'));
  for (i = 0; i < offers.length; i++) {
    q = quality(ranges, offers[i].type);
    if (q > bestQ) { best = offers[i]; bestQ = q; }
  }
  return best || offers[0];
};

/*
 * Whether the request's Accept-Encoding takes gzip (RFC 9110 12.5.3): `gzip` or `x-gzip` by
 * its q-value, else `*` by its. No header, or only `identity`, means no: a client that
 * says nothing (curl without --compressed, urllib) gets the bytes as they are.
 */
exports.acceptsGzip = function (req) {
  var ranges = parseAccept(header(req, 'Accept-Encoding')), star = null, i;
  for (i = 0; i < ranges.length; i++) {
    if (ranges[i].range === 'gzip' || ranges[i].range === 'x-gzip') { return ranges[i].q > 0; }
    if (ranges[i].range === '*') { star = ranges[i].q; }
  }
  return star !== null && star > 0;
};

exports.header = header;
exports.parseAccept = parseAccept;
