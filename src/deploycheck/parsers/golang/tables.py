"""Name tables and free helpers on plain text, shared by the reader's mixins.

The import path of Gin, the method names that register routes (and the HTTP method each
stands for), the calls that end the program or answer a request, the CORS header names and the
Gin Prometheus middlewares; then helpers on strings only: the default local name of an import
path, joining route prefixes, `//go:embed` patterns, what looks like an environment variable or a
getEnv-style helper, and `reflect.StructTag` parsing.
"""

from __future__ import annotations

GIN = "github.com/gin-gonic/gin"
ROUTE_METHODS = {
    "GET": "GET",
    "POST": "POST",
    "PUT": "PUT",
    "DELETE": "DELETE",
    "PATCH": "PATCH",
    "HEAD": "HEAD",
    "OPTIONS": "OPTIONS",
    "Any": "ANY",
    "Get": "GET",
    "Post": "POST",
    "Put": "PUT",
    "Delete": "DELETE",
    "Patch": "PATCH",
    "Head": "HEAD",
    "Options": "OPTIONS",
    "All": "ANY",
    "HandleFunc": "ANY",
    "Handle": "ANY",
}
FATAL_NAMES = frozenset(
    {"Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln", "Exit", "panic", "Fatalw", "Panicw"}
)
RESPOND_NAMES = frozenset(
    {
        "Abort",
        "AbortWithStatus",
        "AbortWithStatusJSON",
        "WriteHeader",
        "Status",
        "JSON",
        "String",
        "Data",
        "NoContent",
        "AbortWithError",
    }
)
_NOT_CHECKS = frozenset({"len", "Printf", "Println", "Sprintf", "Debugf", "Infof", "Print"})
_PANICS = frozenset({"LoadHTMLGlob", "LoadHTMLFiles", "Static", "StaticFile", "http.Dir", "gin.Dir"})
ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
GIN_PROMETHEUS = (
    "github.com/zsais/go-gin-prometheus",
    "github.com/penglongli/gin-metrics",
    "github.com/Depado/ginprom",
    "github.com/chenjiandongx/ginprom",
)


def _default_import_name(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    if not parts:
        return ""
    last = parts[-1]
    if len(parts) > 1 and last.startswith("v") and last[1:].isdigit():
        last = parts[-2]
    if "." in last and path.startswith("gopkg.in/"):
        last = last.split(".", 1)[0]
    if last.startswith("go-"):
        last = last[3:]
    return last.replace("-", "_").replace(".", "_")


def _join(prefix: str, route: str) -> str:
    if not prefix:
        return route or "/"
    if not route or route == "/":
        return prefix if route == "" or prefix.endswith("/") else prefix + "/" if route else prefix
    return prefix.rstrip("/") + "/" + route.lstrip("/")


def _embed_patterns(text: str) -> list[str]:
    """Space-separated patterns; "quoted" or `raw` ones may hold spaces."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        if text[i] in "\"`":
            end = text.find(text[i], i + 1)
            end = n if end < 0 else end
            out.append(text[i + 1 : end])
            i = end + 1
        else:
            start = i
            while i < n and not text[i].isspace():
                i += 1
            out.append(text[start:i])
    return out


def _looks_like_env(name: str) -> bool:
    return bool(name) and name[0].isalpha() and name.replace("_", "").isalnum() and name.upper() == name


def _helper_name(name: str) -> bool:
    lower = name.lower()
    return "env" in lower and any(w in lower for w in ("get", "lookup", "must", "require", "or", "default"))


def _must(name: str) -> bool:
    lower = name.lower()
    return lower.startswith(("must", "require"))


def _mentions_options(text: str) -> bool:
    return '"OPTIONS"' in text or "MethodOptions" in text


def _struct_tags(tag: str) -> dict[str, str]:
    """reflect.StructTag: `key:"value" key2:"value2"` (conventional format)."""
    out: dict[str, str] = {}
    i, n = 0, len(tag)
    while i < n:
        while i < n and tag[i] == " ":
            i += 1
        start = i
        while i < n and tag[i] > " " and tag[i] not in ':"\x7f':
            i += 1
        if i == start or i + 1 >= n or tag[i] != ":" or tag[i + 1] != '"':
            break
        key = tag[start:i]
        i += 2
        value: list[str] = []
        while i < n and tag[i] != '"':
            if tag[i] == "\\" and i + 1 < n:
                i += 1
            value.append(tag[i])
            i += 1
        if i >= n:
            break
        i += 1
        out[key] = "".join(value)
    return out
