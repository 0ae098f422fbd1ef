from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.python import PythonApp
from deploycheck.rules.python._common import at, where

_SIMPLE = frozenset({"GET", "HEAD", "*"})


class CorsDefaultMethods(Rule[PythonApp]):
    """Starlette/FastAPI `CORSMiddleware` without `allow_methods` allows only GET across origins.

    ## Why
    `CORSMiddleware`'s default is `allow_methods=("GET",)`. A cross-site `POST` with a JSON body,
    a `PUT` or a `DELETE` is preceded by a preflight `OPTIONS` request, and Starlette answers it
    with `400 Disallowed CORS method`; the browser never sends the real request (pitfall C6;
    geopython/pygeoapi#1740, fastapi/fastapi#133). Reported only when the app has routes for
    other methods than GET.

    ## Bad
    ```main.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])

    @app.post("/items")
    def create_item() -> dict:
        return {}
    ```

    ## Good
    ```main.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example.com"],
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
    )

    @app.post("/items")
    def create_item() -> dict:
        return {}
    ```

    ## Fix
    Set `allow_methods` to the methods the browser client uses (or `["*"]`), and `allow_headers`
    to the request headers it sends (`Authorization`, ...), which default to none beyond the
    CORS-safelisted ones.
    """

    code = "DC606"
    name = "starlette-cors-default-methods"
    category = Category.CORS
    severity = Severity.WARNING
    target = PythonApp
    fix = 'set allow_methods=["GET", "POST", ...] (or ["*"]) on CORSMiddleware'

    def check(self, model: PythonApp, options: NoOptions) -> Iterator[Violation]:
        others = [(m, r) for m, r in model.routes() if r.framework in ("fastapi", "starlette", "unknown")
                  and not set(r.methods) <= _SIMPLE]
        if not others:
            return
        for module, cors in model.cors():
            if cors.library != "starlette" or cors.methods is not None:
                continue
            if cors.origins is not None and not cors.origins and not cors.origin_regex:
                continue  # no origin allowed at all: nothing cross-site works anyway
            route_module, route = others[0]
            methods = sorted({m for _, r in others for m in r.methods} - _SIMPLE)
            yield Violation(
                f"{where(module.path, cors.pos)}: CORSMiddleware has no allow_methods, so only GET is "
                f"allowed cross-site; preflights for {', '.join(methods)} (e.g. {route.methods[0]} "
                f"{route.path} at {where(route_module.path, route.pos)}) get `400 Disallowed CORS method` "
                "and the browser never sends the request",
                at(module.path, cors.pos),
                (Related(at(route_module.path, route.pos), f"{route.methods[0]} {route.path}"),),
            )
