from pypioncouch.couch import Database


def test_embedded_server_stores_and_returns_a_document(db: Database) -> None:
    db.put({"_id": "requests/2.31.0", "type": "release"})
    assert db.get("requests/2.31.0")["type"] == "release"
    assert db.get("missing") is None
