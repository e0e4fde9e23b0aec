function (head, req) {
  /*
   * All projects by name, 50 a page (browse_projects; the rule asks for 51
   * rows, the 51st starts the next page). total_rows is the project count.
   */
  var page = require('lib/browse_page');
  var rowsOf = require('lib/browse_rows');
  var urls = require('lib/browse_urls');
  var paged = rowsOf.paginate(rowsOf.readAll(getRow), 50, function (row) { return row.key; });
  var data = {
    title: 'All projects',
    total: head.total_rows,
    total_text: rowsOf.thousands(head.total_rows),
    projects: paged.rows.map(rowsOf.fromProjectsRow),
    next_url: paged.next === undefined ? null : urls.allProjects(paged.next)
  };
  var resp = page.render(this, req, 'projects', data, 'All projects');
  start({code: resp.code, headers: resp.headers});
  return resp.body;
}
