"""The embedded PouchDB Server as the project runs it (what ``make run`` and a default test run use).

These tests start an :class:`EmbeddedServer` of their own whatever ``PYPIONCOUCH_SERVER``
says: it is what they test. The server runs with the preload ``embedded_http.js``, which
keeps a response from carrying both ``Content-Length`` and ``Transfer-Encoding`` and keeps
request header names lower-case when express-pouchdb's ``_rewrite`` replaces them (so a
rewritten request gets express's 304); everything else must be as without it: the Node flag that keeps the server alive when a design function
fails, the command-line options, where data, config and logs go.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from pypioncouch.embedded import HTTP_PRELOAD, EmbeddedServer

LIST_DDOC = {
    "_id": "_design/t",
    "views": {"all": {"map": "function (doc) { if (typeof doc.n === 'number') { emit(doc.n, null); } }"}},
    "lists": {
        "numbers": "function (head, req) { start({headers: {'Content-Type': 'text/plain'}}); var row;"
                   " while ((row = getRow())) { send(row.key + '\\n'); } return 'end\\n'; }",
        "fails": "function (head, req) { throw new Error('boom'); }",
    },
}


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[EmbeddedServer]:
    with EmbeddedServer(tmp_path / "data") as server:
        assert requests.put(f"{server.url}/t", timeout=30).status_code == 201
        docs = [{"_id": f"n{n}", "n": n} for n in range(3)] + [LIST_DDOC]
        assert requests.post(f"{server.url}/t/_bulk_docs", json={"docs": docs}, timeout=30).ok
        yield server


def raw_get(server: EmbeddedServer, path: str) -> tuple[str, bytes]:
    """The head and body bytes exactly as sent (no client in between to repair them)."""
    with socket.create_connection((server.host, server.port), timeout=30) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
                     "Connection: close\r\n\r\n".encode("ascii"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.decode("latin-1"), body


def header_names(head: str) -> list[str]:
    return [line.split(":", 1)[0].strip().lower() for line in head.split("\r\n")[1:]]


def test_list_response_is_framed_by_its_length_only(embedded: EmbeddedServer) -> None:
    head, body = raw_get(embedded, "/t/_design/t/_list/numbers/all")
    assert head.startswith("HTTP/1.1 200")
    names = header_names(head)
    assert "transfer-encoding" not in names
    length = next(int(line.split(":", 1)[1]) for line in head.split("\r\n") if line.lower().startswith("content-length:"))
    assert body == b"0\n1\n2\nend\n" and length == len(body)  # sent as is, not chunk-encoded


def test_streamed_response_keeps_chunked_encoding(embedded: EmbeddedServer) -> None:
    """A longpoll _changes feed is written as it comes, with no length: it stays chunked
    (the preload only ever drops one of two)."""
    head, body = raw_get(embedded, "/t/_changes?feed=longpoll&since=0")
    names = header_names(head)
    assert "transfer-encoding" in names and "content-length" not in names
    assert body.endswith(b"0\r\n\r\n") and b'"last_seq"' in body


def test_failing_list_function_does_not_kill_the_server(embedded: EmbeddedServer) -> None:
    """`node --unhandled-rejections=warn`: an error inside a plugin answers 500, and the server lives on."""
    response = requests.get(f"{embedded.url}/t/_design/t/_list/fails/all", timeout=30)
    assert response.status_code == 500 and "boom" in response.text
    assert requests.get(f"{embedded.url}/t/_design/t/_list/missing/all", timeout=30).status_code == 404
    assert embedded.process is not None and embedded.process.poll() is None
    assert requests.get(f"{embedded.url}/", timeout=10).json()["version"] == "4.2.0"


def test_data_config_and_logs_go_to_the_data_folder(embedded: EmbeddedServer) -> None:
    requests.put(f"{embedded.url}/_config/log/level", json="info", timeout=10).raise_for_status()
    data = embedded.data_dir
    assert (data / "t").is_dir()  # --dir
    assert json.loads((data / "config.json").read_text())["log"]["level"] == "info"  # --config
    requests.get(f"{embedded.url}/t/_design/t/_list/numbers/all", timeout=30).raise_for_status()
    assert wait_for_line(data / "log.txt", "GET /t/_design/t/_list/numbers/all 200")  # the server's log
    assert (data / "server.log").exists()  # its stdout and stderr


def wait_for_line(path: Path, text: str, patience: float = 30.0) -> bool:
    """Whether ``text`` shows up in ``path``: the server writes its log after answering."""
    deadline = time.monotonic() + patience
    while True:
        if path.exists() and text in path.read_text():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def test_in_memory_server_keeps_nothing_on_disk(tmp_path: Path) -> None:
    with EmbeddedServer(tmp_path / "data", in_memory=True) as server:
        assert requests.put(f"{server.url}/kept-in-memory", timeout=30).status_code == 201
        assert "kept-in-memory" in requests.get(f"{server.url}/_all_dbs", timeout=10).json()
    assert not (tmp_path / "data" / "kept-in-memory").exists()


PRELOAD_CHECK = r"""
const http = require('http');
const cases = {
  '/set-both': (res) => { res.setHeader('Transfer-Encoding', 'chunked'); res.setHeader('Content-Length', '3'); res.end('abc'); },
  '/object': (res) => { res.writeHead(200, {'Transfer-Encoding': 'chunked', 'Content-Length': '3'}); res.end('abc'); },
  '/reason-object': (res) => { res.writeHead(200, 'Fine', {'transfer-encoding': 'chunked', 'content-length': '3'}); res.end('abc'); },
  '/flat-array': (res) => { res.writeHead(200, ['Transfer-Encoding', 'chunked', 'Content-Length', '3']); res.end('abc'); },
  '/pairs': (res) => { res.writeHead(200, [['Transfer-Encoding', 'chunked'], ['Content-Length', '3']]); res.end('abc'); },
  '/chunked-only': (res) => { res.setHeader('Transfer-Encoding', 'chunked'); res.write('a'); res.end('bc'); },
};
const server = http.createServer((req, res) => cases[req.url](res));
server.listen(0, '127.0.0.1', async () => {
  const results = {};
  for (const path of Object.keys(cases)) {
    results[path] = await new Promise((resolve, reject) => {
      http.get({host: '127.0.0.1', port: server.address().port, path}, (res) => {
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({status: res.statusCode, message: res.statusMessage, body,
          te: res.headers['transfer-encoding'] || null, cl: res.headers['content-length'] || null}));
      }).on('error', reject);
    });
  }
  console.log(JSON.stringify(results));
  server.close();
});
"""


def run_with_preload(tmp_path: Path, script_text: str) -> Any:
    """What a Node.js script prints (JSON), run with the embedded server's HTTP preload."""
    script = tmp_path / "check.js"
    script.write_text(script_text)
    result = subprocess.run(["node", "--require", str(HTTP_PRELOAD), str(script)], capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_preload_keeps_content_length_whichever_way_headers_are_given(tmp_path: Path) -> None:
    results = run_with_preload(tmp_path, PRELOAD_CHECK)
    for path in ("/set-both", "/object", "/reason-object", "/flat-array", "/pairs"):
        assert results[path] == {"status": 200, "message": "Fine" if path == "/reason-object" else "OK",
                                 "body": "abc", "te": None, "cl": "3"}, path
    assert results["/chunked-only"] == {"status": 200, "message": "OK", "body": "abc", "te": "chunked", "cl": None}


HEADER_NAMES_CHECK = r"""
const http = require('http');
const server = http.createServer((req, res) => {
  const parsed = Object.keys(req.headers).sort();
  // What express-pouchdb's rewrite does: the headers of the CouchDB request object it built.
  req.headers = {'If-None-Match': '"a"', 'Accept-Encoding': 'gzip', 'x-couchdb-requested-path': '/t/x', Host: 'h'};
  res.end(JSON.stringify({parsed, assigned: req.headers, raw: req.rawHeaders.length > 0}));
});
server.listen(0, '127.0.0.1', () => {
  http.get({host: '127.0.0.1', port: server.address().port, path: '/', headers: {'IF-None-MATCH': '"b"'}}, (res) => {
    let body = '';
    res.on('data', (d) => { body += d; });
    res.on('end', () => { console.log(body); server.close(); });
  });
});
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_preload_keeps_request_header_names_lower_case_when_they_are_replaced(tmp_path: Path) -> None:
    """Express reads ``if-none-match``, ``accept-encoding``: after express-pouchdb's rewrite assigned
    CouchDB-cased names (``If-None-Match``) it found none, so nothing under _rewrite got express's 304."""
    seen = run_with_preload(tmp_path, HEADER_NAMES_CHECK)
    assert "if-none-match" in seen["parsed"] and seen["raw"]
    assert seen["assigned"] == {"if-none-match": '"a"', "accept-encoding": "gzip",
                                "x-couchdb-requested-path": "/t/x", "host": "h"}


def test_rewritten_attachment_answers_304(embedded: EmbeddedServer) -> None:
    """The whole chain on the embedded server: a design document attachment reached under _rewrite."""
    rev = requests.get(f"{embedded.url}/t/_design/t", timeout=30).json()["_rev"]
    doc = {**LIST_DDOC, "_rev": rev, "rewrites": [{"from": "/static/*", "to": "*"}],
           "_attachments": {"a.css": {"content_type": "text/css", "data": "Ym9keSB7fQ=="}}}
    assert requests.put(f"{embedded.url}/t/_design/t", json=doc, timeout=30).status_code == 201
    url = f"{embedded.url}/t/_design/t/_rewrite/static/a.css"
    first = requests.get(url, timeout=30)
    assert (first.status_code, first.content) == (200, b"body {}") and first.headers["ETag"]
    cached = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert (cached.status_code, cached.content, cached.headers["ETag"]) == (304, b"", first.headers["ETag"])
