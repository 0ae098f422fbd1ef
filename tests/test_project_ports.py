"""Helpers of the cross-file port rules: local health URLs, route matching, Go flags on the
command line, and where an app listens once a deployment's environment is applied."""

from __future__ import annotations

import os

from deploycheck.engine.config import Config
from deploycheck.engine.runner import load_root
from deploycheck.model.links import Deployment
from deploycheck.rules.project._common_ports import RouteTable, app_ports, health_url
from ruleharness import run


def test_health_url_reads_exec_shell_and_string_forms() -> None:
    url = health_url(("curl", "-fsS", "http://localhost:8080/healthz"))
    assert url is not None and (url.port, url.path) == (8080, "/healthz")
    url = health_url(("/bin/sh", "-c", "wget -qO- http://127.0.0.1:3000/api/ping?x=1 || exit 1"))
    assert url is not None and (url.port, url.path) == (3000, "/api/ping?x=1")
    url = health_url(("curl -f http://localhost/",))
    assert url is not None and (url.port, url.path) == (80, "/")
    assert health_url(("curl", "-f", "http://db:5432/")) is None  # not the container itself
    assert health_url(("/app", "healthcheck")) is None


def test_route_table_matches_params_wildcards_and_trailing_slashes() -> None:
    table = RouteTable(("/healthz", "/api/v1/items/:id", "/files/*path", "/users/{user_id}",
                        "/static/<path:filename>"), "main.go")
    for path in ("/healthz", "/healthz/", "/api/v1/items/42", "/files/a/b/c", "/users/7?full=1",
                 "/static/css/site.css"):
        assert table.matches(path), path
    for path in ("/health", "/api/v1/items", "/api/v1/items/1/extra", "/"):
        assert not table.matches(path), path


def _write(tree: str, files: dict[str, str]) -> None:
    for path, text in files.items():
        full = os.path.join(tree, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as fh:
            fh.write(text)


_GO = """package main

import (
\t"flag"
\t"net/http"
)

var addr = flag.String("addr", ":8080", "listen address")

func main() {
\tflag.Parse()
\thttp.ListenAndServe(*addr, nil)
}
"""


def test_go_flag_on_the_command_line_moves_the_port(tmp_path: object) -> None:
    tree = str(tmp_path)
    _write(tree, {
        "main.go": _GO,
        "go.mod": "module example.com/x\n\ngo 1.22\n",
        "Dockerfile": "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /x .\n"
                      'ENTRYPOINT ["/x"]\n',
        "compose.yaml": "services:\n  a:\n    build: .\n    command: [\"-addr\", \":9000\"]\n"
                        "  b:\n    build: .\n    command: [\"-addr=$ADDR\"]\n  c:\n    build: .\n",
    })
    deps = {d.name: d for d in load_root(tree, Config(jobs=1)).project.of(Deployment)}
    a, b, c = (app_ports(deps[n]) for n in "abc")
    assert a is not None and a.ports == {9000}
    assert b is None  # `$ADDR` reaches the app literally in exec form: unknown, stay quiet
    assert c is not None and c.ports == {8080}


def test_published_port_finding_names_both_files(tmp_path: object) -> None:
    tree = str(tmp_path)
    _write(tree, {
        "main.go": _GO,
        "go.mod": "module example.com/x\n\ngo 1.22\n",
        "Dockerfile": "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /x .\n"
                      'ENTRYPOINT ["/x"]\n',
        "compose.yaml": "services:\n  a:\n    build: .\n    ports:\n      - \"80:80\"\n",
    })
    findings = run(tree, ["DC701"])
    assert [(f.location.path, f.location.line) for f in findings] == [("compose.yaml", 5)]
    assert "0.0.0.0:8080" in findings[0].message and "main.go:" in findings[0].message
    assert findings[0].related[0].location.path == "main.go"
