function (newDoc, oldDoc, userCtx, secObj) {
  /*
   * Who may write, and what a document must look like (docs/schema.md).
   *
   * Writers: server admins, the database's admins, and the names/roles listed in
   * the security object under `pypioncouch.writers` (set by `pypioncouch --setup`),
   * so the role can change without pushing the design doc again. Anyone else is
   * refused, which keeps an exposed node read-only. With no such entry the role
   * is "pypioncouch": PouchDB Server 4.2.0 hands this function an empty
   * security object on _bulk_docs, and the importer writes through _bulk_docs.
   *
   * Shapes: each document type names its required fields and how its id is made;
   * a write that breaks them is refused with the reason, so a bad importer or a
   * bad replication source cannot leave documents the CouchApp would choke on.
   * Deletions and design documents are not shape-checked.
   */
  var MAX_FILES = 1000;
  var DEFAULT_WRITERS = {names: [], roles: ['pypioncouch']};

  function inList(list, value) {
    var i;
    for (i = 0; list && i < list.length; i++) {
      if (list[i] === value) { return true; }
    }
    return false;
  }

  function anyIn(list, values) {
    var i;
    for (i = 0; values && i < values.length; i++) {
      if (inList(list, values[i])) { return true; }
    }
    return false;
  }

  function configuredWriters() {
    return (secObj && secObj.pypioncouch && secObj.pypioncouch.writers) || DEFAULT_WRITERS;
  }

  function mayWrite() {
    var roles = userCtx.roles || [];
    var admins = (secObj && secObj.admins) || {};
    var writers = configuredWriters();
    return inList(roles, '_admin') ||
      inList(admins.names, userCtx.name) || anyIn(admins.roles, roles) ||
      inList(writers.names, userCtx.name) || anyIn(writers.roles, roles);
  }

  function writerDescription() {
    var roles = configuredWriters().roles || [];
    return roles.length ? 'the role ' + JSON.stringify(roles.join(', ')) : 'admins';
  }

  function isString(v) { return typeof v === 'string' && v.length > 0; }
  function isArray(v) { return Object.prototype.toString.call(v) === '[object Array]'; }
  function isObject(v) { return v !== null && typeof v === 'object' && !isArray(v); }
  function isInt(v) { return typeof v === 'number' && Math.floor(v) === v; }
  function isFiles(v) { return isArray(v) && v.length <= MAX_FILES; }
  function isName(v) { return isString(v) && /^[a-z0-9._-]+$/.test(v); }
  function isText(v) { return typeof v === 'string'; }
  function isFilename(v) { return isString(v) && v.indexOf('/') < 0; }
  function isRendering(v) {
    return isObject(v) && ((isArray(v.pieces) && isText(v.text)) || (isText(v.attachment) && isInt(v.bytes)));
  }
  // A page's attachment document: <project>:simple:, the first 16 hex digits of its bytes' SHA-256,
  // the rendering; holding its rendering's attachment (a stub once stored).
  function ownAttachment(d) {
    var file = {json: 'index.json', html: 'index.html'}[d.rendering];
    return !!file && d._id === d.project + ':simple:' + String(d.sha256).slice(0, 16) + '.' + d.rendering &&
      /^[0-9a-f]{64}$/.test(d.sha256) && isObject(d._attachments) && isObject(d._attachments[file]);
  }
  // A piece's id: its head's, then the first 16 hex digits of its text's SHA-256 ([-<n>] for a repeat).
  function ownPiece(d, infix) {
    var prefix = d.project + infix;
    return d._id.indexOf(prefix) === 0 && /^[0-9a-f]{16}(-[0-9]+)?$/.test(d._id.slice(prefix.length));
  }

  // type -> required fields (field -> [check, what it must be]), the id it must have and its rule.
  var TYPES = {
    project: {
      fields: {name: [isString, 'a string'], versions: [isArray, 'an array'], info: [isObject, 'an object']},
      id: function (d) { return isName(d._id) ? d._id : null; },
      idRule: 'its normalized name'
    },
    release: {
      fields: {project: [isName, 'a normalized name'], version: [isString, 'a string'],
               version_key: [isArray, 'an array'], files: [isFiles, 'an array of at most 1000 files']},
      id: function (d) { return d.project + '/' + d.version; },
      idRule: 'project/version'
    },
    release_files: {
      fields: {project: [isName, 'a normalized name'], version: [isString, 'a string'],
               chunk: [isInt, 'an integer'], files: [isFiles, 'an array of at most 1000 files']},
      id: function (d) { return d.project + '/' + d.version + '/files-' + d.chunk; },
      idRule: 'project/version/files-chunk'
    },
    distribution: {
      fields: {project: [isName, 'a normalized name'], version: [isString, 'a string'],
               filename: [isFilename, 'a file name'], sha256: [isString, 'a string']},
      id: function (d) { return d.project + ':dist:' + d.filename; },
      idRule: 'project:dist:filename'
    },
    release_history: {
      fields: {project: [isName, 'a normalized name'], page: [isInt, 'an integer'], releases: [isArray, 'an array']},
      id: function (d) { return d.page >= 2 ? d.project + '//history/' + d.page : null; },
      idRule: 'project//history/<page, 2 and up>'
    },
    json_api: {
      fields: {project: [isName, 'a normalized name'], pieces: [isArray, 'an array'], text: [isText, 'a string']},
      id: function (d) { return d.project + '//json'; },
      idRule: 'project//json'
    },
    json_api_piece: {
      fields: {project: [isName, 'a normalized name'], text: [isText, 'a string']},
      id: function (d) { return ownPiece(d, '//json/') ? d._id : null; },
      idRule: 'project//json/<first 16 hex digits of the text\'s SHA-256>[-<n>]'
    },
    json_api_gzip: {
      fields: {project: [isName, 'a normalized name'], base64: [isText, 'a string'], bytes: [isInt, 'an integer']},
      id: function (d) { return d.project + ':json:gzip'; },
      idRule: 'project:json:gzip'
    },
    simple_page: {
      fields: {project: [isName, 'a normalized name'], json: [isRendering, 'a rendering ({pieces, text} or {attachment, bytes})'],
               html: [isRendering, 'a rendering ({pieces, text} or {attachment, bytes})']},
      id: function (d) { return d.project + '//simple'; },
      idRule: 'project//simple'
    },
    simple_piece: {
      fields: {project: [isName, 'a normalized name'], text: [isText, 'a string']},
      id: function (d) { return ownPiece(d, '//simple/') ? d._id : null; },
      idRule: 'project//simple/<first 16 hex digits of the text\'s SHA-256>[-<n>]'
    },
    simple_attachment: {
      fields: {project: [isName, 'a normalized name'], sha256: [isString, 'a string'], bytes: [isInt, 'an integer']},
      id: function (d) { return ownAttachment(d) ? d._id : null; },
      idRule: 'project:simple:<first 16 hex digits of sha256>.<json|html>, with its attachment index.<json|html>'
    },
    state: {fields: {}, id: function () { return 'pypioncouch:state'; }, idRule: 'fixed'},
    simple_index: {
      fields: {pieces: [isArray, 'an array']},
      id: function () { return 'pypioncouch:simple:index'; },
      idRule: 'fixed'
    },
    simple_index_piece: {
      fields: {html: [isText, 'a string'], json: [isText, 'a string']},
      id: function (d) { return /^pypioncouch:simple:[0-9a-f]{16}$/.test(d._id) ? d._id : null; },
      idRule: 'pypioncouch:simple:<first 16 hex digits of the SHA-256 of its text>'
    },
    tally: {
      fields: {kind: [isName, 'a kind of count']},
      id: function (d) {
        return d.kind === 'home' ? 'pypioncouch:tally:home' :
          (isInt(d.bucket) && d.bucket >= 0 ? 'pypioncouch:tally:' + d.kind + ':' + ('000' + d.bucket).slice(-Math.max(4, String(d.bucket).length)) : null);
      },
      idRule: 'pypioncouch:tally:home or pypioncouch:tally:kind:bucket'
    },
    import_error: {
      fields: {project: [isString, 'a string'], error: [isString, 'a string']},
      id: function (d) { return 'pypioncouch:error:' + d.project; },
      idRule: 'pypioncouch:error:project'
    }
  };

  function refuse(reason) {
    throw({forbidden: 'document ' + JSON.stringify(newDoc._id) + ': ' + reason});
  }

  function checkShape() {
    var spec = TYPES[newDoc.type], field, check, expected;
    if (!spec) {
      refuse('"type" must be one of ' + Object.keys(TYPES).join(', '));
    }
    for (field in spec.fields) {
      if (spec.fields.hasOwnProperty(field)) {
        check = spec.fields[field];
        if (!check[0](newDoc[field])) {
          refuse('a ' + newDoc.type + ' needs "' + field + '" to be ' + check[1]);
        }
      }
    }
    expected = spec.id(newDoc);
    if (expected !== newDoc._id) {
      refuse('a ' + newDoc.type + ' document must have as id ' +
             (expected === null ? spec.idRule : JSON.stringify(expected) + ' (' + spec.idRule + ')'));
    }
    if (newDoc.type === 'distribution' &&
        !(newDoc._attachments && newDoc._attachments[newDoc.filename])) {
      refuse('a distribution needs the file itself as the attachment ' + JSON.stringify(newDoc.filename));
    }
  }

  if (!mayWrite()) {
    throw({unauthorized: 'this node is read-only: only ' + writerDescription() + ' may write'});
  }
  if (newDoc._deleted || newDoc._id.indexOf('_design/') === 0) {
    return;
  }
  checkShape();
}
