"""The Dockerfile: multi-stage for Go (static binary on distroless), one slim stage for Python."""

from __future__ import annotations

import json

from deploycheck.scaffold.detect import AppFacts
from deploycheck.scaffold.generate import Options, limits, workers
from deploycheck.scaffold.templates.extras import PROBE_DIR

GO_RUNTIME_STATIC = "gcr.io/distroless/static-debian12:nonroot"
GO_RUNTIME_LIBC = "gcr.io/distroless/base-debian12:nonroot"
NONROOT_GO = "65532:65532"  # distroless's `nonroot`
NONROOT_PY = "10001:10001"


def render(facts: AppFacts, options: Options) -> str:
    return _go(facts, options) if facts.is_go else _python(facts, options)


def _header(facts: AppFacts, options: Options, what: str) -> list[str]:
    lines = [f"# {what}, written by `deploycheck init`: review it, then commit it.",
             f"# Build: docker build -t {facts.name} .",
             f"# Run:   docker run --rm -p {facts.port}:{facts.port} {facts.name}"]
    if options.cache_mounts:
        lines += ["# The RUN --mount caches need BuildKit (the default builder since Docker 23);",
                  "# `deploycheck init --no-cache-mounts` writes this file for the legacy builder."]
    return [*lines, ""]


def _mounts(options: Options, *targets: str) -> str:
    if not options.cache_mounts:
        return ""
    return "".join(f"--mount=type=cache,target={t} " for t in targets)


def _exec(argv: list[str]) -> str:
    return json.dumps(argv)


def _health_url(facts: AppFacts) -> str:
    if facts.health_path:
        return f"http://127.0.0.1:{facts.port}{facts.health_path}"
    return f"tcp://127.0.0.1:{facts.port}"


def _go(facts: AppFacts, options: Options) -> str:
    what = f"Image of the {facts.framework} app" + (f" in {facts.app_dir}/" if facts.app_dir else "")
    out = _header(facts, options, what)
    go_cache = ("/go/pkg/mod", "/root/.cache/go-build")
    out.append(f"FROM golang:{facts.go_version} AS build")
    out.append("WORKDIR /src")
    if facts.vendored:
        out.append("# Modules come from vendor/: the build needs no network.")
        out.append("COPY . .")
        mod_flag = " -mod=vendor"
    else:
        out.append("# Dependencies first: this layer is rebuilt only when go.mod or go.sum change.")
        out.append("COPY go.mod go.sum ./" if facts.go_sum else "COPY go.mod ./")
        out.append(f"RUN {_mounts(options, go_cache[0])}go mod download")
        out.append("COPY . .")
        mod_flag = ""
    if facts.cgo:
        out.append(f"# cgo is required: {facts.cgo_why}.")
        out.append("# The binary links glibc; the runtime image below has the same C library.")
        out.append("ENV CGO_ENABLED=1")
        runtime = GO_RUNTIME_LIBC
    else:
        out.append("# A static binary: no C library is needed where it runs.")
        out.append("ENV CGO_ENABLED=0")
        runtime = GO_RUNTIME_STATIC
    flags = f'-trimpath{mod_flag} -ldflags="-s -w"'
    mounts = _mounts(options, *go_cache)
    if mounts:
        out.append(f"RUN {mounts}\\")
        out.append(f"    go build {flags} -o /out/app {facts.go_package} && \\")
    else:
        out.append(f"RUN go build {flags} -o /out/app {facts.go_package} && \\")
    out.append(f"    go build {flags} -o /out/healthcheck ./{PROBE_DIR}")
    out.append("")
    runtime_note = "distroless: no shell, no package manager; CA certificates and tzdata included"
    out.append(f"# {runtime_note}.")
    out.append(f"FROM {runtime}")
    out.append("WORKDIR /app")
    out.append("COPY --from=build /out/app /usr/local/bin/app")
    out.append("COPY --from=build /out/healthcheck /usr/local/bin/healthcheck")
    for path in facts.runtime_files:
        out.append(f"COPY --from=build /src/{path} ./{path}")
    env = []
    if facts.framework == "gin":
        env.append("GIN_MODE=release")
    if facts.port_env:
        env.append(f"{facts.port_env}={facts.port}")
    if facts.addr_env:
        env.append(f"{facts.addr_env}=:{facts.port}")
    if env:
        out.append("ENV " + " \\\n    ".join(env))
    out.append(f"USER {NONROOT_GO}")
    out.append(f"EXPOSE {facts.port}")
    out.append("HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \\")
    out.append(f"    CMD {_exec(['/usr/local/bin/healthcheck', _health_url(facts)])}")
    out.append(f"ENTRYPOINT {_exec(['/usr/local/bin/app'])}")
    if facts.addr_flag and not facts.addr_env:
        out.append(f"CMD {_exec([f'-{facts.addr_flag}', f':{facts.port}'])}")
    return "\n".join(out) + "\n"


def _python(facts: AppFacts, options: Options) -> str:
    what = f"Image of the {facts.framework} app" + (f" in {facts.app_dir}/" if facts.app_dir else "")
    out = _header(facts, options, what)
    out.append(f"FROM python:{facts.python_version}-slim")
    env = ["PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1", "PIP_DISABLE_PIP_VERSION_CHECK=1"]
    if not options.cache_mounts:
        env.append("PIP_NO_CACHE_DIR=1")
    out.append("ENV " + " \\\n    ".join(env))
    out.append("WORKDIR /app")
    if facts.system_packages:
        out.append("# Libraries the Python dependencies load at run time.")
        out.append("RUN apt-get update && \\")
        out.append("    apt-get install -y --no-install-recommends "
                   + " ".join(facts.system_packages) + " && \\")
        out.append("    rm -rf /var/lib/apt/lists/*")
    extra = "" if facts.server_installed else f" {facts.server}"
    pip = f"RUN {_mounts(options, '/root/.cache/pip')}pip install"
    if facts.requirements == "pyproject.toml":
        out.append("COPY . .")
        out.append(f"{pip} .{extra}")
    else:
        reqs = facts.requirements or "requirements.txt"
        out.append("# Dependencies first: this layer is rebuilt only when the requirements change.")
        out.append(f"COPY {reqs} ./")
        if extra:
            out.append(f"# {facts.server} is not in {reqs}: add it there to pin its version.")
        out.append(f"{pip} -r {reqs}{extra}")
        out.append("COPY . .")
    lim = limits(facts)
    out.append(f"# Workers: WEB_CONCURRENCY, set by compose/Kubernetes from the CPU limit "
               f"({workers(facts, 1)} for one CPU).")
    out.append(f"ENV WEB_CONCURRENCY={workers(facts, lim.cpus)}")
    out.append(f"USER {NONROOT_PY}")
    out.append(f"EXPOSE {facts.port}")
    out.append("HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \\")
    out.append(f"    CMD {_exec(['python', '-c', python_probe(facts)])}")
    out.append(f"CMD {_exec(server_argv(facts))}")
    return "\n".join(out) + "\n"


def python_probe(facts: AppFacts) -> str:
    """A one-line health probe in Python (the image has no curl): GET the health path with
    the headers the app needs, or connect to the port when it serves no health path."""
    if not facts.health_path:
        return f"import socket; socket.create_connection(('127.0.0.1', {facts.port}), 3)"
    url = f"http://127.0.0.1:{facts.port}{facts.health_path}"
    if facts.probe_headers:
        headers = ", ".join(f"{k!r}: {v!r}" for k, v in facts.probe_headers)
        return ("import urllib.request as u; "
                f"u.urlopen(u.Request({url!r}, headers={{{headers}}}), timeout=3)")
    return f"import urllib.request as u; u.urlopen({url!r}, timeout=3)"


def server_argv(facts: AppFacts) -> list[str]:
    """The production server command: all interfaces, the real port, workers from
    WEB_CONCURRENCY (both servers read it), logs to stdout."""
    bind = f"0.0.0.0:{facts.port}"
    if facts.server == "uvicorn":
        return ["uvicorn", facts.target, "--host", "0.0.0.0", "--port", str(facts.port),
                "--proxy-headers", "--no-server-header"]
    argv = ["gunicorn", "--bind", bind, "--access-logfile", "-", "--worker-tmp-dir", "/dev/shm"]
    if facts.asgi:
        argv += ["--worker-class", "uvicorn.workers.UvicornWorker"]
    return [*argv, facts.target]
