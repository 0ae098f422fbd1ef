# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
"""Log signatures of Go programs, Gin and the Go toolchain (LG001-LG029), and of the failures
every server runtime shares (address in use, TLS trust, DNS, time zones)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from deploycheck.rules.logs._base import Category, Severity, rule_classes, sig, with_frame

C, S = Category, Severity
_LOOP = r"(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost)"


def _not_loopback(before: Sequence[str], line: str, after: Sequence[str],
                  groups: Mapping[str, str]) -> Mapping[str, str] | None:
    target = groups.get("target", "")
    host = target.rsplit(":", 1)[0].strip("[]")
    return None if host.startswith("127.") or host in ("::1", "localhost") else {}


SIGNATURES = (
    sig("LG001", "go-template-glob-no-files", C.BUILD, S.ERROR,
        "The Go program panics at start: its HTML templates are not in the image.",
        pattern=r"template: pattern matches no files: `(?P<glob>[^`]*)`",
        keywords=['pattern matches no files'],
        message="the program found no file matching its template pattern `{glob}` in the "
                "container's working directory, so it panics at start{frame_text}",
        after=40, refine=with_frame(" ({frame})"),
        why="""Gin's `LoadHTMLGlob("templates/*")` (and `template.ParseGlob`) resolve the pattern
            against the working directory at run time. A multi-stage build that copies only the
            binary, a `COPY templates/ ./` that flattens the folder, or a `WORKDIR` other than
            the one the relative path expects leaves nothing to match, and the program dies with
            ``panic: html/template: pattern matches no files: `templates/*` `` (pitfall D7;
            bscott/subtrackr#20, decred/vspd#315).""",
        fix="""copy the templates into the final stage where the program looks for them
            (`COPY --from=build /src/templates ./templates` with the same WORKDIR), or embed them
            with `//go:embed templates/*` and `LoadHTMLFS`""",
        bad=["panic: html/template: pattern matches no files: `templates/*`",
             "",
             "goroutine 1 [running]:",
             "html/template.Must(...)",
             "\t/usr/local/go/src/html/template/template.go:368",
             "github.com/gin-gonic/gin.(*Engine).LoadHTMLGlob(0xc000102ea0, {0x8d22c3, 0xb})",
             "\t/go/pkg/mod/github.com/gin-gonic/gin@v1.9.1/gin.go:251 +0x306",
             "main.main()",
             "\t/src/main.go:14 +0x75"],
        good=["[GIN-debug] Loaded HTML Templates (3): ",
              "\t- index.tmpl",
              "template: index.tmpl:3: function \"asset\" not defined"]),

    sig("LG002", "listen-address-in-use", C.BIND, S.ERROR,
        "The server cannot listen: another process already holds the address.",
        pattern=r"(?<!proxy: )listen tcp[46]? (?P<addr>\S+): bind: address already in use"
                r"|\[Errno 98\] (?:error while attempting to bind on address \((?P<addr__2>[^)]*)\)"
                r"|Address already in use)"
                r"|Connection in use: \((?P<addr__3>[^)]*)\)"
                r"|listen EADDRINUSE: address already in use (?P<addr__4>\S+)",
        keywords=['ddress already in use', 'Connection in use'],
        message="the server could not listen because the address is taken: a second server in "
                "the same container (or the host network) already holds it",
        why="""Only one socket may listen on an address. Inside a container this means two
            servers of the same image (a supervisor starting the app twice, gunicorn and a
            leftover `app.run()` at import, a `network_mode: host` container next to a host
            service). Go says `listen tcp :8080: bind: address already in use`, Python
            `[Errno 98] Address already in use`, gunicorn `Connection in use: ('0.0.0.0', 8000)`
            and Node `listen EADDRINUSE: address already in use :::3000` (pitfall P10). Docker's
            own `port is already allocated` for host ports is LG106.""",
        fix="""start one server per address: remove the second listener (an `app.run()` executed
            at import under gunicorn, a duplicated supervisor program), or give it another port;
            with host networking, free the port on the host""",
        bad=["2024/03/02 10:15:01 listen tcp :8080: bind: address already in use",
             "OSError: [Errno 98] Address already in use",
             "[2024-03-02 10:15:01 +0000] [1] [ERROR] Connection in use: ('0.0.0.0', 8000)"],
        good=["[GIN-debug] Listening and serving HTTP on :8080",
              "[2024-03-02 10:15:01 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)"]),

    sig("LG003", "listen-permission-denied", C.BIND, S.ERROR,
        "A non-root server may not listen on a port below 1024.",
        pattern=r"listen tcp[46]? (?P<addr>\S+): bind: permission denied"
                r"|\[Errno 13\] error while attempting to bind on address \((?P<addr__2>[^)]*)\)"
                r"|listen EACCES: permission denied (?P<addr__4>\S+)",
        keywords=['ermission denied'],
        message="the server may not listen on a privileged port (below 1024) as a non-root user",
        why="""Ports below 1024 need root or the `NET_BIND_SERVICE` capability. An image with
            `USER app` that listens on 80 works under plain Docker (which grants the capability
            and sets `net.ipv4.ip_unprivileged_port_start=0` on recent engines) and fails under
            Kubernetes with `runAsNonRoot` or dropped capabilities:
            `listen tcp :80: bind: permission denied` (pitfall O7; cfpb/consumerfinance.gov#8776).""",
        fix="""listen on a port of 1024 or above (8080) and map the public port to it (Service
            `port: 80, targetPort: 8080`), or grant `NET_BIND_SERVICE`""",
        bad=["2024/03/02 10:15:01 listen tcp :80: bind: permission denied",
             "ERROR:    [Errno 13] error while attempting to bind on address ('0.0.0.0', 80): permission denied"],
        good=["2024/03/02 10:15:01 listening on :8080",
              "open /data/cache.db: permission denied"]),

    sig("LG004", "tls-unknown-authority", C.TLS, S.ERROR,
        "Outbound HTTPS fails: the image has no CA certificates (or the server's CA is private).",
        pattern=r"x509: certificate signed by unknown authority"
                r"|CERTIFICATE_VERIFY_FAILED\] certificate verify failed: unable to get local issuer certificate"
                r"|unable to get local issuer certificate",
        keywords=['x509: certificate signed by unknown authority', 'unable to get local issuer certificate'],
        message="an outbound TLS connection failed: the certificate's issuer is not in the trust "
                "store of the image",
        why="""`FROM scratch` (and distroless/static without the CA layer, or slim images without
            `ca-certificates`) have no `/etc/ssl/certs/ca-certificates.crt`, so every HTTPS call
            (payment APIs, OAuth, S3) fails with `x509: certificate signed by unknown authority`;
            Python says `CERTIFICATE_VERIFY_FAILED ... unable to get local issuer certificate`
            (pitfall D4; harshavardhana/s3www#7, docker-library/golang#96). A private CA gives the
            same message.""",
        fix="""copy the CA bundle into the final stage
            (`COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/`), install
            `ca-certificates`, or base the image on `distroless/static`; for a private CA, add it
            to the bundle""",
        bad=['Post "https://api.stripe.com/v1/charges": tls: failed to verify certificate: '
             'x509: certificate signed by unknown authority',
             "requests.exceptions.SSLError: HTTPSConnectionPool(host='api.github.com', port=443): "
             "Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError(1, "
             "'[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer "
             "certificate (_ssl.c:1006)')))"],
        good=['Post "https://api.stripe.com/v1/charges": context deadline exceeded',
              "x509: certificate has expired or is not yet valid"]),

    sig("LG005", "tls-no-system-roots", C.TLS, S.ERROR,
        "Go found no CA certificates at all in the image.",
        pattern=r"x509: failed to load system roots and no roots provided",
        keywords=['failed to load system roots'],
        message="the Go program found no system CA certificates in the image, so no HTTPS "
                "connection can be verified",
        why="""Go reads the trust store from `/etc/ssl/certs` and a few other paths; `FROM scratch`
            has none of them, and older Go versions say so directly:
            `x509: failed to load system roots and no roots provided` (pitfall D4;
            docker-library/golang#96).""",
        fix="""copy `/etc/ssl/certs/ca-certificates.crt` from the build stage into the final
            image, or use `distroless/static`, which ships it""",
        bad=['Get "https://oauth2.googleapis.com/token": x509: failed to load system roots and no roots provided'],
        good=['Get "https://oauth2.googleapis.com/token": dial tcp: i/o timeout']),

    sig("LG006", "tls-hostname-mismatch", C.TLS, S.ERROR,
        "The server's certificate is not valid for the name the client used.",
        pattern=r"x509: certificate is valid for (?P<names>.+?), not (?P<host>[^\s\"',)]+)"
                r"|Hostname mismatch, certificate is not valid for '(?P<host__2>[^']+)'"
                r"|hostname '(?P<host__3>[^']+)' doesn't match",
        keywords=['x509: certificate is valid for', 'Hostname mismatch'],
        key="host",
        message="a TLS connection failed: the certificate does not name the host the client "
                "dialled",
        why="""Inside a compose network the client dials `https://api:8443`, but the certificate
            names `api.example.com`; or an internal call goes through an IP address. Go says
            `x509: certificate is valid for api.example.com, not api`, Python
            `Hostname mismatch, certificate is not valid for 'api'` (pitfall T5/T8 family).""",
        fix="""dial the name the certificate holds (or add the internal name to its SANs); do not
            turn verification off""",
        bad=['Get "https://api:8443/v1": x509: certificate is valid for api.example.com, not api'],
        good=['Get "https://api.example.com/v1": EOF',
              "server certificate is valid for api.example.com until 2025-01-01"]),

    sig("LG007", "tls-certificate-expired", C.TLS, S.ERROR,
        "A TLS certificate has expired (or the container's clock is wrong).",
        pattern=r"x509: certificate has expired or is not yet valid"
                r"|certificate verify failed: certificate has expired"
                r"|CERT_HAS_EXPIRED",
        keywords=['certificate has expired'],
        message="a TLS connection failed: the peer's certificate is outside its validity period",
        why="""The peer serves an expired certificate (a renewal job that never reloaded nginx,
            a pinned test certificate), or the machine's clock is far off. Go says
            `x509: certificate has expired or is not yet valid: current time ... is after ...`
            (pitfall T5 family).""",
        fix="""renew the certificate and reload the server that presents it; check the host's
            clock (NTP) when the certificate looks valid""",
        bad=['Get "https://auth.internal/keys": x509: certificate has expired or is not yet valid: '
             'current time 2024-03-02T10:15:01Z is after 2024-02-28T23:59:59Z'],
        good=["certificate renewed, valid until 2024-06-01"]),

    sig("LG008", "unknown-time-zone", C.BUILD, S.ERROR,
        "The program loads a time zone, but the image has no zoneinfo database.",
        pattern=r"unknown time zone (?P<zone>[\w/+-]+)"
                r"|No time zone found with key (?P<zone__2>[\w/+-]+)"
                r"|UnknownTimeZoneError: '(?P<zone__3>[\w/+-]+)'",
        keywords=['unknown time zone', 'No time zone found', 'UnknownTimeZoneError'],
        message="the program could not load a time zone: the image has no IANA zoneinfo database",
        why="""`time.LoadLocation("Europe/Paris")` (and `TZ=Europe/Paris`) read
            `/usr/share/zoneinfo`, which scratch, distroless/static and alpine lack: Go fails with
            `unknown time zone Europe/Paris`, Python's zoneinfo with
            `ZoneInfoNotFoundError: 'No time zone found with key Europe/Paris'`. Some programs
            silently fall back to UTC instead (pitfall D5; checkmarble/marble-backend#502).""",
        fix="""add the zoneinfo database: `import _ "time/tzdata"` (or `-tags timetzdata`) in Go,
            `COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo`, `apk add tzdata`, or the
            `tzdata` Python package""",
        bad=["2024/03/02 10:15:01 loading time zone: unknown time zone Europe/Paris",
             "zoneinfo._common.ZoneInfoNotFoundError: 'No time zone found with key Europe/Paris'"],
        good=["2024/03/02 10:15:01 using time zone Europe/Paris",
              "time zone set to UTC"]),

    sig("LG009", "go-dial-loopback-refused", C.DEPENDENCY, S.ERROR,
        "The Go program dials a dependency on localhost, which inside a container is itself.",
        pattern=r"dial tcp (?P<target>" + _LOOP + r":\d+): connect: connection refused",
        keywords=['onnection refused'],
        key="target",
        message="the program dials {target}, but inside a container 127.0.0.1 and localhost are "
                "the container itself, not the database or service it needs; nothing listens "
                "there, so the connection is refused",
        why="""Each container has its own network namespace: `localhost:5432` is the app's own
            container, where no database runs. The value usually comes from a `.env` written for
            running on the host (`DB_HOST=localhost`) or a default in the code:
            `dial tcp 127.0.0.1:5432: connect: connection refused` (pitfall O11;
            laradock/laradock#526, cookiecutter/cookiecutter-django#2767).""",
        fix="""address the dependency by its compose service name or Kubernetes Service
            (`db:5432`), through the variable the app reads (`DB_HOST=db`)""",
        bad=["2024/03/02 10:15:01 waiting for database: dial tcp 127.0.0.1:5432: connect: connection refused",
             'failed to connect to `host=localhost user=app database=app`: dial error '
             '(dial tcp [::1]:5432: connect: connection refused)'],
        good=["2024/03/02 10:15:01 dial tcp 172.18.0.3:5432: connect: connection refused",
              "2024/03/02 10:15:04 connected to postgres at db:5432"]),

    sig("LG010", "dns-no-such-host", C.DEPENDENCY, S.ERROR,
        "A host name does not resolve: the service is not on the container's network.",
        pattern=r"lookup (?P<host>[\w.-]+)(?: on (?P<resolver>[\w.:\[\]]+))?: (?:no such host|server misbehaving)"
                r"|could not translate host name \"(?P<host__2>[^\"]+)\" to address"
                r"|getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (?P<host__3>[\w.-]+)"
                r"|\[Errno -[23]\] (?:Name or service not known|Temporary failure in name resolution)",
        keywords=['no such host', 'Name or service not known', 'name resolution', 'getaddrinfo E'],
        message="the program could not resolve a host name; on Docker's embedded DNS "
                "(127.0.0.11) that means no container of that name is on this container's networks",
        why="""Docker's embedded DNS (127.0.0.11) answers only names of containers on the same
            user-defined networks: a typo in the service name, a dependency in another compose
            project, a container on the default `bridge` network (no DNS) or a Kubernetes Service
            in another namespace give `lookup db on 127.0.0.11:53: no such host`, libpq's
            `could not translate host name "db" to address` or Node's `getaddrinfo ENOTFOUND db`
            (pitfall P11 family).""",
        fix="""use the exact service name (or alias) and put both containers on one user-defined
            network (compose does this per project; join other projects through an external
            network); in Kubernetes use `name.namespace.svc`""",
        bad=["2024/03/02 10:15:01 dial tcp: lookup db on 127.0.0.11:53: no such host",
             'psycopg2.OperationalError: could not translate host name "postgres" to address: '
             'Name or service not known'],
        good=["2024/03/02 10:15:01 resolved db to 172.18.0.3",
              "2024/03/02 10:15:01 lookup cache hit for db"]),

    sig("LG011", "dial-timeout", C.DEPENDENCY, S.WARNING,
        "Connections to a dependency time out: a firewall, a network policy or a wrong address.",
        pattern=r"dial tcp (?P<target>[\w.\-\[\]:]+:\d+): (?:i/o timeout|connect: connection timed out)"
                r"|connect ETIMEDOUT (?P<target__2>[\w.:\[\]]+)",
        keywords=['i/o timeout', 'connection timed out', 'connect ETIMEDOUT'],
        key="target",
        message="connecting to {target} timed out: packets are dropped on the way (a firewall, a "
                "network policy, an address on no reachable network)",
        why="""A refused connection means the host answered; a timeout means nothing answered at
            all: an IP from another network, a Kubernetes NetworkPolicy, a security group or a
            host firewall dropping the SYN. Go says `dial tcp 10.0.3.7:5432: i/o timeout`, Node
            `connect ETIMEDOUT` (pitfall P8 family).""",
        fix="""check that the address is the service's current one (use its DNS name, not an IP),
            that both ends share a network, and that no policy drops the traffic""",
        bad=["2024/03/02 10:15:01 dial tcp 10.0.3.7:5432: i/o timeout"],
        good=["2024/03/02 10:15:01 request timeout set to 5s"]),

    sig("LG012", "go-mod-requires-newer-go", C.BUILD, S.ERROR,
        "The build image's Go is older than the version go.mod requires.",
        pattern=r"go\.mod requires go >= (?P<want>[\w.]+) \(running go (?P<have>[\w.]+)"
                r"|note: module requires Go (?P<want__2>[\d.]+)"
                r"|invalid go version '(?P<want__3>[\d.]+)': must match format",
        keywords=['go.mod requires go', 'module requires Go', 'invalid go version'],
        message="the Go toolchain of the build image is older than the version go.mod asks for, "
                "and GOTOOLCHAIN=local forbids downloading a newer one",
        why="""The official golang images set `GOTOOLCHAIN=local`. When go.mod says `go 1.24`
            (often bumped by a dependency update) and the Dockerfile builds `FROM golang:1.23`,
            the build stops with `go: go.mod requires go >= 1.24.0 (running go 1.23.8;
            GOTOOLCHAIN=local)`, while CI with setup-go passes (pitfall O3;
            templui/templui-quickstart#7).""",
        fix="""build with a golang image at least as new as go.mod's `go` line (derive the tag
            from go.mod), or set `ENV GOTOOLCHAIN=auto` in the build stage""",
        bad=["#12 0.532 go: go.mod requires go >= 1.24.0 (running go 1.23.8; GOTOOLCHAIN=local)"],
        good=["#12 0.532 go: downloading github.com/gin-gonic/gin v1.10.0"]),

    sig("LG013", "gin-debug-mode", C.CONFIG, S.WARNING,
        "Gin runs in debug mode in a deployed container.",
        pattern=r"\[GIN-debug\] \[WARNING\] Running in \"debug\" mode",
        keywords=['[GIN-debug] [WARNING]'],
        message="Gin runs in debug mode: it logs every route at start, prints debug warnings and "
                "is slower; GIN_MODE=release is not set where the process runs",
        why="""Gin starts in debug mode unless `GIN_MODE=release` is in the *runtime* environment
            or `gin.SetMode(gin.ReleaseMode)` runs before the engine is created. A build-time
            `ARG GIN_MODE` has no effect: `[GIN-debug] [WARNING] Running in "debug" mode.
            Switch to "release" mode in production.` (pitfall L3; ollama/ollama#8339).""",
        fix="""set `ENV GIN_MODE=release` in the final stage (or in compose/Kubernetes env), or call
            `gin.SetMode(gin.ReleaseMode)` before `gin.New()`/`gin.Default()`""",
        bad=['[GIN-debug] [WARNING] Running in "debug" mode. Switch to "release" mode in production.',
             " - using env:\texport GIN_MODE=release",
             " - using code:\tgin.SetMode(gin.ReleaseMode)"],
        good=["[GIN] 2024/03/02 - 10:15:01 | 200 |     1.2ms |      172.18.0.1 | GET      \"/healthz\""]),

    sig("LG014", "gin-trusts-all-proxies", C.SECURITY, S.WARNING,
        "Gin trusts X-Forwarded-For from any client: client IPs can be spoofed.",
        pattern=r"\[GIN-debug\] \[WARNING\] You trusted all proxies, this is NOT safe",
        keywords=['[GIN-debug] [WARNING]'],
        message="Gin trusts every proxy, so `c.ClientIP()` believes any client's X-Forwarded-For "
                "header (IP rate limits and allow-lists can be bypassed)",
        why="""Without `SetTrustedProxies`, Gin takes the client IP from `X-Forwarded-For` sent by
            anyone. It warns only in debug mode: `[GIN-debug] [WARNING] You trusted all proxies,
            this is NOT safe. We recommend you to set a value.` (pitfall T4; gin-gonic/gin#2809).""",
        fix="""call `r.SetTrustedProxies([]string{"<proxy CIDR>"})` with the reverse proxy's
            network, or `r.SetTrustedProxies(nil)` when nothing proxies the app""",
        bad=["[GIN-debug] [WARNING] You trusted all proxies, this is NOT safe. We recommend you to set a value.",
             "Please check https://pkg.go.dev/github.com/gin-gonic/gin#readme-don-t-trust-all-proxies for details."],
        good=["[GIN-debug] Listening and serving HTTP on :8080"]),

    sig("LG015", "go-panic", C.HEALTH, S.ERROR,
        "The Go program panicked; the finding names the first frame in the program's own code.",
        pattern=r"^panic: (?P<reason>.+)",
        keywords=['panic: '],
        fallback=True, after=60, refine=with_frame("; the first frame in the program's own code is {frame}"),
        message="the program panicked: {reason}{frame_text}",
        why="""A panic that nothing recovers ends the process with exit code 2 and a goroutine
            trace. The first frames are usually the runtime, the standard library and
            dependencies; the first frame of the program's own code (`main.main()` and
            `/src/main.go:14`) is where to look. Panics with a known cause (missing templates,
            LG001) are reported by their own signature.""",
        fix="""read the panic message and fix the code or configuration at the frame named;
            check errors instead of using `Must`-style helpers on values that come from the
            environment""",
        bad=["panic: runtime error: invalid memory address or nil pointer dereference",
             "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6b2c3a]",
             "",
             "goroutine 1 [running]:",
             "database/sql.(*DB).conn(0x0, {0x9a2b40, 0xc00001e0a0}, 0x1)",
             "\t/usr/local/go/src/database/sql/sql.go:1300 +0x3a",
             "github.com/acme/shop/internal/store.(*Store).Ping(...)",
             "\t/src/internal/store/store.go:42",
             "main.main()",
             "\t/src/cmd/api/main.go:31 +0x1c5"],
        good=["2024/03/02 10:15:01 recovered from panic in handler: boom",
              "[Recovery] 2024/03/02 - 10:15:01 panic recovered:"]),

    sig("LG016", "gin-listening-on-loopback", C.BIND, S.ERROR,
        "Gin listens on localhost only: the published port reaches nothing.",
        pattern=r"\[GIN-debug\] Listening and serving HTTPS? on (?P<addr>" + _LOOP + r":\d+)",
        keywords=['Listening and serving HTTP'],
        message="Gin listens on {addr}, the container's loopback only: connections through a "
                "published port or a Service arrive on the container's network interface and "
                "find nothing (reset or refused)",
        why="""Docker forwards a published port to the container's eth0 address, Kubernetes sends
            Service traffic to the pod IP; a server bound to 127.0.0.1 never sees either. Gin
            prints `[GIN-debug] Listening and serving HTTP on localhost:8080` for
            `r.Run("localhost:8080")` or `ADDR=127.0.0.1:8080` (pitfall P4;
            matryer/goblueprints#40).""",
        fix="""listen on all interfaces: `r.Run(":8080")` or `0.0.0.0:8080` (keep the port
            configurable through PORT)""",
        bad=["[GIN-debug] Listening and serving HTTP on localhost:8080",
             "[GIN-debug] Listening and serving HTTP on 127.0.0.1:8080"],
        good=["[GIN-debug] Listening and serving HTTP on :8080",
              "[GIN-debug] Listening and serving HTTP on 0.0.0.0:8080"]),

    sig("LG017", "go-sqlite3-cgo-stub", C.BUILD, S.ERROR,
        "go-sqlite3 was built with CGO_ENABLED=0 and is only a stub.",
        pattern=r"Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work",
        keywords=['go-sqlite3 requires cgo'],
        message="the binary was built with CGO_ENABLED=0, so the go-sqlite3 driver is a stub "
                "that fails every call",
        why="""`github.com/mattn/go-sqlite3` is C code; a static `CGO_ENABLED=0` build (what a
            scratch image needs) links a stub that answers `Binary was compiled with
            'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub` (pitfall D3;
            owncast/owncast#60).""",
        fix="""use a pure-Go driver (`modernc.org/sqlite`, `github.com/glebarez/sqlite`), or build
            with CGO_ENABLED=1 and run on a base image with the same libc""",
        bad=["2024/03/02 10:15:01 failed to initialize database, got error Binary was compiled with "
             "'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub"],
        good=["2024/03/02 10:15:01 opened sqlite database /data/app.db"]),

    sig("LG018", "go-user-current-needs-cgo", C.BUILD, S.ERROR,
        "os/user cannot find the current user in a static binary on scratch.",
        pattern=r"user: Current requires cgo or \$(?:USER|HOME) set in environment"
                r"|user: unknown userid (?P<uid>\d+)",
        keywords=['user: Current requires cgo'],
        message="`user.Current()` failed: a static binary reads /etc/passwd or $USER/$HOME, and "
                "the image has neither",
        why="""Without cgo, `os/user` parses `/etc/passwd`; scratch has no such file and usually
            no `$USER`, so `user.Current()` returns `user: Current requires cgo or $USER set in
            environment` (pitfall D6; digitalocean/doctl#734).""",
        fix="""set `USER`/`HOME` in the image, copy an `/etc/passwd` holding the runtime user into
            the final stage, or use `os.UserHomeDir()`""",
        bad=["2024/03/02 10:15:01 cannot determine home directory: user: Current requires cgo or $USER set in environment"],
        good=["2024/03/02 10:15:01 running as user app (uid 10001)"]),

    sig("LG019", "go-out-of-memory", C.RESOURCES, S.ERROR,
        "The Go runtime could not allocate memory and aborted.",
        pattern=r"fatal error: runtime: out of memory|runtime: out of memory: cannot allocate",
        keywords=['runtime: out of memory'],
        message="the Go runtime ran out of memory and aborted (a limit, or an allocation larger "
                "than the machine)",
        why="""`fatal error: runtime: out of memory` means an allocation failed outright (a
            memory limit with swap off, `ulimit -v`, a huge allocation). Without GOMEMLIMIT the
            garbage collector does not know the container's limit and lets the heap grow past it
            (pitfalls R2, R3).""",
        fix="""raise the container's memory limit or reduce the working set; set `GOMEMLIMIT` to
            about 90 % of the limit so the GC works harder before the limit is hit""",
        bad=["fatal error: runtime: out of memory",
             "",
             "runtime stack:",
             "runtime.throw({0x8c1a3b?, 0x4000000?})"],
        good=["2024/03/02 10:15:01 memory usage 120 MiB of 512 MiB"]),

    sig("LG020", "tls-http-to-https-port", C.TLS, S.WARNING,
        "Clients speak plain HTTP to the program's TLS port.",
        pattern=r"http: TLS handshake error from (?P<client>\S+): client sent an HTTP request to an HTTPS server",
        keywords=['client sent an HTTP request to an HTTPS server'],
        message="clients send plain HTTP to a port where the program expects TLS (a proxy or a "
                "probe with the wrong scheme)",
        why="""The program serves TLS itself (`RunTLS`, `ListenAndServeTLS`) while the reverse
            proxy, load balancer or health probe sends `http://`: Go logs `http: TLS handshake
            error from 10.0.0.5:51234: client sent an HTTP request to an HTTPS server` and the
            client gets a 400 or a reset (pitfall T1 family).""",
        fix="""make the proxy or probe use `https://` (nginx `proxy_pass https://...`, probe
            `scheme: HTTPS`), or terminate TLS at the proxy and let the app serve plain HTTP""",
        bad=["2024/03/02 10:15:01 http: TLS handshake error from 10.0.0.5:51234: client sent an HTTP request to an HTTPS server"],
        good=["2024/03/02 10:15:01 http: TLS handshake error from 10.0.0.5:51234: EOF"]),

    sig("LG021", "https-to-http-server", C.TLS, S.ERROR,
        "The program speaks HTTPS to a server that answers plain HTTP.",
        pattern=r"http: server gave HTTP response to HTTPS client"
                r"|\[SSL: WRONG_VERSION_NUMBER\] wrong version number",
        keywords=['server gave HTTP response to HTTPS client', 'wrong version number'],
        message="the program opened a TLS connection to a server that speaks plain HTTP (an "
                "`https://` URL for an internal HTTP port)",
        why="""An `https://api:8080` URL for a service that serves plain HTTP inside the network
            (TLS ends at the edge proxy) fails with Go's `http: server gave HTTP response to HTTPS
            client` or Python's `[SSL: WRONG_VERSION_NUMBER] wrong version number`.""",
        fix="""use `http://` for the internal address, or the TLS port of the service""",
        bad=['Get "https://api:8080/v1/items": http: server gave HTTP response to HTTPS client'],
        good=['Get "http://api:8080/v1/items": 200 OK']),

    sig("LG022", "go-missing-go-sum-entry", C.BUILD, S.ERROR,
        "The build fails: go.sum lacks an entry (go.sum not copied or not tidy).",
        pattern=r"missing go\.sum entry for module providing package (?P<pkg>\S+)"
                r"|missing go\.sum entry for (?:go\.mod file; )?(?P<pkg__2>\S+)",
        keywords=['missing go.sum entry'],
        message="the Go build stopped: go.sum has no checksum for a module the code imports",
        why="""`COPY go.mod ./` without `go.sum`, a `.dockerignore` that drops go.sum, or a go.sum
            not updated after adding an import: `missing go.sum entry for module providing package
            github.com/gin-gonic/gin` (see DC5xx go.sum rules).""",
        fix="""run `go mod tidy` and commit go.sum; copy it with go.mod (`COPY go.mod go.sum ./`)""",
        bad=["#10 1.204 main.go:6:2: missing go.sum entry for module providing package "
             "github.com/gin-gonic/gin (imported by example.com/api); to add:"],
        good=["#10 1.204 go: downloading github.com/gin-gonic/gin v1.10.0"]),

    sig("LG023", "go-cgo-compiler-missing", C.BUILD, S.ERROR,
        "cgo is on, but the build image has no C compiler.",
        pattern=r"cgo: C compiler \"(?P<cc>[^\"]+)\" not found"
                r"|exec: \"(?P<cc__2>gcc|cc|clang)\": executable file not found in \$PATH",
        keywords=['cgo: C compiler'],
        message="the build needs cgo but the build image has no C compiler",
        why="""A dependency with C code (go-sqlite3, confluent-kafka-go) or CGO_ENABLED=1 on
            `golang:alpine`, which ships no gcc: `cgo: C compiler "gcc" not found: exec: "gcc":
            executable file not found in $PATH` (pitfall D10; docker-library/golang#86).""",
        fix="""install the toolchain in the build stage (`apk add build-base`), or build with
            CGO_ENABLED=0 and pure-Go dependencies""",
        bad=['#9 3.112 # runtime/cgo', '#9 3.112 cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH'],
        good=["#9 3.112 # runtime/cgo", "#9 4.001 built /out/server"]),

    sig("LG024", "dependency-refused", C.STARTUP_ORDER, S.WARNING,
        "A dependency refuses connections: it is not up yet, or listens elsewhere.",
        pattern=r"dial tcp (?P<target>[\w.\-\[\]:]+:\d+): connect: connection refused"
                r"|connection to server at \"(?P<target__2>[^\"]+)\" \([^)]+\), port (?P<port>\d+) failed: Connection refused"
                r"|connect ECONNREFUSED (?P<target__3>[\w.:\[\]]+:\d+)",
        keywords=['onnection refused', 'connect ECONNREFUSED'],
        key="target", fallback=True, refine=_not_loopback,
        message="connections to {target} are refused: the dependency is not listening yet (started "
                "but not ready) or listens on another port",
        why="""`depends_on` waits only for a container to *start*, not for its server to accept
            connections, so an app that connects once at boot fails with `dial tcp
            172.18.0.3:5432: connect: connection refused` (or libpq's `connection to server at
            "db" (172.18.0.3), port 5432 failed: Connection refused`) and exits or restarts
            (pitfall O1; docker-library/postgres#256). The same message for the whole run means
            the dependency listens on another port or interface.""",
        fix="""give the dependency a healthcheck and use `depends_on: {db: {condition:
            service_healthy}}`; retry with backoff in the app; if it never works, check the port
            the dependency really listens on""",
        bad=["2024/03/02 10:15:01 dial tcp 172.18.0.3:5432: connect: connection refused",
             'psycopg2.OperationalError: connection to server at "db" (172.18.0.3), port 5432 failed: '
             'Connection refused'],
        good=["2024/03/02 10:15:01 dial tcp 127.0.0.1:5432: connect: connection refused",
              "2024/03/02 10:15:03 connected to db:5432"]),
)

globals().update(rule_classes(SIGNATURES, __name__))
