"""Dockerfile parsing: positions, stages, variable expansion, the helpers rules use, and
robustness on hostile input."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.model import Position, SourceFile
from deploycheck.model.dockerfile import Dockerfile, Form, ImageFamily, classify_image
from deploycheck.parsers.dockerfile import expand, parse

GO_SERVICE = """\
# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
ARG RUNTIME=alpine:3.19
FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN go env -w GOFLAGS=-mod=mod && \\
    GOOS=linux go build -ldflags="-s -w" -o /out/server ./cmd/server
RUN CGO_ENABLED=0 go build -o bin/tool ./cmd/tool

FROM build AS test
ENV APP_ENV=test
RUN go test ./...

FROM $RUNTIME
ARG PORT=8080
ENV PORT=${PORT} GIN_MODE="release"
WORKDIR /app
WORKDIR data
EXPOSE ${PORT} 9000-9001/udp $UNKNOWN
RUN apk add --no-cache ca-certificates tzdata curl=8.5.0-r0
COPY --from=build --chown=10001:10001 /out/server /usr/local/bin/server
COPY config.yaml ./
USER 10001:10001
HEALTHCHECK --interval=10s --retries=3 CMD curl -f http://localhost:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/server"]
CMD ["--port", "8080"]
"""


def load(text: str, path: str = "svc/Dockerfile") -> Dockerfile:
    parsed = parse(SourceFile.of(path, text))
    assert not parsed.problems, parsed.problems
    model = parsed.models[0]
    assert isinstance(model, Dockerfile)
    return model


def problems(text: str) -> list[tuple[int, str]]:
    parsed = parse(SourceFile.of("Dockerfile", text))
    return [(p.location.line, p.message) for p in parsed.problems]


def test_stages_bases_and_positions() -> None:
    df = load(GO_SERVICE)
    assert df.directory == "svc"
    assert [s.name for s in df.stages] == ["build", "test", None]
    build, test, final = df.stages
    assert build.base == "golang:1.22" and build.base_raw == "golang:${GO_VERSION}"
    assert build.pos == Position(4, 1) and build.base_pos == Position(4, 6)
    assert test.parent is build and test.base_stage is build
    assert final.base == "alpine:3.19" and final.is_final and not build.is_final
    assert df.final is final
    assert df.stage("BUILD") is build and df.stage(2) is final and df.stage("nope") is None
    assert [a.name for a in df.global_args] == ["GO_VERSION", "RUNTIME"]


def test_runtime_configuration_of_the_final_stage() -> None:
    final = load(GO_SERVICE).stages[2]
    assert {k: v.value for k, v in final.env.items()} == {"PORT": "8080", "GIN_MODE": "release"}
    assert final.env["GIN_MODE"].pos == Position(19, 18)
    assert final.workdir == "/app/data"
    assert final.user is not None and final.user.user == "10001" and final.user.group == "10001"
    ports = [(e.port, e.end_port, e.protocol, e.raw) for e in final.exposes]
    assert ports == [(8080, None, "tcp", "${PORT}"), (9000, 9001, "udp", "9000-9001/udp"),
                     (None, None, "tcp", "$UNKNOWN")]
    assert final.exposes[1].pos == Position(22, 16)
    assert final.exposes[1].covers(9001) and not final.exposes[2].resolved
    assert final.entrypoint is not None and final.entrypoint.form is Form.EXEC
    assert final.runtime_argv() == ("/usr/local/bin/server", "--port", "8080")
    assert final.runtime_command() == ("/usr/local/bin/server", "--port", "8080")
    hc = final.healthcheck
    assert hc is not None and hc.form is Form.SHELL and hc.program == "curl"
    assert dict(hc.options) == {"interval": "10s", "retries": "3"}


def test_env_is_inherited_through_stages_but_arg_is_not() -> None:
    df = load("FROM python:3.12 AS base\nARG BUILD_ONLY=1\nENV A=1\n"
              "FROM base\nENV B=$A-2\nCMD python app.py\n")
    final = df.stages[1]
    assert {k: v.value for k, v in final.env.items()} == {"A": "1", "B": "1-2"}
    assert final.cmd is not None and final.cmd.form is Form.SHELL
    assert final.cmd.argv == ("python", "app.py")
    assert final.runtime_argv() == ("/bin/sh", "-c", "python app.py")


def test_entrypoint_resets_inherited_cmd_and_shell_instruction() -> None:
    df = load('FROM alpine:3.19 AS a\nCMD ["a"]\nSHELL ["/bin/ash", "-eo", "pipefail", "-c"]\n'
              "FROM a\nENTRYPOINT /run.sh\n")
    final = df.stages[1]
    assert final.cmd is None
    assert final.shell == ("/bin/ash", "-eo", "pipefail", "-c")
    assert final.runtime_argv() == ("/bin/ash", "-eo", "pipefail", "-c", "/run.sh")


def test_copies() -> None:
    df = load(GO_SERVICE)
    final = df.stages[2]
    binary, config = final.copies
    assert binary.from_ref == "build" and binary.from_stage == 0 and binary.chown == "10001:10001"
    assert binary.source_pos(0) == Position(24, 39)
    assert binary.pulls("/out/server") and not binary.pulls("/out/other")
    assert config.from_context and config.dest_path == "/app/data/"
    whole = [c for c in df.stages[0].copies if c.copies_whole_context]
    assert len(whole) == 1 and whole[0].pos == Position(8, 1)
    ext = load("FROM scratch\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n").stages[0].copies[0]
    assert ext.from_stage is None and ext.from_image == "nginx:1.27"


def test_go_build_facts() -> None:
    df = load(GO_SERVICE)
    build = df.stages[0]
    assert build.golang_version == "1.22" and df.stages[1].golang_version == "1.22"
    server, tool = build.go_builds()
    assert server.output == "/out/server" and server.cgo is None and server.goos == "linux"
    assert server.pos == Position(9, 1) and not server.static_link
    assert tool.cgo_disabled and tool.output == "/src/bin/tool"
    copies = df.runtime_stages_of(build, "/out/server")
    assert [(s.index, c.pos.line) for s, c in copies] == [(2, 24)]
    env = load("FROM golang:1.21-alpine\nARG CGO_ENABLED=0\nENV GOARCH=arm64\n"
               "RUN go build -tags netgo,osusergo -o app .\n").stages[0].go_builds()[0]
    assert env.cgo_disabled and env.goarch == "arm64" and env.goarch_pos == Position(3, 5)
    assert env.tags == ("netgo", "osusergo") and env.output == "/go/app"
    exported = load("FROM golang:1.22\nRUN export CGO_ENABLED=0 && go build -o /a .\n")
    assert exported.stages[0].go_builds()[0].cgo_disabled
    static = load("FROM golang:1.22\nRUN go build -ldflags '-linkmode external "
                  "-extldflags \"-static\"' -o /a .\n").stages[0].go_builds()[0]
    assert static.static_link
    assert classify_image("golang").golang_version is None
    assert classify_image("golang:1.22.3-bookworm").golang_version == "1.22.3"


def test_pip_and_package_installs_and_heredoc_runs() -> None:
    df = load("FROM python:3.12-slim\n"
              "RUN pip install --no-cache-dir -r requirements.txt gunicorn==22.0 'uvicorn[standard]'\n"
              "RUN python -m pip install -e . -rrequirements-dev.txt\n"
              "RUN <<EOF\napt-get update\napt-get install -y --no-install-recommends curl\nEOF\n")
    stage = df.stages[0]
    first, second = stage.pip_installs()
    assert first.requirements == ("requirements.txt",)
    assert first.packages == ("gunicorn==22.0", "uvicorn[standard]")
    assert second.editable == (".",) and second.requirements == ("requirements-dev.txt",)
    installs = stage.package_installs()
    assert [(i.manager, i.packages, i.pos.line) for i in installs] == [("apt-get", ("curl",), 4)]
    assert stage.traits.curl is True and stage.base_traits.curl is False


def test_image_traits() -> None:
    scratch = classify_image("scratch")
    assert scratch.family is ImageFamily.SCRATCH and scratch.has_shell is False
    assert scratch.libc == "none" and scratch.passwd is False
    static = classify_image("gcr.io/distroless/static-debian12:nonroot")
    assert static.family is ImageFamily.DISTROLESS_STATIC and static.has_shell is False
    assert static.ca_certificates is True and static.libc == "none"
    assert classify_image("gcr.io/distroless/base-debian12").libc == "glibc"
    assert classify_image("gcr.io/distroless/python3-debian12").family is \
        ImageFamily.DISTROLESS_PYTHON
    assert classify_image("gcr.io/distroless/static:debug").has_shell is None
    assert classify_image("alpine:3.19").libc == "musl"
    assert classify_image("docker.io/library/golang:1.22-alpine").libc == "musl"
    assert classify_image("golang:1.22").libc == "glibc"
    slim = classify_image("python:3.12-slim-bookworm")
    assert slim.family is ImageFamily.PYTHON_SLIM and slim.curl is False and slim.python
    assert classify_image("python:3.12").curl is True
    assert classify_image("node:20-alpine").libc == "musl"
    assert classify_image("nginx:1.27").family is ImageFamily.NGINX
    assert classify_image("ghcr.io/acme/base:1").family is ImageFamily.UNKNOWN
    assert classify_image("${BASE}").family is ImageFamily.UNKNOWN
    chained = load("FROM scratch AS certs\nCOPY --from=alpine:3.19 /etc/ssl/certs /etc/ssl/certs\n"
                   "FROM certs\n")
    assert chained.stages[1].traits.ca_certificates is True


def test_expand() -> None:
    scope = {"A": "x", "EMPTY": "", "DECLARED": None}
    assert expand("$A-${A}", scope) == ("x-x", True)
    assert expand("${MISSING:-def}", scope) == ("def", True)
    assert expand("${EMPTY:-def}", scope) == ("def", True)
    assert expand("${EMPTY-def}", scope) == ("", True)
    assert expand("${A:+alt}", scope) == ("alt", True)
    assert expand("${DECLARED:-d}", scope) == ("${DECLARED:-d}", False)
    assert expand("$MISSING/x", scope) == ("$MISSING/x", False)
    assert expand("'$A' \"$A\" \\$A", scope) == ("$A x $A", True)


def test_escape_directive_and_continuations() -> None:
    df = load("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
              "RUN echo a `\n    && echo b\nCMD [\"cmd\"]\n")
    stage = df.stages[0]
    assert stage.runs[0].pos == Position(3, 1)
    assert "echo b" in stage.runs[0].text
    assert stage.cmds[0].pos == Position(5, 5)


def test_malformed_input_becomes_problems() -> None:
    assert problems("") == [(1, "the Dockerfile has no instructions "
                                "(docker build: file with no instructions)")]
    assert problems("# only a comment\n")[0][0] == 1
    heredoc = problems("FROM alpine:3.19\nRUN true\nRUN <<EOF\necho hi\n")
    assert heredoc[0][0] == 3 and "unterminated heredoc" in heredoc[0][1]
    env = problems("FROM alpine:3.19\nENV A=1\nENV LONELY\n")
    assert env[0][0] == 3 and "ENV must have two arguments" in env[0][1]
    assert problems("FROM alpine:3.19\nFOO bar\n")[0][0] == 2
    assert problems("RUN echo hi\nFROM alpine:3.19\n")[0][0] == 1
    assert problems("FROM alpine:3.19\nCMD --port 80 app\n")[0][1].startswith("unknown flag: port")
    assert problems("FROM\n")[0][0] == 1
    assert problems("FROM alpine:3.19\nCOPY onlyone\n")[0][0] == 2
    binary = problems("FROM alpine\n\x00\x01\x02")
    assert binary == [(2, "binary content (NUL byte): not a Dockerfile")]


def test_crlf_bom_and_tabs() -> None:
    df = load("\ufeffFROM alpine:3.19\r\n\tUSER\tapp\r\nCMD [\"/app\"]\r\n")
    stage = df.stages[0]
    assert stage.users[0].user == "app" and stage.users[0].pos == Position(2, 7)
    assert stage.cmds[0].argv == ("/app",)


def test_large_input_is_bounded() -> None:
    text = "FROM alpine:3.19\n" + "RUN echo hello && ls -la /tmp\n" * 15_000
    start = time.perf_counter()
    df = load(text)
    assert len(df.stages[0].runs) == 15_000
    assert time.perf_counter() - start < 15
    huge = "FROM alpine\nRUN x \\\n" + "  y \\\n" * 30_000 + " z\n"
    start = time.perf_counter()
    assert "too large" in problems(huge)[0][1]
    assert time.perf_counter() - start < 2


KEYWORDS = ["FROM", "RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "ENV", "ARG", "USER", "WORKDIR",
            "EXPOSE", "HEALTHCHECK", "SHELL", "LABEL", "ONBUILD", "VOLUME", "STOPSIGNAL"]
WORDS = st.sampled_from(["a", "--from=0", "--platform=$X", "AS", "b", "${A:-x}", "$B", "<<EOF",
                         "EOF", '["x",', '"y"]', "\\", "&&", "CMD", "NONE", "=", "A=1", "'q",
                         "8080/tcp", "0-9", ".", "/x/", "--mount=type=cache,target=/c"])
LINE = st.builds(lambda k, w: " ".join([k, *w]), st.sampled_from(KEYWORDS),
                 st.lists(WORDS, max_size=6))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(LINE, st.text(max_size=30)), max_size=25))
def test_never_raises_and_helpers_work(lines: list[str]) -> None:
    parsed = parse(SourceFile.of("Dockerfile", "\n".join(lines)))
    for problem in parsed.problems:
        assert problem.location.line >= 1
    for model in parsed.models:
        assert isinstance(model, Dockerfile)
        for stage in model.stages:
            stage.traits.has_tool("curl")
            stage.runtime_argv()
            stage.go_builds()
            stage.pip_installs()
            _ = (stage.env, stage.workdir, stage.user, stage.exposes, stage.healthcheck)
            list(model.copies_from(stage))
