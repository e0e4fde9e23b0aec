function (doc, req) {
  /*
   * One release's page (show over the release document `<name>/<version>`):
   * its files with hashes, yank state, and its metadata when known.
   */
  var page = require('lib/browse_page');
  var project = require('lib/browse_project');
  var urls = require('lib/browse_urls');
  var dates = require('lib/browse_dates');
  if (!doc || doc.type !== 'release') {
    return page.notFound(this, req, 'No such release.');
  }
  var info = doc.info || {};
  var data = {
    project: doc.project,
    name: project.text(info.name || doc.project),
    version: project.text(doc.version),
    project_url: urls.project(doc.project),
    summary: project.text(info.summary),
    upload_time: dates.iso(doc.upload_time),
    yanked: Boolean(doc.yanked),
    yanked_reason: project.text(doc.yanked_reason),
    requires_python: project.text(doc.requires_python),
    files: (doc.files || []).map(project.fileEntry),
    more_files: Boolean(doc.file_chunks)
  };
  return page.render(this, req, 'release', data, data.name + ' ' + data.version);
}
