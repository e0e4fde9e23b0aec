"""HTTP sessions that read the environment once, not on every request.

With ``trust_env`` on, requests looks up proxies, NO_PROXY and the CA bundle in
``os.environ`` for every request: a sizeable share of the importer's CPU when
it makes thousands of requests. The same settings are resolved here once, for
the one host a session talks to, and then held fixed.
"""

from __future__ import annotations

import requests

__all__ = ["new_session"]


def new_session(base_url: str, *, pool_size: int = 16) -> requests.Session:
    """A session for ``base_url`` with the environment's proxy and CA settings applied once."""
    session = requests.Session()
    settings = session.merge_environment_settings(base_url, {}, None, None, None)
    session.proxies = settings["proxies"]
    session.verify = settings["verify"]
    session.trust_env = False
    adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
