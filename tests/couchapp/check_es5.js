// Parses every JavaScript function of the design doc as ECMAScript 5 (what
// CouchDB's couchjs accepts on every engine). Input: the design doc as JSON on
// stdin (from `couchapp push --export`). Output: one line per problem; exit 1 if any.
'use strict';
const acorn = require('acorn');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const ddoc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const problems = [];
  let checked = 0;
  const walk = (value, path) => {
    if (typeof value === 'string') {
      const isFunction = /^\s*function\s*\(/.test(value);
      const isModule = path[0] === 'lib' || /\brequire\s*\(|\bexports\b/.test(value);
      if (!isFunction && !isModule) return;
      const source = isFunction ? '(' + value + ')' : value;
      checked += 1;
      try {
        acorn.parse(source, {ecmaVersion: 5, sourceType: 'script'});
      } catch (err) {
        problems.push(path.join('.') + ': ' + err.message);
      }
    } else if (value && typeof value === 'object' && path[0] !== '_attachments') {
      for (const key of Object.keys(value)) walk(value[key], path.concat(key));
    }
  };
  for (const key of ['views', 'shows', 'lists', 'updates', 'filters', 'lib', 'validate_doc_update', 'rewrites']) {
    if (key in ddoc) walk(ddoc[key], [key]);
  }
  for (const p of problems) console.log(p);
  console.log('checked ' + checked + ' functions and modules');
  process.exit(problems.length ? 1 : 0);
});
