function (doc, req) {
  /*
   * /rss/project/<name>/releases.xml: the project's latest 40 releases by
   * upload time: the project document's recent_releases, which the importer
   * picks from every release (documents written before it: the newest of
   * release_history, then every release).
   */
  var rss = require('lib/browse_rss');
  var page = require('lib/browse_page');
  var urls = require('lib/browse_urls');
  var dates = require('lib/browse_dates');
  var history, items = [], i, summary;
  if (!doc || doc.type !== 'project') { return page.notFound(this, req, 'No such project.'); }
  summary = (doc.info || {}).summary;
  history = dates.newest(Object.prototype.toString.call(doc.recent_releases) === '[object Array]' ?
                         doc.recent_releases : doc.release_history || [], 40, 'upload_time');
  for (i = 0; i < history.length; i++) {
    items.push({title: doc.name + ' ' + history[i].version, path: urls.release(doc._id, history[i].version),
                description: summary, time: history[i].upload_time});
  }
  return rss.feed(this, req, {title: 'PyPI recent updates for ' + doc.name, path: urls.project(doc._id),
                              self: urls.projectFeed(doc._id), description: 'Recent updates to the Python Package Index for ' + doc.name},
                  items);
}
