"""Realistic field values the generator draws from (all made up, shaped like PyPI's)."""

from __future__ import annotations

WORDS = (
    "requests", "flask", "django", "zope", "tensor", "http", "async", "json", "yaml", "cli",
    "tool", "kit", "utils", "lib", "core", "data", "web", "auth", "cache", "queue", "log",
    "test", "mock", "parse", "crypt", "image", "geo", "time", "db", "sql", "orm", "api",
    "client", "server", "plugin", "ext", "sdk", "net", "stream", "couch", "rest", "graph",
)
PREFIXES = ("", "", "", "py", "Py", "django-", "flask_", "zope.", "Sphinx-", "jupyter_",
            "types-", "collective.", "ansible-", "azure-", "pytest-")
SEPARATORS = ("", "-", "_", ".", "", "-")

CLASSIFIERS = (
    "Development Status :: 3 - Alpha", "Development Status :: 4 - Beta",
    "Development Status :: 5 - Production/Stable", "Development Status :: 7 - Inactive",
    "Environment :: Console", "Environment :: Web Environment",
    "Framework :: Django", "Framework :: Django :: 4.2", "Framework :: Django :: 5.0",
    "Framework :: Django :: 5.1", "Framework :: Flask", "Framework :: Pytest",
    "Framework :: Jupyter :: JupyterLab :: 4", "Framework :: Sphinx :: Extension",
    "Intended Audience :: Developers", "Intended Audience :: Science/Research",
    "Intended Audience :: System Administrators",
    "License :: OSI Approved :: MIT License", "License :: OSI Approved :: BSD License",
    "License :: OSI Approved :: Apache Software License",
    "License :: OSI Approved :: GNU General Public License v3 (GPLv3)",
    "Natural Language :: English", "Operating System :: OS Independent",
    "Operating System :: POSIX :: Linux", "Operating System :: Microsoft :: Windows",
    "Operating System :: MacOS :: MacOS X",
    "Programming Language :: Python", "Programming Language :: Python :: 2.7",
    "Programming Language :: Python :: 3", "Programming Language :: Python :: 3 :: Only",
    "Programming Language :: Python :: 3.9", "Programming Language :: Python :: 3.10",
    "Programming Language :: Python :: 3.11", "Programming Language :: Python :: 3.12",
    "Programming Language :: Python :: 3.13", "Programming Language :: Python :: Implementation :: CPython",
    "Programming Language :: Python :: Implementation :: PyPy", "Topic :: Internet :: WWW/HTTP",
    "Topic :: Internet :: WWW/HTTP :: Dynamic Content", "Topic :: Software Development :: Libraries",
    "Topic :: Software Development :: Libraries :: Python Modules", "Topic :: Database",
    "Topic :: Scientific/Engineering", "Topic :: Utilities", "Typing :: Typed",
)

AUTHORS = (
    "Jane Doe", "jane doe", "JANE DOE", "  Jane Doe ", "Jane  Doe", "Kenneth O'Brien",
    "Zoë Müller", "The Example Team", "李雷", "Dr. A. B. Smith, Jr.", "ops@example.com",
)
EMAIL_DOMAINS = ("example.org", "example.com", "Example.NET", "users.noreply.example.com")
KEYWORD_SEPARATORS = (", ", " ", "; ", ",", " , ", "\n")
LICENSES = (
    ("MIT", None), ("BSD", None), (None, "MIT"), (None, "Apache-2.0"), (None, "BSD-3-Clause"),
    ("GPLv3+", None), ("", None), (None, "MIT OR Apache-2.0"), (None, None),
)
REQUIRES_PYTHON = (None, None, ">=3.8", ">=3.9", ">=3.10", "~=3.7", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*",
                   ">=3.9,<4", "")
DEPENDENCIES = (
    "requests>=2.0", "urllib3<3,>=1.26", "packaging", "typing-extensions; python_version < \"3.11\"",
    "click>=8", "Jinja2 (>=3.0)", "pytest>=7; extra == \"test\"", "sphinx; extra == \"docs\"",
    "numpy>=1.22", "importlib-metadata>=4.0; python_version<'3.10'",
)
YANK_REASONS = ("", "broken build", "Security issue: CVE-2024-0000", "Wrong metadata, use 1.0.1")
WHEEL_TAGS = tuple(
    f"{py}-{py}-{platform}"
    for py in ("cp39", "cp310", "cp311", "cp312", "cp313", "cp38", "cp37", "cp36", "cp314")
    for platform in ("manylinux_2_17_x86_64.manylinux2014_x86_64", "manylinux_2_17_aarch64.manylinux2014_aarch64",
                     "musllinux_1_2_x86_64", "macosx_11_0_arm64", "macosx_10_9_x86_64", "win_amd64", "win32")
)

MARKDOWN = """# {name}

[![PyPI](https://img.shields.io/pypi/v/{name}.svg)](https://pypi.org/project/{name}/)

**{name}** {summary}

## Installing

```console
$ python -m pip install {name}
```

- Fast & *small*
- Works with `asyncio`
"""

RST = """{name}
{underline}

{summary}

Installation
------------

.. code-block:: console

    $ pip install {name}

* Documentation: https://{name}.readthedocs.io/
"""
