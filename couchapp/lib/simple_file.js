/*
 * One file of a release document -> one `files[]` entry of the Simple API
 * (PEP 691, 700, 714, 740), keys named as the spec names them.
 *
 * Inlined into the simple_files view by the couchapp code macro, so the
 * conversion runs once per stored release, not once per request.
 *
 * `upstream` is the upstream's own Simple page entry for the file (the release
 * document's `simple_files`): pip gets what the upstream's page said, URL,
 * hashes, size, upload-time, requires-python, yanked, core-metadata and
 * provenance, unknown keys included. Without one (an upstream with no Simple
 * page, or documents from before pages were kept) the entry is made from the
 * JSON API's file object, and says no core metadata file: the JSON API alone
 * cannot tell whether one exists, or where, and pip must never be sent to a
 * metadata file that is not there.
 * An offline mirror's own copy (docs/schema.md, distribution) is linked
 * relative to /simple/<name>/, with its metadata file when one was stored.
 */
function simpleCoreMetadata(entry) {
  var core = entry['core-metadata'];
  if (!core) { core = entry['data-dist-info-metadata']; }
  return core ? core : false;
}

function simpleFile(file, upstream) {
  var entry = {}, key, core, stored;
  if (upstream) {
    for (key in upstream) {
      if (upstream.hasOwnProperty(key)) { entry[key] = upstream[key]; }
    }
    entry.hashes = upstream.hashes || {};
    entry['requires-python'] = upstream['requires-python'] || null;
    entry.yanked = upstream.yanked === undefined || upstream.yanked === null ? false : upstream.yanked;
    core = simpleCoreMetadata(upstream);
  } else {
    entry = {
      filename: file.filename,
      url: file.url,
      hashes: {sha256: file.digests && file.digests.sha256},
      'requires-python': file.requires_python || null,
      size: file.size,
      'upload-time': file.upload_time_iso_8601,
      yanked: file.yanked ? (file.yanked_reason || true) : false
    };
    core = false;
  }
  if (file.mirror_url) {
    entry.url = '../../files/' + file.mirror_url;
    // The stored copy has a metadata attachment when the JSON API named one and the page did not deny it.
    stored = simpleCoreMetadata(file);
    core = upstream ? (core && stored ? core : false) : stored;
  }
  entry['core-metadata'] = core;
  entry['data-dist-info-metadata'] = core;
  entry.provenance = upstream && upstream.provenance ? upstream.provenance : null;
  return entry;
}

if (typeof exports !== 'undefined') {
  exports.simpleFile = simpleFile;
  exports.simpleCoreMetadata = simpleCoreMetadata;
}
