# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
"""Log signatures of the container runtime and the kernel: exec failures, wrong platform,
missing loaders and libraries, the OOM killer, host ports, missing variables and files
(LG100-LG129). They appear in `docker logs`, in `docker run`/compose output, in CI logs and in
`kubectl describe`."""

from __future__ import annotations

from deploycheck.rules.logs._base import Category, Severity, rule_classes, sig

C, S = Category, Severity

SIGNATURES = (
    sig("LG100", "exec-missing-interpreter", C.PLATFORM, S.ERROR,
        "The entrypoint exists but cannot run: its ELF loader (or script interpreter) is missing.",
        pattern=r"exec (?P<path>/\S+): no such file or directory"
                r"|exec user process caused:? \"?no such file or directory",
        keywords=['no such file or directory'],
        message="the kernel could not start {path}: the file is there, but the program loader it "
                "names is not (a dynamically linked binary on scratch or alpine, or a script whose "
                "`#!` interpreter is missing or ends in `\\r`)",
        why="""`exec /app: no such file or directory` for a file that exists means the kernel could
            not find the *interpreter* the file asks for: the ELF loader
            `/lib64/ld-linux-x86-64.so.2` of a glibc binary (Go with cgo on by default) in a
            scratch or alpine image, or the `#!/bin/bash` of a script (with CRLF line endings, the
            interpreter `/bin/sh\\r` never exists). Older runtimes say `standard_init_linux.go:228:
            exec user process caused: no such file or directory` (pitfalls D1, O12;
            gin-gonic/gin#1178).""",
        fix="""build Go statically (`CGO_ENABLED=0`), or run on a base image with the same libc
            as the build stage; for scripts install the interpreter and convert CRLF to LF""",
        bad=["exec /app: no such file or directory",
             "standard_init_linux.go:228: exec user process caused: no such file or directory"],
        good=['exec: "/bin/sh": stat /bin/sh: no such file or directory',
              "open /data/app.db: no such file or directory"]),

    sig("LG101", "exec-format-error", C.PLATFORM, S.ERROR,
        "The binary is built for another CPU architecture than the host.",
        pattern=r"exec (?P<path>/\S+): exec format error"
                r"|exec user process caused:? \"?exec format error"
                r"|fork/exec (?P<path__2>\S+): exec format error",
        keywords=['exec format error'],
        message="the kernel cannot execute {path}: it is built for another CPU architecture (arm64 "
                "on an amd64 host or the reverse), or it is not a binary at all",
        why="""An image built on an Apple Silicon Mac (arm64) and run on an amd64 server, a
            hard-coded `GOARCH`, or a script without a `#!` line: `exec /app: exec format error`
            (older runtimes: `standard_init_linux.go:211: exec user process caused "exec format
            error"`) (pitfall O4; docker/for-mac#5475).""",
        fix="""build for the platform that runs it (`docker buildx build --platform
            linux/amd64,linux/arm64`, `GOARCH=$TARGETARCH` in a cross-compiling build stage);
            give scripts a `#!` line""",
        bad=["exec /app: exec format error",
             'standard_init_linux.go:211: exec user process caused "exec format error"'],
        good=["exec /app: no such file or directory"]),

    sig("LG102", "shell-missing-for-command", C.BUILD, S.ERROR,
        "A shell-form CMD/ENTRYPOINT or healthcheck needs /bin/sh, which the image lacks.",
        pattern=r"exec: \"(?P<shell>/bin/(?:sh|bash|ash))\": stat /bin/(?:sh|bash|ash): no such file or directory",
        keywords=['stat /bin/'],
        message="the runtime tried to run {shell}, which the image does not contain: a shell-form "
                "CMD, ENTRYPOINT or HEALTHCHECK (`CMD-SHELL`) on scratch or distroless",
        why="""`CMD ./server --port 8080` (shell form) runs `/bin/sh -c "./server --port 8080"`, and
            `docker run --health-cmd` always uses `CMD-SHELL`. Scratch and distroless images have
            no shell, so the container cannot even be created: `OCI runtime create failed: ...
            exec: "/bin/sh": stat /bin/sh: no such file or directory: unknown` (pitfall O5;
            GoogleContainerTools/distroless#745).""",
        fix="""use the exec (JSON) form: `CMD ["/server", "--port", "8080"]`, and
            `HEALTHCHECK CMD ["/server", "healthcheck"]`""",
        bad=["docker: Error response from daemon: failed to create shim task: OCI runtime create "
             "failed: runc create failed: unable to start container process: exec: \"/bin/sh\": stat "
             "/bin/sh: no such file or directory: unknown."],
        good=["exec /app: no such file or directory"]),

    sig("LG103", "executable-not-found", C.BUILD, S.ERROR,
        "A command is not in the image (the entrypoint, or a tool a healthcheck calls).",
        pattern=r"exec: \"(?P<cmd>[^\"]+)\": executable file not found in \$PATH"
                r"|^(?:/bin/)?(?:ba|da)?sh: (?:\d+: )?(?:line \d+: )?(?P<cmd__2>[\w./-]+): (?:command )?not found$",
        keywords=['executable file not found', ': not found', 'command not found'],
        key="cmd", fallback=True,
        message="`{cmd}` is not in the image (or not on its PATH): the container or its "
                "healthcheck runs a program that was never installed",
        why="""The entrypoint names a program the final stage does not contain, or a healthcheck
            calls `curl`/`wget`, which slim and distroless images lack: `exec: "curl": executable
            file not found in $PATH`, `/bin/sh: 1: curl: not found`; the container stays
            `unhealthy` forever (pitfall D11; slskd/slskd#99).""",
        fix="""install the program in the final stage, call it by its absolute path, or (for
            healthchecks) use a tool the image has: a `healthcheck` subcommand of the app or a
            tiny static health client""",
        bad=['OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": '
             'executable file not found in $PATH: unknown',
             "/bin/sh: 1: wget: not found"],
        good=["curl: (7) Failed to connect to localhost port 8080 after 0 ms: Connection refused"]),

    sig("LG104", "exec-permission-denied", C.BUILD, S.ERROR,
        "The entrypoint is not executable (no x bit, or a noexec mount).",
        pattern=r"exec (?P<path>/\S+): permission denied"
                r"|exec: \"(?P<path__2>[^\"]+)\": permission denied"
                r"|exec user process caused:? \"?permission denied",
        keywords=['permission denied'],
        message="the runtime may not execute {path}: the file lacks the execute bit (lost in a COPY "
                "from Windows or a zip), or lives on a noexec mount",
        why="""A script copied without its mode (checked out on Windows, `COPY` from a context that
            dropped permissions), or a binary on a volume mounted `noexec`:
            `exec /entrypoint.sh: permission denied`; `docker run` exits with 126.""",
        fix="""`RUN chmod +x /entrypoint.sh` (or `COPY --chmod=755`), or run it through its
            interpreter (`ENTRYPOINT ["sh", "/entrypoint.sh"]`)""",
        bad=["exec /entrypoint.sh: permission denied"],
        good=["open /data/app.db: permission denied"]),

    sig("LG105", "script-crlf-line-endings", C.BUILD, S.ERROR,
        "A shell script has Windows (CRLF) line endings.",
        pattern=r"\$'\\r': command not found|: (?:'|/)?(?:ba)?sh\r'?: No such file or directory"
                r"|bad interpreter: (?P<interp>\S+?)\^M"
                r"|env: (?:can't execute )?'(?:ba)?sh\r'",
        keywords=["$'\\r': command not found", 'bad interpreter', "\r': No such file or directory", "can't execute '"],
        message="a shell script has Windows line endings (CRLF): the shell reads `\\r` as part of "
                "every command, and the `#!` interpreter as `/bin/sh\\r`",
        why="""A script checked out on Windows with `core.autocrlf` keeps `\\r\\n`: bash reports
            `$'\\r': command not found`, the kernel `bad interpreter: /bin/bash^M`, and the
            runtime `exec /entrypoint.sh: no such file or directory` (pitfall O12;
            ericc-ch/copilot-api#138).""",
        fix="""add `*.sh text eol=lf` to `.gitattributes` and re-checkout, or `RUN sed -i
            's/\\r$//' /entrypoint.sh` in the Dockerfile""",
        bad=["/entrypoint.sh: line 2: $'\\r': command not found",
             "/bin/bash^M: bad interpreter: No such file or directory"],
        good=["/entrypoint.sh: line 2: set: -o: invalid option"]),

    sig("LG106", "host-port-already-allocated", C.BIND, S.ERROR,
        "Docker cannot publish a host port that another container or process holds.",
        pattern=r"Bind for (?P<addr>\S+) failed: port is already allocated"
                r"|Error starting userland proxy: listen tcp[46]? (?P<addr__2>\S+): bind: address already in use",
        keywords=['port is already allocated', 'Error starting userland proxy'],
        key="addr",
        message="Docker could not publish {addr}: another container (or a host process) already "
                "holds that host port, so this container was created but never started",
        why="""Two containers (two compose projects, a leftover `docker run`, a scaled service
            with a fixed host port) or a host service publish the same host port: `Bind for
            0.0.0.0:8080 failed: port is already allocated` or `Error starting userland proxy:
            listen tcp4 0.0.0.0:80: bind: address already in use` (pitfall P10;
            docker/compose#4950).""",
        fix="""publish another host port (`"8081:8080"`, or let Docker choose: `"8080"`), or stop
            what holds it (`docker ps --filter publish=8080`, `ss -ltnp 'sport = :8080'`)""",
        bad=["docker: Error response from daemon: driver failed programming external connectivity on "
             "endpoint web-2 (3f2a...): Bind for 0.0.0.0:8080 failed: port is already allocated.",
             "Error response from daemon: driver failed programming external connectivity on endpoint "
             "shop-nginx-1 (9c1e...): Error starting userland proxy: listen tcp4 0.0.0.0:80: bind: "
             "address already in use"],
        good=["[GIN-debug] Listening and serving HTTP on :8080"]),

    sig("LG107", "process-killed", C.RESOURCES, S.ERROR,
        "A process was killed with SIGKILL (shells print `Killed`), usually by the OOM killer.",
        pattern=r"^Killed\s*$|^(?:.*: line \d+: )?\s*\d+ Killed\s{2,}\S"
                r"|^(?P<prog>[\w.-]+): Killed\s*$",
        keywords=['Killed'],
        message="a process was killed with SIGKILL (the shell reported `Killed`): the memory limit "
                "of the container or CI runner was reached",
        why="""The kernel's OOM killer sends SIGKILL, which cannot be caught; the shell that
            started the process prints `Killed` (in builds: `RUN go build` or `npm run build`
            exceeding the builder's memory, `pip install` of a large wheel) (pitfall R3).""",
        fix="""raise the memory limit (Docker Desktop's VM, the CI runner, `--memory`), or lower
            the peak: fewer parallel jobs (`GOFLAGS=-p=2`, `--max-old-space-size`), smaller
            batches""",
        bad=["#15 48.21 Killed",
             "/entrypoint.sh: line 9:    23 Killed                  python train.py"],
        good=["time=\"2024-03-02T10:15:01Z\" level=info msg=\"OOMKilled: false\"",
              "Killed the stale worker 12 (idle for 600s)"]),

    sig("LG108", "kernel-oom-kill", C.RESOURCES, S.ERROR,
        "The kernel's OOM killer killed a process (dmesg, journal, node logs).",
        pattern=r"(?:Memory cgroup out of memory|Out of memory): Kill(?:ed)? process (?P<pid>\d+) "
                r"\((?P<proc>[^)]+)\)",
        keywords=['out of memory: Kill', 'Out of memory: Kill'],
        key="proc",
        message="the kernel's OOM killer killed `{proc}` (pid {pid}): its cgroup (the container's "
                "memory limit) or the machine ran out of memory",
        why="""`Memory cgroup out of memory: Killed process 2310 (python)` means the container
            reached its memory limit; a plain `Out of memory:` means the whole machine did. The
            container exits with 137 and `OOMKilled: true` (pitfalls R3, R4).""",
        fix="""raise the container's memory limit or reduce its usage (workers, caches, GOMEMLIMIT
            for Go)""",
        bad=["[12345.678901] Memory cgroup out of memory: Killed process 2310 (python) total-vm:1843200kB, "
             "anon-rss:524288kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1200kB oom_score_adj:0"],
        good=["[12345.678901] python invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0"]),

    sig("LG109", "oom-killed-status", C.RESOURCES, S.ERROR,
        "A container status says OOMKilled (kubectl describe, docker inspect).",
        pattern=r"Reason:\s+OOMKilled|\"OOMKilled\":\s*true|\s(?P<status>OOMKilled)\s+\d+",
        keywords=['OOMKilled'],
        message="the container was killed for exceeding its memory limit (OOMKilled, exit code 137)",
        why="""`Last State: Terminated  Reason: OOMKilled  Exit Code: 137`: the container's cgroup
            reached `limits.memory` (or `--memory`) and the kernel killed it. Note that 137
            *without* OOMKilled is a SIGKILL from elsewhere, usually after the stop timeout
            (pitfall R3; coderaiser/cloudcmd#440).""",
        fix="""raise the memory limit to the peak the app needs, or lower the peak (worker count,
            GOMEMLIMIT ≈ 90 % of the limit for Go, caches)""",
        bad=["    Last State:     Terminated",
             "      Reason:       OOMKilled",
             "      Exit Code:    137",
             "api-7d9f6c5b8-x2k4q   0/1     OOMKilled   3 (40s ago)   2m"],
        good=['            "OOMKilled": false,',
              "      Reason:       Completed"]),

    sig("LG110", "image-platform-mismatch", C.PLATFORM, S.WARNING,
        "Docker runs an image of another platform (emulated, or failing with exec format error).",
        pattern=r"The requested image's platform \((?P<image>[^)]+)\) does not match the detected host "
                r"platform \((?P<host>[^)]+)\)",
        keywords=['does not match the detected host platform'],
        message="the image is built for {image} but the host is {host}: without emulation the "
                "entrypoint fails with `exec format error`; with it, everything runs slowly",
        why="""An image built on an arm64 Mac and pulled on an amd64 server (or the reverse) has
            only the other platform: `WARNING: The requested image's platform (linux/arm64/v8)
            does not match the detected host platform (linux/amd64/v3) and no specific platform
            was requested` (pitfall O4).""",
        fix="""build and push a multi-platform image (`docker buildx build --platform
            linux/amd64,linux/arm64 --push`)""",
        bad=["WARNING: The requested image's platform (linux/arm64/v8) does not match the detected host "
             "platform (linux/amd64/v3) and no specific platform was requested"],
        good=["Status: Downloaded newer image for example/api:1.4"]),

    sig("LG111", "no-space-left", C.RESOURCES, S.ERROR,
        "A write failed: the disk (or the Docker data root) is full.",
        pattern=r"[Nn]o space left on device",
        keywords=['o space left on device'],
        message="a write failed because the device is full: the Docker data root, a volume or the "
                "container's writable layer",
        why="""Images, stopped containers, build cache and unrotated `json-file` logs fill
            `/var/lib/docker`; then builds, database writes and log writes fail with
            `no space left on device`.""",
        fix="""free space (`docker system df`, `docker system prune`, `docker builder prune`), set
            log rotation (`max-size`/`max-file` of the json-file driver), or grow the disk""",
        bad=["failed to register layer: write /usr/lib/x86_64-linux-gnu/libLLVM-15.so.1: no space left on device",
             "2024-03-02 10:15:01.123 UTC [1] PANIC:  could not write to file \"pg_wal/xlogtemp.1\": No space left on device"],
        good=["Total reclaimed space: 12.3GB"]),

    sig("LG112", "too-many-open-files", C.RESOURCES, S.ERROR,
        "The process hit its open-file limit (ulimit -n).",
        pattern=r"[Tt]oo many open files",
        keywords=['oo many open files'],
        message="the process reached its limit of open files (sockets count): new connections and "
                "file opens fail",
        why="""Each connection is a file descriptor; a low `nofile` ulimit (1024 in some runtimes),
            or leaked connections, give Go's `accept tcp [::]:8080: accept4: too many open files;
            retrying in 5ms` and Python's `OSError: [Errno 24] Too many open files`.""",
        fix="""raise the limit (`ulimit nofile` in compose, `--ulimit nofile=65535:65535`) and look
            for leaked connections (response bodies not closed, clients created per request)""",
        bad=["2024/03/02 10:15:01 http: Accept error: accept tcp [::]:8080: accept4: too many open files; "
             "retrying in 5ms",
             "OSError: [Errno 24] Too many open files"],
        good=["2024/03/02 10:15:01 open files: 120 of 65535"]),

    sig("LG113", "shared-library-missing", C.BUILD, S.ERROR,
        "A dynamically linked program cannot find a shared library in the image.",
        pattern=r"error while loading shared libraries: (?P<lib>[^:\s]+): cannot open shared object file"
                r"|Error loading shared library (?P<lib__2>[^:\s]+): No such file or directory"
                r"|Error relocating (?P<file>[^:\s]+): (?P<symbol>[^:\s]+): symbol not found",
        keywords=['error while loading shared libraries', 'Error loading shared library', 'Error relocating'],
        key="lib",
        message="the program needs the shared library `{lib}`, which the image does not have (or "
                "has only for another libc)",
        why="""A binary built with cgo on glibc runs on alpine (musl) or a slim image without its
            libraries: `error while loading shared libraries: libssl.so.3: cannot open shared
            object file: No such file or directory`; on musl, `Error loading shared library
            libresolv.so.2` and `Error relocating ...: symbol not found` (pitfalls D1, D2;
            bitnami/wait-for-port#9).""",
        fix="""install the library in the final stage, build statically (`CGO_ENABLED=0`), or run
            on the same distribution (libc) as the build stage""",
        bad=["/app: error while loading shared libraries: libssl.so.3: cannot open shared object file: "
             "No such file or directory"],
        good=["/app: loaded libssl.so.3"]),

    sig("LG114", "required-env-missing", C.CONFIG, S.ERROR,
        "The program says a required environment variable is not set.",
        pattern=r"required (?:environment )?variable:? \"?(?P<var>[A-Z][A-Z0-9_]*)\"? (?:is )?(?:not set|missing|empty|unset)"
                r"|environment variable \"?(?P<var__2>[A-Z][A-Z0-9_]*)\"? (?:is required|must be set|is missing)"
                r"|(?P<var__3>[A-Z][A-Z0-9_]*) environment variable (?:is required|must be set|is not set|is missing)"
                r"|required key (?P<var__4>[A-Z][A-Z0-9_]*) missing value"
                r"|missing required (?:environment )?variables?:? \"?(?P<var__5>[A-Z][A-Z0-9_]*)"
                r"|\b(?P<var__6>[A-Z][A-Z0-9_]*): (?:parameter (?:null or )?not set|unbound variable)",
        keywords=['environment variable', 'required variable', 'required key', ': parameter ', ': unbound variable'],
        key="var",
        message="the program requires the environment variable {var}, which is not set where it "
                "runs, and stops",
        why="""Configuration read from the environment with no default: caarlos0/env says
            `env: required environment variable "DATABASE_URL" is not set`, envconfig `required
            key DATABASE_URL missing value`, shells `DATABASE_URL: parameter not set`. The `.env`
            of the developer's machine is not in the image, or compose passes an empty
            `${DATABASE_URL}` from the shell (pitfall O10).""",
        fix="""set the variable for the container (compose `environment:`/`env_file:`, Kubernetes
            `env` from a Secret); in compose use `${VAR:?VAR is required}` so that a missing value
            stops `docker compose up` with a clear message""",
        bad=['env: required environment variable "DATABASE_URL" is not set',
             "config: required environment variable JWT_SECRET is not set",
             "/entrypoint.sh: line 4: API_TOKEN: parameter null or not set"],
        good=["config: environment variable DATABASE_URL set from /run/secrets/db_url",
              "warning: optional environment variable SENTRY_DSN is empty, error reporting disabled"]),

    sig("LG115", "container-name-conflict", C.CONFIG, S.ERROR,
        "A container of that name already exists, so a new one cannot be created.",
        pattern=r"Conflict\. The container name \"(?P<name>[^\"]+)\" is already in use",
        keywords=['is already in use by container'],
        message="a container named {name} already exists (a leftover of an earlier run), so Docker "
                "refused to create the new one",
        why="""`container_name:` in compose or `docker run --name` with a name that a stopped
            container still holds: `Conflict. The container name "/api" is already in use by
            container "3f2a..."`; the deploy keeps the old container running.""",
        fix="""remove the old container (`docker rm -f api`) or drop the fixed name so that compose
            manages names itself""",
        bad=['docker: Error response from daemon: Conflict. The container name "/api" is already in use '
             'by container "3f2a9c1e0b7d". You have to remove (or rename) that container to be able '
             'to reuse that name.'],
        good=["Container api  Recreated"]),

    sig("LG116", "runtime-file-missing", C.BUILD, S.ERROR,
        "The program cannot open a configuration, certificate or data file it needs.",
        pattern=r"open (?P<file>[^\s:]+\.(?:ya?ml|json|toml|ini|env|conf|cfg|properties|pem|crt|key|db|sqlite3?)): "
                r"no such file or directory"
                r"|FileNotFoundError: \[Errno 2\] No such file or directory: '(?P<file__2>[^']+\.(?:ya?ml|json"
                r"|toml|ini|env|conf|cfg|pem|crt|key|db|sqlite3?))'",
        keywords=['o such file or directory'],
        key="file",
        message="the program cannot open `{file}`: the file was not copied into the image, is not "
                "mounted, or is looked up relative to another working directory",
        why="""A multi-stage build that copies only the binary, a config mounted at another path
            than the one the program reads, or a relative path resolved against a different
            WORKDIR: `open config.yaml: no such file or directory`,
            `FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.toml'`
            (pitfalls D8, O15).""",
        fix="""copy the file into the final stage at the path the program reads (mind WORKDIR), or
            mount it there; prefer an absolute path given by a flag or variable""",
        bad=["2024/03/02 10:15:01 reading config: open config.yaml: no such file or directory",
             "FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.toml'"],
        good=["2024/03/02 10:15:01 reading config: open config.yaml: permission denied",
              "open /tmp/upload-1234: no such file or directory"]),
)

globals().update(rule_classes(SIGNATURES, __name__))
