function (doc, req) {
  /*
   * Partial mirrors: replicate only the projects named in `query_params.projects`
   * (a JSON array of names, or names separated by commas or spaces), plus this
   * design document so the mirror serves the same pages.
   *
   * A document's project is read from its id, never from its fields, so
   * deletions (which carry no fields) replicate too: `<name>`, `<name>/<version>`,
   * `<name>/<version>/files-<n>`, `<name>:dist:<filename>`, `<name>:simple:<digest>.<json|html>`
   * (a long Simple page's attachment), `<name>:json:gzip` (a long JSON API answer gzipped). The importer's own
   * `pypioncouch:` documents (state, errors) describe the source, not the mirror,
   * and stay behind. PouchDB Server JSON-parses query values (an array, or a
   * number for a name like `1`); CouchDB passes the string.
   */
  var wanted = {}, names = req.query.projects, i, id = doc._id, project, beside;

  function normalize(name) {
    return String(name).toLowerCase().replace(/[-_.]+/g, '-');
  }

  if (typeof names === 'string') {
    names = names.charAt(0) === '[' ? JSON.parse(names) : names.split(/[\s,]+/);
  } else if (Object.prototype.toString.call(names) !== '[object Array]') {
    names = names === undefined || names === null ? [] : [names];
  }
  for (i = 0; i < names.length; i++) {
    if (names[i] !== '') { wanted[normalize(names[i])] = true; }
  }

  if (id === '_design/pypi') { return true; }
  beside = id.search(/:(dist|simple|json):/);
  if (beside > 0) {
    project = id.slice(0, beside);
  } else if (id.indexOf(':') >= 0 || id.charAt(0) === '_') {
    return false;
  } else {
    project = id.split('/')[0];
  }
  return wanted.hasOwnProperty(project);
}
