function (head, req) {
  /*
   * The home page: counts, latest releases and newest projects, in one
   * descending read of browse_tallies (group_level 6): the totals
   * [{}, "projects"|"releases"] come first, then the time line.
   */
  var page = require('lib/browse_page');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var LATEST = 20, NEWEST = 10;
  var rows = rowsOf.readAll(getRow), data, i, key, resp;
  data = {projects: 0, releases: 0, latest_releases: [], newest_projects: [],
          all_projects_url: urls.allProjects(),
          feeds: [{title: 'Latest releases', href: urls.updatesFeed()},
                  {title: 'Newest projects', href: urls.packagesFeed()}]};
  for (i = 0; i < rows.length; i++) {
    key = rows[i].key;
    if (!rowsOf.isArray(key[0])) {
      if (key[1] === 'projects' || key[1] === 'releases') { data[key[1]] = rows[i].value; }
    } else if (key[1] === 'release' && data.latest_releases.length < LATEST) {
      data.latest_releases.push(rowsOf.fromEventKey(key));
    } else if (key[1] === 'project' && data.newest_projects.length < NEWEST) {
      data.newest_projects.push(rowsOf.fromEventKey(key));
    }
  }
  data.projects_text = rowsOf.thousands(data.projects);
  data.releases_text = rowsOf.thousands(data.releases);
  resp = page.render(this, req, 'home', data, 'Browse PyPI');
  resp = require('lib/http_cache').conditional(req, resp);  // ETag, 304, CORS (lib/http_cache.js)
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
