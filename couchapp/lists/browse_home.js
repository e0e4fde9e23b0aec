function (head, req) {
  /*
   * The home page: counts, latest releases and newest projects, in one
   * descending read of browse_facets' time line with a limit: its first row is
   * the home tally (["timeline", {}]: totals and the newest projects, which
   * the importer counts after each run: pypioncouch.tallies), then the latest
   * releases. Without a tally (a database no importer refreshed) the counts and
   * the newest projects are left out.
   */
  var page = require('lib/browse_page');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var LATEST = 20;
  var rows = rowsOf.readAll(getRow), data, i, tally = null, resp;
  data = {projects: null, releases: null, latest_releases: [], newest_projects: [],
          all_projects_url: urls.allProjects(),
          feeds: [{title: 'Latest releases', href: urls.updatesFeed()},
                  {title: 'Newest projects', href: urls.packagesFeed()}],
          rows_read: rows.length};
  for (i = 0; i < rows.length; i++) {
    if (!rowsOf.isArray(rows[i].key[1])) {
      tally = rows[i].value;
    } else if (data.latest_releases.length < LATEST) {
      data.latest_releases.push(rowsOf.fromTimelineRow(rows[i]));
    }
  }
  if (tally) {
    data.projects = tally.projects;
    data.releases = tally.releases;
    data.projects_text = rowsOf.thousands(tally.projects);
    data.releases_text = rowsOf.thousands(tally.releases);
    data.newest_projects = (tally.newest || []).map(rowsOf.fromNewest);
  }
  data.counted = tally !== null;
  resp = page.render(this, req, 'home', data, 'Browse PyPI');
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
