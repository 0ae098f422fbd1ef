from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.python import PyModule
from deploycheck.rules.python._common import at, where


class CorsWildcardWithCredentials(Rule[PyModule]):
    """CORS allows every origin (`"*"`) together with credentials (Starlette/FastAPI, flask-cors).

    ## Why
    The CORS standard forbids `Access-Control-Allow-Origin: *` on credentialed requests. Older
    Starlette answered such preflights with `*`, so browsers refuse the call with `The value of
    the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when
    the request's credentials mode is 'include'.`; newer Starlette (and flask-cors) echo back
    whatever site asks, so every web page a signed-in user visits can call the API with their
    cookies and read the answers; the newest Starlette refuses the combination at start-up
    (pitfall C2; Kludex/starlette#1113, #3246; weaviate/Verba#393).

    ## Bad
    ```main.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=True,
        allow_methods=["*"],
    )
    ```

    ## Good
    ```main.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],
        allow_credentials=True,
        allow_methods=["*"],
    )
    ```

    ## Fix
    List the sites that may send cookies or `Authorization` headers in `allow_origins` (or
    match them with `allow_origin_regex`), or drop `allow_credentials=True` when the API needs
    no credentials.
    """

    code = "DC604"
    name = "python-cors-wildcard-with-credentials"
    category = Category.CORS
    severity = Severity.ERROR
    target = PyModule
    fix = 'list the allowed sites (allow_origins=["https://app.example.com"]) or drop credentials'

    def check(self, model: PyModule, options: NoOptions) -> Iterator[Violation]:
        for cors in model.cors:
            if not cors.wildcard or cors.credentials is not True or cors.origins_env:
                continue
            star = next(o for o in (cors.origins or ()) if o.value.strip() == "*")
            pos = cors.credentials_pos or cors.pos
            flag = "allow_credentials=True" if cors.library == "starlette" else "supports_credentials=True"
            origins = "allow_origins" if cors.library == "starlette" else "origins"
            where_star = "" if cors.origins_pos is None else f" ({where(model.path, star.pos)})"
            default = " (flask-cors allows every origin by default)" if cors.origins_pos is None else ""
            yield Violation(
                f"{where(model.path, pos)}: {flag} with {origins} \"*\"{where_star}{default}: browsers "
                "reject `Access-Control-Allow-Origin: *` on credentialed requests (`... must not be the "
                "wildcard '*' when the request's credentials mode is 'include'`), and library versions "
                "that echo the Origin instead let every website call the API with the user's cookies",
                at(model.path, pos),
                (Related(at(model.path, star.pos), "every origin allowed here"),),
                fix=f'list the allowed sites in {origins} (["https://app.example.com"]) or remove {flag}',
            )
