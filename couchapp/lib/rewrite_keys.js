/*
 * Inlined into views by the couchapp code macro (map functions cannot require()).
 *
 * A rewrite rule binds `:name` into a JSON view key (`"startkey": [":name"]`).
 * CouchDB keeps the bound text a string; PouchDB Server JSON-parses it, so
 * `/simple/0/` queries the key [0] and `/pypi/x/1.10/json` the number 1.1.
 * Views therefore emit a row under every form a string can take after that
 * parsing, and lists keep only rows whose real name matches `req.query`
 * (a string on both servers), which also settles two texts parsing alike.
 */
function rewriteKeyForms(text) {
  var forms = [text], parsed;
  try {
    parsed = JSON.parse(text);
  } catch (notJson) {
    return forms;
  }
  if (typeof parsed !== 'string') { forms.push(parsed); }
  return forms;
}
