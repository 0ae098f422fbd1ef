"""Dependencies: requirements files and pyproject.toml, and the OS packages some of them need.

`PyDependencies` holds the `Requirement`s of one file (names PEP 503-normalised by
`normalize_name`). `system_libs` says which Debian and Alpine packages a requirement needs to
build from source and to run (psycopg2 needs libpq, ...), with a wheel-only alternative and the
error users see without them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deploycheck.model.location import Position
from deploycheck.model.python.values import Str


@dataclass(frozen=True, slots=True)
class Requirement:
    """One dependency. `name` is PEP 503-normalised (`Django_Foo` -> `django-foo`)."""

    name: str
    spec: str  # version specifiers as written (">=4.2,<5"); "" when none
    pos: Position
    extras: tuple[str, ...] = ()
    markers: str = ""
    url: str = ""
    editable: bool = False
    group: str = ""  # "" for main deps; the optional-dependencies/poetry group otherwise


@dataclass(frozen=True, slots=True)
class PyDependencies:
    """A requirements file or a pyproject.toml."""

    path: str
    packages: tuple[Requirement, ...]
    includes: tuple[Str, ...] = ()  # -r / -c files, as written
    options: tuple[Str, ...] = ()  # pip options lines (--index-url, --no-binary ...)
    requires_python: str = ""
    scripts: tuple[tuple[str, str], ...] = ()  # [project.scripts] / poetry scripts: name -> target

    @property
    def directory(self) -> str:
        return self.path.rpartition("/")[0]

    def get(self, name: str) -> Requirement | None:
        wanted = normalize_name(name)
        for r in self.packages:
            if r.name == wanted:
                return r
        return None


def normalize_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


@dataclass(frozen=True, slots=True)
class SystemLibs:
    """OS packages a requirement needs: to build it from source, and to run it."""

    build: tuple[str, ...]  # Debian/Ubuntu
    runtime: tuple[str, ...]
    alpine_build: tuple[str, ...]
    alpine_runtime: tuple[str, ...]
    instead: str = ""  # a wheel-only alternative, when there is one
    symptom: str = ""  # what the build or import prints without them


_SYSTEM_LIBS: dict[str, SystemLibs] = {
    "psycopg2": SystemLibs(("libpq-dev", "gcc"), ("libpq5",), ("postgresql-dev", "gcc", "musl-dev"),
                           ("libpq",), "psycopg2-binary or psycopg[binary]",
                           "Error: pg_config executable not found."),
    "mysqlclient": SystemLibs(("default-libmysqlclient-dev", "pkg-config", "gcc"), ("libmariadb3",),
                              ("mariadb-dev", "pkgconf", "gcc", "musl-dev"), ("mariadb-connector-c",),
                              "PyMySQL", "Exception: Can not find valid pkg-config name."),
    "python-ldap": SystemLibs(("libldap2-dev", "libsasl2-dev", "gcc"), ("libldap-2.5-0", "libsasl2-2"),
                              ("openldap-dev", "gcc", "musl-dev"), ("libldap",), "",
                              "fatal error: lber.h: No such file or directory"),
    "uwsgi": SystemLibs(("gcc", "python3-dev"), (), ("gcc", "musl-dev", "linux-headers"), (), "",
                        "error: command 'gcc' failed: No such file or directory"),
    "pycairo": SystemLibs(("libcairo2-dev", "pkg-config", "gcc"), ("libcairo2",),
                          ("cairo-dev", "pkgconf", "gcc", "musl-dev"), ("cairo",), "",
                          "Dependency \"cairo\" not found"),
    "pygraphviz": SystemLibs(("graphviz-dev", "gcc"), ("libgraphviz-dev",), ("graphviz-dev", "gcc"),
                             ("graphviz",), "", "fatal error: graphviz/cgraph.h: No such file or directory"),
    "xmlsec": SystemLibs(("libxmlsec1-dev", "pkg-config", "gcc"), ("libxmlsec1-openssl",),
                         ("xmlsec-dev", "gcc", "musl-dev"), ("xmlsec",), "", "Could not find xmlsec1 config"),
    "pyodbc": SystemLibs((), ("unixodbc",), ("unixodbc-dev", "gcc", "g++"), ("unixodbc",), "",
                         "ImportError: libodbc.so.2: cannot open shared object file"),
    "python-magic": SystemLibs((), ("libmagic1",), (), ("libmagic",), "",
                               "ImportError: failed to find libmagic"),
    "weasyprint": SystemLibs((), ("libpango-1.0-0", "libpangoft2-1.0-0"), (), ("pango",), "",
                             "OSError: cannot load library 'pango-1.0-0'"),
    "gssapi": SystemLibs(("libkrb5-dev", "gcc"), ("libgssapi-krb5-2",), ("krb5-dev", "gcc", "musl-dev"),
                         ("krb5-libs",), "", "krb5-config: not found"),
    "cx-oracle": SystemLibs((), ("libaio1",), (), ("libaio",), "oracledb",
                            "DPI-1047: Cannot locate a 64-bit Oracle Client library"),
}


def system_libs(req: Requirement) -> SystemLibs | None:
    """OS packages `req` needs beyond pip (psycopg2 needs libpq to build and run, ...).

    psycopg (3) without the `binary`/`c` extra is pure Python and needs only the libpq runtime.
    """
    if req.name == "psycopg":
        if {"binary", "c"} & set(req.extras):
            return None
        return SystemLibs((), ("libpq5",), (), ("libpq",), "psycopg[binary]",
                          "ImportError: no pq wrapper available.")
    return _SYSTEM_LIBS.get(req.name)


def needs_system_libs(req: Requirement) -> tuple[str, ...]:
    """The Debian packages needed to *build* `req` from source (empty if it needs none)."""
    libs = system_libs(req)
    return libs.build if libs else ()
