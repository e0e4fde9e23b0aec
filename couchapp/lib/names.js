/*
 * Project names as the Simple API treats them (PEP 503): runs of `-`, `_` and `.`
 * become one `-`, then lower case. Document ids are normalized names, so a URL
 * whose name is not normalized is redirected rather than looked up.
 */
exports.normalize = function (name) {
  return String(name).replace(/[-_.]+/g, '-').toLowerCase();
};

exports.isNormalized = function (name) {
  return typeof name === 'string' && exports.normalize(name) === name;
};
