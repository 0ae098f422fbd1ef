"""The image rules on recorded images: where they point and what they say, and the join with
the deployment files (`--project`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from image_helpers import findings

from deploycheck.cli.cmd_image import _deployments, needs_from_deployment, pick_deployment
from deploycheck.engine.config import Config
from deploycheck.gatherers.image_record import load
from deploycheck.model.image import ImageFacts

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"


def _record(record: dict[str, object]) -> list[object]:
    return load("image.json", json.dumps(record))


def _fixture(code: str, kind: str = "bad", name: str = "image.json") -> list[object]:
    return load(name, (FIXTURES / code / kind / name).read_text())


def _labels(code: str, kind: str = "bad", name: str = "image.json") -> list[tuple[str, str]]:
    return [(f.location.label(), f.message) for f in findings(_fixture(code, kind, name), (code,))]


def test_missing_loader_points_at_the_binary_and_says_why() -> None:
    [(label, message)] = _labels("IM016")
    assert label.startswith("image=shop/api:1.4 layer=") and label.endswith("path_in_image=/app")
    assert "ELF interpreter /lib64/ld-linux-x86-64.so.2 is missing" in message
    assert "no C library at all" in message and "CGO_ENABLED=1" in message
    assert "`exec /app: no such file or directory`" in message
    [(_, musl)] = _labels("IM016", name="glibc-on-musl.image.json")
    assert "linked against glibc, and this image has musl libc" in musl


def test_library_messages_name_the_library_and_the_search() -> None:
    [(_, message)] = _labels("IM017")
    assert "libpq.so.5" in message and "/usr/lib/x86_64-linux-gnu" in message
    assert "cannot open shared object file" in message
    [(_, transitive)] = _labels("IM017", name="transitive.image.json")
    assert "libxml2.so.2, needed by /opt/app/lib/libfoo.so.1" in transitive
    fixes = [f.fix for f in findings(_fixture("IM017"), ("IM017",))]
    assert "libpq5" in fixes[0]


def test_extension_module_groups_by_package() -> None:
    record = json.loads((FIXTURES / "IM018" / "bad" / "image.json").read_text())
    files = record["layers"][1]["files"]
    first = files[0]
    files.append(dict(first, path=first["path"].replace("_psycopg", "_json")))
    [finding] = findings(_record(record), ("IM018",))
    assert finding.message.startswith("`import psycopg2` fails")
    assert "(1 more module of psycopg2 too)" in finding.message
    assert ("path_in_image", "/" + first["path"]) in finding.location.extra


def test_entrypoint_through_script_and_env() -> None:
    [(_, message)] = _labels("IM013", name="env.image.json")
    assert (
        "asks env for python3" in message and "/usr/bin/env: 'python3': No such file or directory" in message
    )
    [(_, crlf)] = _labels("IM014")
    assert "`#!/bin/sh` ends in CR LF" in crlf


def test_secret_added_then_deleted_still_ships() -> None:
    [finding] = findings(_fixture("IM030"), ("IM030",))
    assert ("path_in_image", "/srv/.env") in finding.location.extra
    assert "DATABASE_PASSWORD is set" in finding.message and "pr0d" not in finding.message
    assert "its layer still ships it" in finding.message
    layer = dict(finding.location.extra)["layer"]
    facts = next(i for i in _fixture("IM030") if isinstance(i, ImageFacts))
    assert layer == facts.layers[0].short  # the layer that added it, not the one that deleted it


def test_secret_values_never_reach_messages() -> None:
    for code, name in (
        ("IM030", "key.image.json"),
        ("IM031", "image.json"),
        ("IM031", "build-arg.image.json"),
    ):
        for _, message in _labels(code, name=name):
            assert "sk_live_4eC39" not in message and "npm_abcdef" not in message and "wJalrX" not in message


def test_healthcheck_shell_form() -> None:
    record = {
        "config": {
            "config": {
                "Entrypoint": ["/app"],
                "Healthcheck": {"Test": ["CMD-SHELL", "wget -qO- http://localhost:8080/ || exit 1"]},
            }
        },
        "layers": [
            {
                "files": [
                    {"path": "app", "mode": "0755", "elf": {}},
                    {"path": "bin/sh", "mode": "0755", "elf": {}},
                ]
            }
        ],
    }
    [finding] = findings(_record(record), ("IM025",))
    assert "`wget`" in finding.message and "executable file not found in $PATH" in finding.message
    record["layers"][0]["files"].append({"path": "usr/bin/wget", "mode": "0755", "elf": {}})  # type: ignore[index]
    assert not findings(_record(record), ("IM025",))


def test_runs_as_root_only_for_images_with_a_command() -> None:
    assert _labels("IM033") and not _labels("IM033", "good", "no-command.image.json")


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "compose.yaml").write_text(
        'services:\n  web:\n    image: shop/web:1.0\n    build: .\n    command: ["--port", "8080"]\n'
    )
    (root / "Dockerfile").write_text(
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN CGO_ENABLED=0 go build -o /out/web .\n\nFROM scratch\nWORKDIR /srv\n"
        'COPY --from=build /out/web /srv/web\nENTRYPOINT ["/srv/web"]\n'
    )
    (root / "go.mod").write_text("module example.com/web\n\ngo 1.22\n")
    (root / "main.go").write_text(
        'package main\n\nimport (\n\t"net/http"\n\t"time"\n\n\t"github.com/gin-gonic/gin"\n)\n\n'
        'func main() {\n\tloc, _ := time.LoadLocation("Europe/Berlin")\n\t_ = loc\n'
        '\tresp, err := http.Get("https://api.stripe.com/v1/charges")\n'
        '\tif err == nil {\n\t\tresp.Body.Close()\n\t}\n'
        '\tr := gin.Default()\n\tr.LoadHTMLGlob("templates/*")\n\tr.Run(":8080")\n}\n'
    )
    return root


def test_project_join(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        deployments, prefix = _deployments(".", Config(jobs=1))
    finally:
        os.chdir(cwd)
    dep = pick_deployment("docker.io/shop/web:1.0", deployments)
    assert dep is not None
    needs = needs_from_deployment(dep, prefix)
    assert needs.command == ("--port", "8080") and needs.entrypoint is None
    assert [w.short() for w in needs.https] == ["main.go:13"]
    assert [(z, w.short()) for z, w in needs.time_zones] == [("Europe/Berlin", "main.go:11")]
    assert [(p, c) for p, c, _ in needs.files] == [("templates/*", "LoadHTMLGlob")]
    image = next(
        i
        for i in _record(
            {
                "image": "shop/web:1.0",
                "config": {"config": {"Entrypoint": ["/srv/web"], "WorkingDir": "/srv"}},
                "layers": [
                    {"files": [{"path": "srv/web", "mode": "0755", "elf": {"go": {"version": "go1.22.3"}}}]}
                ],
            }
        )
        if isinstance(i, ImageFacts)
    )
    from dataclasses import replace

    joined = replace(image, app=needs)
    assert joined.command()[0] == ("/srv/web", "--port", "8080")
    by_code = {f.rule: f for f in findings([joined])}
    assert {"IM020", "IM021", "IM022"} <= set(by_code)
    assert "the source does, e.g. main.go:13" in by_code["IM020"].message
    assert any(r.location.short() == "main.go:18" for r in by_code["IM022"].related)
    assert "time.LoadLocation at main.go:11" in by_code["IM021"].message
