from pypioncouch.filters import AllowList, allows, read_project_list


def test_allowlist_matches_any_spelling() -> None:
    allow = AllowList(["Jinja2", "zope.interface"])
    assert allow.allows("jinja2") and allow.allows("zope-interface") and not allow.allows("flask")


def test_every_filter_must_allow() -> None:
    assert allows([AllowList(["a", "b"]), AllowList(["b"])], "b")
    assert not allows([AllowList(["a", "b"]), AllowList(["b"])], "a")
    assert allows([], "anything")


def test_project_list_files_accept_requirements(tmp_path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("requests>=2\n# comment\n-r other.txt\nJinja2[i18n] ; python_version>'3'\nfoo.bar_baz\n\n")
    assert read_project_list(path) == ["requests", "Jinja2", "foo.bar_baz"]
