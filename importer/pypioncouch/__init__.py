"""pypioncouch: PyPI on CouchDB.

    from pypioncouch import XmlRpcImporter, import_all, update
    import_all("http://localhost:5984")   # pypioncouch --fullimport http://localhost:5984/
    update("http://localhost:5984")       # pypioncouch --update http://localhost:5984/
"""

__version__ = "0.1.0"

from .importer import NotInitialized, XmlRpcImporter, import_all, update  # noqa: E402
from .sync import SyncReport  # noqa: E402

__all__ = ["XmlRpcImporter", "import_all", "update", "NotInitialized", "SyncReport", "__version__"]
