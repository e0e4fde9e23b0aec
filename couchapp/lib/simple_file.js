/*
 * One file object of PyPI's JSON API -> one `files[]` entry of the Simple API
 * (PEP 691 + PEP 700), keys named as the spec names them.
 *
 * Inlined into the simple_files view by the couchapp code macro, so the
 * conversion runs once per stored release, not once per request.
 * Yanked follows Warehouse: the reason when there is one, else true.
 * core-metadata is given only when PyPI's object says (a dict or false).
 */
function simpleFile(file) {
  var core = file['core-metadata'];
  var entry = {
    filename: file.filename,
    // An offline mirror's own copy (docs/schema.md, distribution): relative to /simple/<name>/.
    url: file.mirror_url ? '../../files/' + file.mirror_url : file.url,
    hashes: {sha256: file.digests && file.digests.sha256},
    'requires-python': file.requires_python || null,
    size: file.size,
    'upload-time': file.upload_time_iso_8601,
    yanked: file.yanked ? (file.yanked_reason || true) : false
  };
  if (core !== undefined) {
    entry['core-metadata'] = core && core.sha256 ? {sha256: core.sha256} : false;
    entry['data-dist-info-metadata'] = entry['core-metadata'];
  }
  return entry;
}

if (typeof exports !== 'undefined') { exports.simpleFile = simpleFile; }
