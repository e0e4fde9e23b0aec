/*
 * What the two Simple API lists share: the three media types PyPI offers (in
 * Warehouse's order, so HTML wins ties and is the default) and turning a
 * page object into the negotiated response.
 */
var negotiate = require('lib/negotiate');
var render = require('lib/simple_render');
var responses = require('lib/responses');

var JSON_TYPE = 'application/vnd.pypi.simple.v1+json';

exports.OFFERS = [
  {name: 'html', type: 'text/html'},
  {name: 'simple-html', type: 'application/vnd.pypi.simple.v1+html'},
  {name: 'json', type: JSON_TYPE}
];

// JSON goes out without a charset parameter, as PyPI sends it; HTML says utf-8.
exports.contentType = function (offer) {
  return offer.type === JSON_TYPE ? JSON_TYPE : offer.type + '; charset=utf-8';
};

// page: a lib/simple_page object; html: the function rendering it as HTML.
exports.respond = function (req, page, html, extraHeaders) {
  var offer = negotiate.choose(req, exports.OFFERS);
  if (offer === null) { return responses.notAcceptable(exports.OFFERS); }
  return responses.response(200, exports.contentType(offer),
                            offer.type === JSON_TYPE ? render.json(page) : html(page), extraHeaders);
};
