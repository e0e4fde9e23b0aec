"""One exception class per way a node can fail the client (packaging's habit)."""

from __future__ import annotations

__all__ = ["NodeError", "NodeUnreachable", "NotANode", "AccessDenied", "ProjectNotFound", "ReleaseNotFound"]


class NodeError(RuntimeError):
    """The node answered, but not as a pypioncouch node does (the base of every error here)."""


class NodeUnreachable(NodeError):
    """No answer: the host refused or dropped the connection, or did not answer in time."""


class NotANode(NodeError):
    """The URL answers, but is not a pypioncouch database nor its CouchApp."""


class AccessDenied(NodeError):
    """The node refuses to be read with these credentials (a CouchDB 3.x database not yet
    opened to readers with ``pypioncouch --setup`` answers so to anonymous clients)."""


class ProjectNotFound(NodeError, LookupError):
    """The node has no project of that name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"no project named {name!r} on this node")
        self.name = name


class ReleaseNotFound(NodeError, LookupError):
    """The project exists, but has no release of that version."""

    def __init__(self, name: str, version: str) -> None:
        super().__init__(f"project {name!r} has no release {version!r} on this node")
        self.name = name
        self.version = version
