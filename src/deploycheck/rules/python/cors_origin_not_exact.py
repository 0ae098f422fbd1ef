from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.python import PyModule
from deploycheck.rules.python._common import at, where

_REGEXISH = re.compile(r"[\\*?^$\[\]()]")


class CorsOriginNotExact(Rule[PyModule]):
    """A CORS allowed origin has a path, a trailing slash or no scheme, so it never matches.

    ## Why
    Browsers send `Origin: https://app.example.com`: scheme, host and port only. Starlette's
    `CORSMiddleware` and flask-cors compare that text with the configured list, so
    `https://app.example.com/` (trailing slash), `https://app.example.com/app` (path) or
    `app.example.com` (no scheme) match nothing, and the browser reports `No
    'Access-Control-Allow-Origin' header is present on the requested resource` although the
    site "is in the list" (pitfall C5; AKVorrat/dearmep#340, rafsaf/minimal-fastapi-postgres-
    template#61). Pydantic's `AnyHttpUrl` adds the trailing slash when turned back into text.

    ## Bad
    ```main.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com/"], allow_methods=["*"])
    ```

    ## Good
    ```main.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["*"])
    ```

    ## Fix
    Write each origin as `scheme://host[:port]` with nothing after it (strip `/` when the list
    comes from settings: `str(url).rstrip("/")`).
    """

    code = "DC605"
    name = "python-cors-origin-not-exact"
    category = Category.CORS
    severity = Severity.ERROR
    target = PyModule
    fix = "write the origin as scheme://host[:port], without a path or trailing slash"

    def check(self, model: PyModule, options: NoOptions) -> Iterator[Violation]:
        for cors in model.cors:
            if cors.origins is None or cors.origins_env:
                continue
            for origin in cors.origins:
                value = origin.value.strip()
                if value in ("*", "null", "") or (cors.library == "flask-cors" and _REGEXISH.search(value)):
                    continue
                scheme, sep, rest = value.partition("://")
                if sep and "/" in rest:
                    exact = f"{scheme}://{rest.split('/')[0]}"
                    what = "a trailing slash" if rest.endswith("/") and rest.count("/") == 1 else "a path"
                elif not sep:
                    exact = f"https://{value}"
                    what = "no scheme"
                else:
                    continue
                yield Violation(
                    f"{where(model.path, origin.pos)}: allowed origin `{value}` has {what}, but browsers "
                    f"send `Origin: {exact}`; it never matches, so cross-site requests from that site fail "
                    "with `No 'Access-Control-Allow-Origin' header is present on the requested resource`",
                    at(model.path, origin.pos),
                    fix=f'write it as "{exact}"',
                )
