"""``pypioncouch.client``: read a pypioncouch node instead of scraping PyPI.

    from pypioncouch.client import Classifier, Node

    node = Node("http://127.0.0.1:5984/pypi")          # the database, its server, or .../_design/pypi/_rewrite/
    project = node.project("requests")                  # project, releases and files
    for release in project.releases:
        print(release.version, release.requires_python, release.yanked, release.upload_time)
    node.release("requests", "2.31.0").files             # one release
    node.projects(classifier="Framework :: Django")      # a page of projects (next: .next)
    node.search_names("requ"), node.search_summaries("http client")
    node.newest_releases(limit=10)
    for change in node.changes(since="now", filter=Classifier("Framework :: Django")):
        print(change.kind, change.project, change.version, change.seq)   # resume with since=change.seq

Errors: ``NodeUnreachable``, ``AccessDenied``, ``NotANode``, ``ProjectNotFound``,
``ReleaseNotFound``, all ``NodeError``. Objects: client/models.py.
"""

from .changes import ChangeFeed, Classifier, Projects
from .errors import AccessDenied, NodeError, NodeUnreachable, NotANode, ProjectNotFound, ReleaseNotFound
from .models import (CHANGE_KINDS, DistributionFile, Page, Project, ProjectSummary, Release, ReleaseChange,
                     ReleaseSummary)
from .node import Node

__all__ = [
    "Node", "Projects", "Classifier", "ChangeFeed",
    "Project", "ProjectSummary", "Release", "ReleaseSummary", "DistributionFile", "ReleaseChange", "Page",
    "CHANGE_KINDS",
    "NodeError", "NodeUnreachable", "NotANode", "AccessDenied", "ProjectNotFound", "ReleaseNotFound",
]
