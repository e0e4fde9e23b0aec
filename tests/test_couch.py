import pytest

from pypioncouch import jsoncodec
from pypioncouch.couch import CouchError, Database, bulk_body, parse_database_url, results_in_order
from pypioncouch.node import install_guard


@pytest.mark.parametrize(("url", "server", "name"), [
    ("http://localhost:5984", "http://localhost:5984", "pypi"),
    ("http://localhost:5984/", "http://localhost:5984", "pypi"),
    ("http://localhost:5984/mirror", "http://localhost:5984", "mirror"),
    ("https://couch.example.org/prefix/mirror/", "https://couch.example.org/prefix", "mirror"),
    ("http://[::1]:5984/a%2Fb", "http://[::1]:5984", "a/b"),
])
def test_database_url_forms(url: str, server: str, name: str) -> None:
    location = parse_database_url(url, env={})
    assert (location.server, location.name) == (server, name)


def test_credentials_come_from_the_url_or_the_environment_and_are_never_shown() -> None:
    location = parse_database_url("http://admin:s%40cret@localhost:5984/pypi", env={})
    assert (location.username, location.password) == ("admin", "s@cret")
    assert "s@cret" not in str(location) and "s@cret" not in repr(location) and "cret" not in location.url
    from_env = parse_database_url("http://localhost:5984", env={"COUCHDB_USER": "u", "COUCHDB_PASSWORD": "p"})
    assert (from_env.username, from_env.password) == ("u", "p")


def test_not_a_couchdb_url() -> None:
    with pytest.raises(ValueError, match="http"):
        parse_database_url("ftp://x:secret@host/db", env={})
    with pytest.raises(ValueError) as info:
        parse_database_url("couch:secret@host", env={})
    assert "secret" not in str(info.value)


def test_bulk_docs_reports_per_document_results(db: Database) -> None:
    results = db.bulk_docs([{"_id": "a"}, {"_id": "b"}])
    assert [r["ok"] for r in results] == [True, True]
    conflict = db.bulk_docs([{"_id": "a", "x": 1}])
    assert conflict[0]["error"] == "conflict"


def test_bulk_docs_body_sends_documents_encoded_beforehand(db: Database) -> None:
    body = bulk_body([jsoncodec.dumps({"_id": "a", "x": "é 説明"}), jsoncodec.dumps({"_id": "b"})])
    assert body == jsoncodec.dumps({"docs": [{"_id": "a", "x": "é 説明"}, {"_id": "b"}]})
    assert bulk_body([]) == b'{"docs":[]}'
    results = db.bulk_docs_body(body, ["a", "b"])
    assert [(r["id"], r["ok"]) for r in results] == [("a", True), ("b", True)]
    assert db.get("a")["x"] == "é 説明"
    assert db.bulk_docs_body(bulk_body([jsoncodec.dumps({"_id": "a", "x": 1})]), ["a"])[0]["error"] == "conflict"


def test_bulk_results_come_in_the_order_of_the_documents(db: Database) -> None:
    """PouchDB Server answers the documents its validate_doc_update refuses first; the results
    are put back in the order sent (on CouchDB they already are), so the importer's retries and
    failures land on the right documents."""
    install_guard(db)

    def error(project: str) -> dict[str, str]:
        return {"_id": f"pypioncouch:error:{project}", "type": "import_error", "project": project, "error": "x"}

    assert db.bulk_docs([error("taken")])[0].get("ok")
    docs = [error("a"), {"_id": "refused", "type": "nothing-known"}, error("taken"), error("b"),
            {"_id": "refused-too", "type": "nothing-known"}]
    results = db.bulk_docs(docs)
    assert [r["id"] for r in results] == [doc["_id"] for doc in docs]
    assert [r.get("error", "ok") for r in results] == ["ok", "forbidden", "conflict", "ok", "forbidden"]


def test_results_that_cannot_be_matched_stay_as_they_came() -> None:
    results = [{"id": "b", "ok": True}, {"id": "a", "ok": True}]
    assert results_in_order(["a", "b"], results) == [results[1], results[0]]
    assert results_in_order(["a", "b", "c"], results) == results
    assert results_in_order(["a", "c"], results) == results


def test_fetch_and_id_range(db: Database) -> None:
    db.bulk_docs([{"_id": "p"}, {"_id": "p/1.0"}, {"_id": "p/2.0"}, {"_id": "p-q"}, {"_id": "p-q/1"}])
    assert set(db.fetch(["p", "missing", "p-q"])) == {"p", "p-q"}
    assert [row["id"] for row in db.id_range("p/")] == ["p/1.0", "p/2.0"]
    assert [row["id"] for row in db.iter_all_docs(batch=2)] == ["p", "p-q", "p-q/1", "p/1.0", "p/2.0"]


def test_client_errors_are_raised_with_what_was_attempted(db: Database) -> None:
    with pytest.raises(CouchError, match="put 'x'") as info:
        db.put({"_id": "x", "_rev": "1-bogus"})
    assert info.value.status in (400, 409)


def test_a_restarting_server_is_waited_for(couch_server, db: Database) -> None:
    import threading
    # A database in use: PouchDB Server forgets one created a moment before it is killed
    # (docs/couchdb-vs-pouchdb.md).
    db.put({"_id": "before"})
    import time
    time.sleep(0.5)
    restart = threading.Thread(target=couch_server.restart, kwargs={"downtime": 1.0})
    restart.start()
    time.sleep(0.3)
    db.put({"_id": "written-while-restarting"})
    restart.join()
    assert db.get("written-while-restarting") is not None


def test_a_response_cut_off_mid_body_is_retried() -> None:
    """A server that dies while it sends a chunked answer (seen when CouchDB restarts under an
    import: requests raises ChunkedEncodingError) is waited out and asked again, like a refusal."""
    import socket
    import threading

    body = b'[{"ok":true,"id":"a","rev":"1-a"}]'
    answers = [
        # Headers and the start of a chunked body, then the connection closes: a server going down.
        b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n[{\"ok",
        b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nConnection: close\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body),
    ]
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    requests_seen = []

    def serve() -> None:
        for answer in answers:
            connection, _ = listener.accept()
            with connection:
                requests_seen.append(connection.recv(65536).split(b"\r\n", 1)[0])
                connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    db = Database(parse_database_url(f"http://127.0.0.1:{port}/cut", env={}), timeout=10, max_wait=10)
    try:
        db._seen = True
        assert db.bulk_docs([{"_id": "a"}])[0]["ok"]
    finally:
        listener.close()
    assert requests_seen == [b"POST /cut/_bulk_docs HTTP/1.1"] * 2
