# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
"""Log signatures of nginx as a reverse proxy: upstreams, certificates, listeners, limits, and
the 413/502/504 patterns of its access log (LG060-LG079)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from deploycheck.rules.logs._base import Category, Severity, rule_classes, sig

C, S = Category, Severity
_LOOP_URL = r"https?://(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost)(?::\d+)?"


def _upstream_not_loopback(before: Sequence[str], line: str, after: Sequence[str],
                           groups: Mapping[str, str]) -> Mapping[str, str] | None:
    host = groups.get("upstream", "").split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
    return None if host.startswith("127.") or host in ("[::1]", "localhost") else {}


SIGNATURES = (
    sig("LG060", "nginx-upstream-host-not-found", C.DEPENDENCY, S.ERROR,
        "nginx cannot resolve an upstream name at start-up and exits.",
        pattern=r"host not found in upstream \"(?P<upstream>[^\"]+)\"",
        keywords=['host not found in upstream'],
        key="upstream",
        message="nginx could not resolve the upstream `{upstream}` when it loaded its "
                "configuration, so it refused to start",
        why="""nginx resolves `proxy_pass http://app:8000` once, at start-up. If the app container
            is not up yet, not on nginx's network, or named differently, nginx stops with
            `[emerg] 1#1: host not found in upstream "app:8000" in /etc/nginx/conf.d/default.conf:12`
            (pitfall P11; nginx/docker-nginx#450).""",
        fix="""use the compose service name on a network both containers share, start nginx after
            the app (`depends_on` with a healthcheck), or resolve at request time with
            `resolver 127.0.0.11 valid=10s;` and a variable in `proxy_pass`""",
        bad=['2024/03/02 10:15:01 [emerg] 1#1: host not found in upstream "app:8000" in '
             "/etc/nginx/conf.d/default.conf:12",
             "nginx: [emerg] host not found in upstream \"app:8000\" in /etc/nginx/conf.d/default.conf:12"],
        good=["2024/03/02 10:15:01 [notice] 1#1: start worker processes"]),

    sig("LG061", "nginx-upstream-loopback-refused", C.ROUTING, S.ERROR,
        "nginx proxies to 127.0.0.1 — its own container, where the app does not run.",
        pattern=r"connect\(\) failed \(111: Connection refused\) while connecting to upstream.*?"
                r"upstream: \"(?P<upstream>" + _LOOP_URL + r")",
        keywords=['while connecting to upstream'],
        key="upstream",
        message="nginx proxies to {upstream}: 127.0.0.1 inside the nginx container is nginx "
                "itself, not the app, so every proxied request gets 502 Bad Gateway",
        why="""A configuration written for one host (`proxy_pass http://127.0.0.1:8000;`) moved
            into its own container: loopback is now nginx's own network namespace, and nginx logs
            `connect() failed (111: Connection refused) while connecting to upstream, ...
            upstream: "http://127.0.0.1:8000/"` for every request (pitfall P11;
            nginx/docker-nginx#450, DanielDent/docker-nginx-ssl-proxy#37).""",
        fix="""proxy to the app's service name and real port (`proxy_pass http://app:8000;`)""",
        bad=['2024/03/02 10:15:01 [error] 29#29: *1 connect() failed (111: Connection refused) while '
             'connecting to upstream, client: 172.18.0.1, server: _, request: "GET / HTTP/1.1", '
             'upstream: "http://127.0.0.1:8000/", host: "localhost"'],
        good=['2024/03/02 10:15:01 [error] 29#29: *1 connect() failed (111: Connection refused) while '
              'connecting to upstream, client: 172.18.0.1, server: _, request: "GET / HTTP/1.1", '
              'upstream: "http://172.18.0.3:8000/", host: "localhost"']),

    sig("LG062", "nginx-upstream-refused", C.ROUTING, S.ERROR,
        "nginx's upstream refuses connections: the app is down, or listens on another port or on "
        "loopback.",
        pattern=r"connect\(\) failed \(111: Connection refused\) while connecting to upstream.*?"
                r"upstream: \"(?P<upstream>[^\"]+)\"",
        keywords=['while connecting to upstream'],
        key="upstream", refine=_upstream_not_loopback,
        message="nginx's upstream {upstream} refuses connections (502 Bad Gateway): the app is not "
                "running, listens on another port, or listens on its own 127.0.0.1 only",
        why="""`connect() failed (111: Connection refused) while connecting to upstream` names the
            address nginx tried: the container is up (its IP answered) but nothing listens on that
            port of its network interface: the app crashed or is restarting, `proxy_pass` names
            the wrong port, or the app binds 127.0.0.1 (pitfalls P11, P4, P6).""",
        fix="""check the app's container (`deploycheck containers`), that it listens on 0.0.0.0,
            and that `proxy_pass` uses the port the app really listens on""",
        bad=['2024/03/02 10:15:01 [error] 29#29: *7 connect() failed (111: Connection refused) while '
             'connecting to upstream, client: 172.18.0.1, server: _, request: "GET /api/ HTTP/1.1", '
             'upstream: "http://172.18.0.3:8000/api/", host: "localhost"'],
        good=['2024/03/02 10:15:01 [error] 29#29: *1 connect() failed (111: Connection refused) while '
              'connecting to upstream, client: 172.18.0.1, server: _, request: "GET / HTTP/1.1", '
              'upstream: "http://127.0.0.1:8000/", host: "localhost"']),

    sig("LG063", "nginx-upstream-timeout", C.ROUTING, S.WARNING,
        "nginx gave up waiting for its upstream (504 Gateway Timeout).",
        pattern=r"upstream timed out \(110: (?:Connection|Operation) timed out\) while "
                r"(?P<phase>connecting to upstream|reading response header from upstream|reading upstream)"
                r"(?:.*?upstream: \"(?P<upstream>[^\"]+)\")?",
        keywords=['upstream timed out'],
        key="phase",
        message="nginx timed out {phase} (504 Gateway Timeout): the app is too slow for "
                "`proxy_read_timeout` (60 s), or connections to it are dropped",
        why="""While connecting: the upstream address is unreachable (wrong network, a stale IP
            nginx resolved at start-up). While reading the response header: the app takes longer
            than `proxy_read_timeout` (60 s by default), often because its workers are all busy:
            `upstream timed out (110: Connection timed out) while reading response header from
            upstream`.""",
        fix="""for slow requests raise `proxy_read_timeout` or make the work asynchronous; add
            workers; for connect timeouts check that nginx reaches the app's network and
            re-resolves names (`resolver` + variable)""",
        bad=['2024/03/02 10:16:01 [error] 29#29: *9 upstream timed out (110: Connection timed out) while '
             'reading response header from upstream, client: 172.18.0.1, server: _, request: '
             '"POST /report HTTP/1.1", upstream: "http://172.18.0.3:8000/report", host: "localhost"'],
        good=['2024/03/02 10:16:01 [info] 29#29: *9 client timed out (110: Connection timed out) while '
              'waiting for request, client: 172.18.0.1, server: 0.0.0.0:80']),

    sig("LG064", "nginx-upstream-reset", C.HEALTH, S.WARNING,
        "The upstream closed or reset the connection before answering (502).",
        pattern=r"upstream prematurely closed connection while reading response header from upstream"
                r"|recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream",
        keywords=['upstream prematurely closed', 'reset by peer) while reading response header from upstream'],
        message="the upstream dropped the connection before sending a response (502): a worker "
                "crashed or was killed mid-request, or a keep-alive connection expired",
        why="""A worker killed by gunicorn's timeout or the OOM killer, an app that crashes on
            some requests, or an upstream keep-alive shorter than nginx's:
            `upstream prematurely closed connection while reading response header from upstream`
            (pitfalls R4, R5).""",
        fix="""look in the app's log at the same time (WORKER TIMEOUT, SIGKILL, tracebacks); give
            the app enough memory and workers; align keep-alive timeouts""",
        bad=['2024/03/02 10:16:01 [error] 29#29: *11 upstream prematurely closed connection while '
             'reading response header from upstream, client: 172.18.0.1, server: _, request: '
             '"GET /export HTTP/1.1", upstream: "http://172.18.0.3:8000/export", host: "localhost"'],
        good=['2024/03/02 10:16:01 [info] 29#29: *11 client prematurely closed connection while '
              'reading client request body']),

    sig("LG065", "nginx-no-live-upstreams", C.HEALTH, S.ERROR,
        "Every server of an nginx upstream group is marked down.",
        pattern=r"no live upstreams while connecting to upstream",
        keywords=['no live upstreams'],
        message="nginx marked every server of the upstream group as failed and answers 502 "
                "without trying",
        why="""After `max_fails` failures within `fail_timeout`, nginx stops sending traffic to a
            server; when all are down it logs `no live upstreams while connecting to upstream`.
            The first failures (refused, timeouts) earlier in the log are the cause.""",
        fix="""fix the upstream's earlier failures (see the refused or timed-out lines before
            this one); add servers or tune `max_fails`/`fail_timeout`""",
        bad=['2024/03/02 10:16:01 [error] 29#29: *12 no live upstreams while connecting to upstream, '
             'client: 172.18.0.1, server: _, request: "GET / HTTP/1.1", upstream: "http://backend/"'],
        good=["2024/03/02 10:16:01 [notice] 29#29: signal process started"]),

    sig("LG066", "nginx-ssl-certificate-undefined", C.TLS, S.ERROR,
        "An nginx `listen ... ssl` server has no certificate.",
        pattern=r"no \"ssl_certificate\" is defined (?:for the \"listen \.\.\. ssl\" directive|in server "
                r"listening on SSL port)",
        keywords=['no "ssl_certificate" is defined'],
        message="nginx has a `listen ... ssl` server block without `ssl_certificate`: it refuses to "
                "start (or fails every TLS handshake on that port)",
        why="""A `listen 443 ssl;` whose server block (or the `http` block) has no
            `ssl_certificate`/`ssl_certificate_key`, often because an include with the
            certificate paths was not mounted: `[emerg] no "ssl_certificate" is defined for the
            "listen ... ssl" directive in /etc/nginx/conf.d/default.conf:3`.""",
        fix="""add `ssl_certificate` and `ssl_certificate_key` (full chain and key) to the server
            block, and mount the files""",
        bad=['2024/03/02 10:15:01 [emerg] 1#1: no "ssl_certificate" is defined for the "listen ... ssl" '
             "directive in /etc/nginx/conf.d/default.conf:3"],
        good=["2024/03/02 10:15:01 [notice] 1#1: using the \"epoll\" event method"]),

    sig("LG067", "nginx-certificate-load-failed", C.TLS, S.ERROR,
        "nginx cannot read a certificate or key file.",
        pattern=r"cannot load certificate(?: key)? \"(?P<file>[^\"]+)\"",
        keywords=['cannot load certificate'],
        key="file",
        message="nginx cannot load `{file}` (not mounted, wrong path, or wrong permissions), so it "
                "does not start",
        why="""The certificate path in the configuration does not exist in the container (a
            volume not mounted, a Let's Encrypt `live/` symlink whose target `archive/` is not
            mounted): `[emerg] cannot load certificate "/etc/nginx/certs/fullchain.pem":
            BIO_new_file() failed (SSL: error:80000002:system library::No such file or
            directory...)`.""",
        fix="""mount the certificate folder (the whole `/etc/letsencrypt`, so symlinks resolve) and
            point `ssl_certificate` at the file inside the container""",
        bad=['2024/03/02 10:15:01 [emerg] 1#1: cannot load certificate "/etc/nginx/certs/fullchain.pem": '
             "BIO_new_file() failed (SSL: error:80000002:system library::No such file or directory:"
             "calling fopen(/etc/nginx/certs/fullchain.pem, r) error:10000080:BIO routines::no such file)"],
        good=["2024/03/02 10:15:01 [notice] 1#1: nginx/1.25.3"]),

    sig("LG068", "nginx-bind-in-use", C.BIND, S.ERROR,
        "nginx cannot listen: the address is already in use.",
        pattern=r"bind\(\) to (?P<addr>\S+) failed \(98: Address (?:already )?in use\)",
        keywords=['failed (98: Address already in use)'],
        key="addr",
        message="nginx cannot listen on {addr}: another process holds it (a second nginx, the host's "
                "web server with host networking, two `listen` blocks for one address with "
                "conflicting options)",
        why="""`[emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)` — with host
            networking the host's own Apache/nginx holds port 80; inside a container, a second
            nginx master (an entrypoint starting nginx twice) (pitfall P10).""",
        fix="""stop the other listener or choose another port; start nginx once, in the
            foreground (`nginx -g 'daemon off;'`)""",
        bad=["2024/03/02 10:15:01 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)"],
        good=["2024/03/02 10:15:01 [notice] 1#1: start worker process 30"]),

    sig("LG069", "nginx-bind-permission-denied", C.BIND, S.ERROR,
        "nginx runs as a non-root user and may not listen on port 80 or 443.",
        pattern=r"bind\(\) to (?P<addr>\S+) failed \(13: Permission denied\)",
        keywords=['failed (13: Permission denied)'],
        key="addr",
        message="nginx may not listen on {addr}: it runs as a non-root user and the port is below 1024",
        why="""nginx-unprivileged, OpenShift and `runAsNonRoot` run nginx without root, so
            `listen 80` gives `[emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)`
            (pitfall O7; frappe/frappe_docker#580).""",
        fix="""listen on 8080 (and 8443) and map the public ports to them, or grant
            `NET_BIND_SERVICE`""",
        bad=["nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)"],
        good=["nginx: [warn] the \"user\" directive makes sense only if the master process runs with "
              "super-user privileges, ignored in /etc/nginx/nginx.conf:2"]),

    sig("LG070", "nginx-body-too-large", C.CONFIG, S.WARNING,
        "Uploads above client_max_body_size (1 MB by default) get 413 from nginx.",
        pattern=r"client intended to send too large body: (?P<bytes>\d+) bytes"
                r"|\"(?:POST|PUT|PATCH) [^\"]*\" 413 ",
        keywords=['too large body', '" 413 '],
        message="nginx rejected a request body larger than `client_max_body_size` with "
                "413 Request Entity Too Large",
        why="""nginx's default `client_max_body_size` is 1m; uploads above it never reach the app:
            `client intended to send too large body: 2097152 bytes` and `"POST /upload HTTP/1.1"
            413` in the access log. With two proxies (ingress + nginx), both need the setting
            (pitfall O13; nginx-proxy/nginx-proxy#39).""",
        fix="""set `client_max_body_size` to the largest upload the app accepts, in every proxy on
            the path (ingress annotation `nginx.ingress.kubernetes.io/proxy-body-size`)""",
        bad=['2024/03/02 10:16:01 [error] 29#29: *14 client intended to send too large body: 2097152 bytes, '
             'client: 172.18.0.1, server: _, request: "POST /upload HTTP/1.1", host: "localhost"',
             '172.18.0.1 - - [02/Mar/2024:10:16:01 +0000] "POST /upload HTTP/1.1" 413 176 "-" "curl/8.5.0"'],
        good=['172.18.0.1 - - [02/Mar/2024:10:16:01 +0000] "POST /upload HTTP/1.1" 201 12 "-" "curl/8.5.0"',
              '172.18.0.1 - - [02/Mar/2024:10:16:01 +0000] "GET /413 HTTP/1.1" 404 12 "-" "curl/8.5.0"']),

    sig("LG071", "nginx-access-bad-gateway", C.ROUTING, S.WARNING,
        "nginx answers 502 Bad Gateway: the upstream refused, reset or is unresolvable.",
        pattern=r"\"[A-Z]+ [^\"]*\" 502 ",
        keywords=['" 502 '],
        message="nginx answered 502 Bad Gateway: it could not get a response from the upstream "
                "(see its error log for refused, reset or closed connections)",
        why="""502 in the access log is nginx's own answer when the upstream is unreachable: the
            app is down, restarting, bound to 127.0.0.1, or on another port. The error log line at
            the same time says which (LG061, LG062, LG064).""",
        fix="""find the matching error-log line and the app's state (`deploycheck containers`)""",
        bad=['172.18.0.1 - - [02/Mar/2024:10:16:01 +0000] "GET /api/items HTTP/1.1" 502 157 "-" "Mozilla/5.0"'],
        good=['172.18.0.1 - - [02/Mar/2024:10:16:01 +0000] "GET /api/items HTTP/1.1" 200 5021 "-" "Mozilla/5.0"',
              '172.18.0.1 - - [02/Mar/2024:10:16:01 +0000] "GET /api/items?page=502 HTTP/1.1" 200 9 "-" "curl"']),

    sig("LG072", "nginx-access-gateway-timeout", C.ROUTING, S.WARNING,
        "nginx answers 504 Gateway Timeout: the upstream did not answer in time.",
        pattern=r"\"[A-Z]+ [^\"]*\" 504 ",
        keywords=['" 504 '],
        message="nginx answered 504 Gateway Timeout: the upstream did not respond within "
                "proxy_read_timeout (or proxy_connect_timeout)",
        why="""504 means nginx waited and gave up (60 s by default): a slow endpoint, an app whose
            workers are all busy, or connections dropped on the way (LG063 in the error log).""",
        fix="""find the slow endpoint and the app's worker state; raise `proxy_read_timeout` only
            for endpoints that are slow by design""",
        bad=['172.18.0.1 - - [02/Mar/2024:10:17:01 +0000] "POST /report HTTP/1.1" 504 167 "-" "Mozilla/5.0"'],
        good=['172.18.0.1 - - [02/Mar/2024:10:17:01 +0000] "POST /report HTTP/1.1" 202 0 "-" "Mozilla/5.0"']),

    sig("LG073", "nginx-upstream-header-too-big", C.CONFIG, S.WARNING,
        "The upstream's response headers exceed nginx's proxy buffer (502).",
        pattern=r"upstream sent too big header while reading response header from upstream",
        keywords=['upstream sent too big header'],
        message="the upstream's response headers (large cookies, JWTs) do not fit nginx's proxy "
                "buffer, so nginx answers 502",
        why="""`proxy_buffer_size` (4k or 8k) holds the response headers; big `Set-Cookie` headers
            from auth frameworks overflow it: `upstream sent too big header while reading response
            header from upstream`.""",
        fix="""raise `proxy_buffer_size` (and `proxy_buffers`), e.g. `proxy_buffer_size 16k;`""",
        bad=['2024/03/02 10:16:01 [error] 29#29: *15 upstream sent too big header while reading response '
             'header from upstream, client: 172.18.0.1, server: _, request: "GET /login/callback HTTP/1.1"'],
        good=["2024/03/02 10:16:01 [notice] 29#29: proxy_buffer_size set to 16k"]),

    sig("LG074", "nginx-ssl-to-plain-upstream", C.TLS, S.ERROR,
        "nginx speaks TLS to an upstream that serves plain HTTP.",
        pattern=r"SSL_do_handshake\(\) failed .*?wrong version number.*?while SSL handshaking to upstream",
        keywords=['while SSL handshaking to upstream'],
        message="nginx opened TLS to an upstream that answers plain HTTP (`proxy_pass https://` to "
                "an HTTP port), so requests fail with 502",
        why="""`proxy_pass https://app:8000` for an app that serves HTTP: the upstream's HTTP
            answer to the ClientHello gives `SSL_do_handshake() failed (SSL: error:0A00010B:SSL
            routines::wrong version number) while SSL handshaking to upstream`.""",
        fix="""use `proxy_pass http://app:8000` for an HTTP upstream (or point at its TLS port)""",
        bad=['2024/03/02 10:16:01 [error] 29#29: *16 SSL_do_handshake() failed (SSL: error:0A00010B:SSL '
             'routines::wrong version number) while SSL handshaking to upstream, client: 172.18.0.1, '
             'server: _, request: "GET / HTTP/1.1", upstream: "https://172.18.0.3:8000/"'],
        good=["2024/03/02 10:16:01 [info] 29#29: *16 SSL_do_handshake() failed (SSL: error:0A000416:SSL "
              "routines::sslv3 alert certificate unknown) while SSL handshaking, client: 172.18.0.1"]),

    sig("LG075", "nginx-unknown-directive", C.CONFIG, S.ERROR,
        "nginx refuses its configuration: a directive is misspelt or needs a module.",
        pattern=r"unknown directive \"(?P<directive>[^\"]+)\" in (?P<file>\S+)",
        keywords=['unknown directive'],
        key="directive",
        message="nginx does not know the directive `{directive}` ({file}) and refuses to start: a "
                "typo, a stray character, or a module this nginx build lacks",
        why="""A typo, a UTF-8 BOM or CRLF in a mounted configuration file, or a directive of a
            module the image does not include (`more_set_headers` needs headers-more):
            `[emerg] unknown directive "more_set_headers" in /etc/nginx/conf.d/default.conf:9`.""",
        fix="""fix the spelling (check for invisible characters), or use an image that ships the
            module""",
        bad=['nginx: [emerg] unknown directive "more_set_headers" in /etc/nginx/conf.d/default.conf:9'],
        good=["nginx: the configuration file /etc/nginx/nginx.conf syntax is ok"]),
)

globals().update(rule_classes(SIGNATURES, __name__))
