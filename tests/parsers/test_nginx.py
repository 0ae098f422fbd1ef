"""nginx parsing (positions, syntax errors, which .conf files are nginx) and assembly (includes,
inheritance of add_header / proxy_set_header, typed views)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploycheck.model import Position, SourceFile
from deploycheck.model.nginx import NginxConfig, NginxFile, assemble
from deploycheck.parsers.nginx import parse


def load(text: str, path: str = "nginx/nginx.conf") -> NginxFile:
    parsed = parse(SourceFile.of(path, text))
    assert not parsed.problems, parsed.problems
    model = parsed.models[0]
    assert isinstance(model, NginxFile)
    return model


def configs(files: dict[str, str]) -> list[NginxConfig]:
    models = [m for path, text in files.items() for m in parse(SourceFile.of(path, text)).models]
    out = [c for c in assemble(models) if isinstance(c, NginxConfig)]
    return out


def one(files: dict[str, str]) -> NginxConfig:
    found = configs(files)
    assert len(found) == 1, [c.entry for c in found]
    return found[0]


def problem(text: str, path: str = "nginx/nginx.conf") -> tuple[int, str]:
    parsed = parse(SourceFile.of(path, text))
    assert not parsed.models
    assert len(parsed.problems) == 1, parsed.problems
    p = parsed.problems[0]
    assert p.kind == "nginx"
    return p.location.line, p.message


# --------------------------------------------------------------------------- positions


def test_directive_and_argument_positions() -> None:
    f = load("user nginx;\nhttp {\n\tserver {\n        listen 443 ssl;\n"
             '        add_header X-A "a b" always;\n    }\n}\n')
    http = f.directives[1]
    assert (http.name, http.pos, http.is_block) == ("http", Position(2, 1), True)
    server = http.block[0] if http.block else None
    assert server is not None and server.pos == Position(3, 2)
    listen, header = server.block or ()
    assert listen.pos == Position(4, 9)
    assert listen.args == ("443", "ssl")
    assert listen.arg_pos == (Position(4, 16), Position(4, 20))
    assert header.args == ("X-A", "a b", "always")
    assert header.arg_pos == (Position(5, 20), Position(5, 24), Position(5, 30))
    assert all(d.path == "nginx/nginx.conf" for d in f.walk())


def test_arguments_over_several_lines_keep_their_own_line() -> None:
    f = load("ssl_protocols TLSv1.2\n              TLSv1.1;\n", "nginx/snippets/ssl.conf")
    d = f.directives[0]
    assert d.arg_pos == (Position(1, 15), Position(2, 15))


def test_quoted_argument_containing_the_next_token_does_not_shift_columns() -> None:
    f = load("add_header X 'always here' always;\n", "nginx/h.conf")
    assert f.directives[0].arg_pos[2] == Position(1, 28)


def test_crlf_and_byte_order_mark() -> None:
    f = load("\ufeffuser nginx;\r\nevents {\r\n}\r\n")
    assert [d.name for d in f.directives] == ["user", "events"]
    assert f.directives[1].pos == Position(2, 1)


# --------------------------------------------------------------------------- real-world syntax


def test_if_parentheses_are_stripped() -> None:
    f = load('server { if ($http_origin ~* "^https://(a|b)\\.example\\.com$") { return 403; } }')
    server = f.directives[0]
    if_block = server.block[0] if server.block else None
    assert if_block is not None
    assert if_block.args == ("$http_origin", "~*", "^https://(a|b)\\.example\\.com$")
    single = load("server { if ($bad) { return 444; } }").directives[0]
    assert single.block is not None and single.block[0].args == ("$bad",)


def test_comments_anywhere_and_hash_inside_values() -> None:
    f = load("# top\nlocation / { # after brace\n  return 200 'a#b'; # trailing\n"
             "  add_header X-A # between args\n     value;\n}\n", "nginx/snippet.conf")
    loc = f.directives[0]
    assert [d.name for d in loc.block or ()] == ["return", "add_header"]
    assert (loc.block or ())[0].args == ("200", "a#b")
    assert (loc.block or ())[1].args == ("X-A", "value")


def test_lua_block_and_map_with_quoted_regex_keys() -> None:
    f = load('http {\n map $http_origin $cors {\n  default "";\n  "~^https://x\\.io$" $http_origin;\n }\n'
             ' server { location /lua { content_by_lua_block {\n  ngx.say("}")\n } } }\n}\n')
    http = f.directives[0]
    names = [d.name for d in http.walk()]
    assert "content_by_lua_block" in names and "location" in names
    m = assemble([f])[0]
    assert isinstance(m, NginxConfig)
    assert m.maps[0].default == "" and m.maps[0].entries[1] == ("~^https://x\\.io$", "$http_origin")


def test_escaped_quote_and_variable_braces() -> None:
    f = load('return 200 "say \\"hi\\"";\nset $a ${b}c;\n', "nginx/x.conf")
    assert f.directives[0].args == ("200", 'say "hi"')
    assert f.directives[1].args == ("$a", "${b}c")


def test_last_token_without_newline_is_kept() -> None:
    parsed = parse(SourceFile.of("nginx/nginx.conf", "events {}\nworker_processes 2"))
    assert parsed.problems and "expecting" in parsed.problems[0].message


# --------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize("text,line,fragment", [
    ("http {\n  server {\n    listen 80;\n  }\n", 4, 'expecting "}"'),
    ("server {\n  listen 80;\n}\n}\n", 4, 'unexpected "}"'),
    ("server {\n  listen 80\n}\n", 3, 'unexpected "}"'),
    ("events {}\n;\n", 2, 'unexpected ";"'),
    ("events {}\n{\n}\n", 2, 'unexpected "{"'),
    ("events {}\nworker_processes 2\n", 2, 'expecting ";" or "}"'),
])
def test_syntax_errors_give_the_line(text: str, line: int, fragment: str) -> None:
    got_line, message = problem(text)
    assert got_line == line
    assert fragment in message


def test_unclosed_block_names_where_it_opened() -> None:
    _, message = problem("http {\n  server {\n    listen 80;\n  }\n")
    assert '"http" block opened at line 1' in message


def test_nesting_is_bounded() -> None:
    text = "location / {" * 500 + "}" * 500
    _, message = problem(text, "nginx/deep.conf")
    assert "nested deeper" in message


# --------------------------------------------------------------------------- which files are nginx


@pytest.mark.parametrize("path,text", [
    ("supervisor/conf.d/app.conf", "; supervisor\n[program:app]\ncommand=gunicorn app:app\n"),
    ("redis/redis.conf", "bind 127.0.0.1 -::1\nport 6379\nsave 900 1\n"),
    ("apache/sites-available/site.conf", "<VirtualHost *:80>\n  ServerName x\n</VirtualHost>\n"),
    ("gunicorn.conf", 'bind = "0.0.0.0:8000";\nworkers = 4;\n'),
    ("etc/fail2ban/jail.conf", "[sshd]\nenabled = true\n"),
    ("app/settings.conf", ""),
])
def test_other_conf_files_yield_nothing(path: str, text: str) -> None:
    parsed = parse(SourceFile.of(path, text))
    assert parsed.models == () and parsed.problems == ()


@pytest.mark.parametrize("path,text", [
    ("conf.d/app.conf", "server { listen 80; location / { proxy_pass http://app:8000; } }"),
    ("deploy/default.conf", "upstream app { server app:8000; }"),
    ("snippets/proxy.conf", "proxy_set_header Host $host;\nproxy_set_header X-Forwarded-Proto $scheme;"),
    ("sites-enabled/default", "server { listen 80 default_server; root /var/www/html; }"),
    ("docker/nginx/empty.conf", ""),
])
def test_nginx_files_are_recognised(path: str, text: str) -> None:
    parsed = parse(SourceFile.of(path, text))
    assert len(parsed.models) == 1 and not parsed.problems


def test_broken_nginx_outside_an_nginx_folder_is_still_reported() -> None:
    parsed = parse(SourceFile.of("conf.d/app.conf", "server {\n  listen 80;\n  location / {\n}\n"))
    assert parsed.problems and parsed.problems[0].location.line == 4


def test_file_context() -> None:
    assert load("events {}\nhttp {}").context == "main"
    assert load("server { listen 80; }", "conf.d/a.conf").context == "http"
    assert load("location / { root /srv; }", "nginx/s.conf").context == "server"
    assert load("add_header X-A b;", "nginx/h.conf").context == "any"


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize("text", ["", "\x00\x01\x02\xff", "{" * 10_000, "}" * 10_000,
                                  '"unterminated', "a \\", "${", "'", "#", "\n" * 1000])
def test_odd_input_never_raises(text: str) -> None:
    for path in ("nginx/nginx.conf", "x/app.conf"):
        parse(SourceFile.of(path, text))


def test_large_input_is_linear() -> None:
    block = ("server {\n    listen 80;\n    server_name a%d.example.com;\n"
             "    location / { proxy_pass http://app:8000; proxy_set_header Host $host; }\n}\n")
    text = "".join(block % i for i in range(5_000))  # ~550 kB
    start = time.perf_counter()
    f = load(text, "nginx/conf.d/big.conf")
    parsed_in = time.perf_counter() - start
    config = assemble([f])[0]
    assert isinstance(config, NginxConfig) and len(config.servers) == 5_000
    assert time.perf_counter() - start < 15, parsed_in


def test_oversized_input_is_refused_with_a_problem() -> None:
    parsed = parse(SourceFile.of("nginx/nginx.conf", "#" * 5_000_000))
    assert parsed.problems and "larger" in parsed.problems[0].message
    assert parse(SourceFile.of("x/y.conf", "#" * 5_000_000)) == parse(SourceFile.of("x/y.conf", ""))


_TOKENS = st.sampled_from(["server", "location", "/", "{", "}", ";", "listen", "80", "ssl", '"',
                           "'", "#", "\n", " ", "\\", "$x", "${", "(", ")", "if", "include",
                           "add_header", "proxy_pass", "http://a:1", "\t", "\r\n", "é", "\x00"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKENS, max_size=60), st.sampled_from(["nginx/nginx.conf", "x/app.conf"]))
def test_parse_never_raises_and_positions_stay_in_the_text(tokens: list[str], path: str) -> None:
    text = "".join(tokens)
    parsed = parse(SourceFile.of(path, text))
    lines = text.split("\n")
    for problem_ in parsed.problems:
        assert 1 <= problem_.location.line <= len(lines)
    for model in parsed.models:
        assert isinstance(model, NginxFile)
        for d in model.walk():
            assert 1 <= d.pos.line <= len(lines) and d.pos.column >= 1
    assemble(parsed.models)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_parse_never_raises_on_any_text(text: str) -> None:
    parse(SourceFile.of("nginx/nginx.conf", text))
    parse(SourceFile.of("conf.d/site.conf", text))


# --------------------------------------------------------------------------- assembly: includes

MAIN = "events {}\nhttp {\n    include mime.types;\n    include %s;\n}\n"


def test_relative_glob_include_from_the_main_file_folder() -> None:
    c = one({"nginx/nginx.conf": MAIN % "conf.d/*.conf",
             "nginx/conf.d/b.conf": "server { listen 81; }",
             "nginx/conf.d/a.conf": "server { listen 80; }"})
    assert c.entry == "nginx/nginx.conf"
    assert [s.ports() for s in c.servers] == [(80,), (81,)]  # glob results in name order
    assert c.files == ("nginx/nginx.conf", "nginx/conf.d/a.conf", "nginx/conf.d/b.conf")


def test_absolute_include_maps_etc_nginx_to_the_main_file_folder() -> None:
    c = one({"deploy/nginx/nginx.conf": MAIN % "/etc/nginx/conf.d/*.conf",
             "deploy/nginx/conf.d/app.conf": "server { listen 8080; include /etc/nginx/snippets/h.conf; }",
             "deploy/nginx/snippets/h.conf": "add_header X-Frame-Options DENY;"})
    assert c.servers[0].own_headers[0].name == "X-Frame-Options"
    assert c.servers[0].own_headers[0].path == "deploy/nginx/snippets/h.conf"


def test_absolute_include_found_by_its_tail_nearest_first() -> None:
    found = configs({"svc/a/nginx.conf": MAIN % "/usr/share/custom/sites/*.conf",
                     "svc/a/sites/x.conf": "server { listen 1; }",
                     "svc/b/sites/y.conf": "server { listen 2; }"})
    # svc/b's file is not pulled into svc/a's configuration; it stands alone.
    assert [(c.entry, [s.ports() for s in c.servers]) for c in found] == [
        ("svc/a/nginx.conf", [(1,)]), ("svc/b/sites/y.conf", [(2,)])]


def test_include_loops_are_cut() -> None:
    found = configs({"nginx/nginx.conf": "events {}\nhttp { include a.conf; }",
                     "nginx/a.conf": "include b.conf;\nadd_header X-A a;",
                     "nginx/b.conf": "include a.conf;\nadd_header X-B b;"})
    assert [c.entry for c in found] == ["nginx/nginx.conf"]
    assert [h.name for h in found[0].http.own_headers] == ["X-B", "X-A"]


def test_conf_d_files_nothing_includes_are_read_together() -> None:
    found = configs({"nginx/conf.d/a.conf": "server { listen 80; server_name a; }",
                     "nginx/conf.d/b.conf": "server { listen 443 ssl; server_name a; }",
                     "other/site.conf": "server { listen 8080; }"})
    assert sorted(len(c.servers) for c in found) == [1, 2]


def test_unreadable_include_makes_the_level_opaque_and_stock_files_do_not() -> None:
    c = one({"nginx/conf.d/site.conf": (
        "server { listen 443 ssl;\n"
        "  location /a { include /etc/nginx/custom/headers.conf; proxy_pass http://a; }\n"
        "  location /b { include fastcgi_params; fastcgi_pass php:9000; }\n"
        "  location /c { include proxy_params; proxy_pass http://c:8000; }\n}\n")})
    a, b, loc_c = c.servers[0].locations
    assert a.opaque and not b.opaque and not loc_c.opaque
    assert [i.args[0] for i in c.unresolved_includes] == ["/etc/nginx/custom/headers.conf"]
    assert loc_c.sets_proxy_header("X-Forwarded-Proto") and loc_c.sets_proxy_header("host")
    assert loc_c.proxy_headers[0].pos == Position(4, 17)


# --------------------------------------------------------------------------- typed views


def test_add_header_inheritance_follows_nginx() -> None:
    c = one({"nginx/nginx.conf": (
        "events {}\nhttp {\n  add_header X-Http 1;\n  server {\n    listen 80;\n"
        "    location / { }\n    location /own/ { add_header X-Own 1;\n"
        "      if ($request_method = OPTIONS) { add_header X-If 1; return 204; }\n"
        "      location /own/inner/ { }\n    }\n  }\n  server { add_header X-S 1; location / { } }\n}\n")})
    first, second = c.servers
    assert [h.name for h in first.headers] == ["X-Http"]
    root, own = first.locations
    assert [h.name for h in root.headers] == ["X-Http"] and not root.own_headers
    assert [h.name for h in own.headers] == ["X-Own"]
    assert [h.name for h in own.inherited_headers] == ["X-Http"]
    assert [h.name for h in own.ifs[0].headers] == ["X-If"]
    assert [h.name for h in own.locations[0].headers] == ["X-Own"]
    assert [h.name for h in second.locations[0].headers] == ["X-S"]


def test_proxy_set_header_inheritance_and_targets() -> None:
    c = one({"nginx/conf.d/app.conf": (
        "upstream backend { server app:8000 max_fails=3; server unix:/tmp/app.sock; }\n"
        "server {\n  listen 443 ssl;\n  proxy_set_header X-Forwarded-Proto $scheme;\n"
        "  location / { proxy_pass http://backend; }\n"
        "  location /ws/ { proxy_set_header Upgrade $http_upgrade; proxy_pass http://backend:9000/ws/; }\n"
        "  location /v { set $target http://api:7000; proxy_pass $target; }\n"
        "  location /g { grpc_pass grpcs://[::1]:50051; }\n}\n")})
    targets = c.proxy_targets()
    assert [(t.proxy.host, t.proxy.port, t.proxy.upstream, t.forwards_proto) for t in targets] == [
        ("backend", None, "backend", True), ("backend", 9000, None, False),
        ("api", 7000, None, True), ("::1", 50051, None, True)]
    assert targets[0].proxy.effective_port is None and targets[1].proxy.effective_port == 9000
    assert targets[3].proxy.scheme == "grpcs"
    ups = c.upstream("backend")
    assert ups is not None
    assert [(s.host, s.port, s.unix, s.pos.line) for s in ups.servers] == [
        ("app", 8000, False, 1), (None, None, True, 1)]
    assert [(e.host, e.port, e.pos.line) for e in c.endpoints()] == [
        ("app", 8000, 1), ("backend", 9000, 6), ("api", 7000, 7), ("::1", 50051, 8)]


@pytest.mark.parametrize("listen,expected", [
    ("80", (None, 80, False, False)),
    ("443 ssl http2", (None, 443, True, False)),
    ("[::]:443 ssl default_server", ("::", 443, True, True)),
    ("127.0.0.1:8080", ("127.0.0.1", 8080, False, False)),
    ("*:80 default", (None, 80, False, True)),
    ("localhost", ("localhost", 80, False, False)),
    ("443 quic reuseport", (None, 443, False, False)),
])
def test_listen_forms(listen: str, expected: tuple[object, ...]) -> None:
    c = one({"conf.d/a.conf": f"server {{ listen {listen}; }}"})
    lst = c.servers[0].listens[0]
    assert (lst.address, lst.port, lst.ssl, lst.default_server) == expected


def test_tls_termination_and_redirects() -> None:
    c = one({"conf.d/a.conf": (
        "server { listen 80; server_name a; return 301 https://$host$request_uri; }\n"
        "server { listen 443 quic; server_name a; }\n"
        "server { listen 8443; ssl on; }\n"
        "server { server_name b; location / { rewrite ^ https://b$request_uri permanent; } }\n"
        "server { listen 80; listen 443 ssl;\n"
        "  if ($scheme = http) { return 301 https://$host$request_uri; } }\n")})
    s = c.servers
    assert [x.terminates_tls for x in s] == [False, True, True, False, True]
    assert [x.redirects_to_https() for x in s] == [True, False, False, True, True]
    assert s[2].tls_listens[0].port == 8443 and not s[2].plain_listens
    assert s[3].effective_listens[0].port == 80 and s[3].ports() == (80,)
    assert [p.port for p in s[4].plain_listens] == [80]
    assert c.listen_ports() == (80, 443, 8443)
    assert [x.label for x in c.tls_servers()] == ["server a", "server block", "server block"]


def test_effective_tls_settings_fall_back_to_http() -> None:
    c = one({"nginx/nginx.conf": (
        "events {}\nhttp {\n  ssl_protocols TLSv1.2;\n  ssl_certificate /c/full.pem;\n"
        "  client_max_body_size 5m;\n"
        "  server { listen 443 ssl; location / { proxy_pass http://a; } }\n"
        "  server { listen 443 ssl; ssl_protocols TLSv1.3; ssl_certificate /d/full.pem; }\n}\n")})
    first, second = c.servers
    assert first.ssl_protocols is not None and first.ssl_protocols.pos.line == 3
    assert second.ssl_protocols is not None and second.ssl_protocols.args == ("TLSv1.3",)
    assert [d.arg(0) for d in first.ssl_certificates] == ["/c/full.pem"]
    assert first.locations[0].client_max_body_size is not None


def test_cors_headers_are_listed_once() -> None:
    c = one({"conf.d/a.conf": (
        "server { add_header Access-Control-Allow-Origin *;\n"
        "  location / { } location /b { add_header Access-Control-Allow-Origin $http_origin; } }")})
    assert [(h.value, h.pos.line) for h in c.cors_headers()] == [("*", 1), ("$http_origin", 2)]


def test_include_fan_out_is_bounded() -> None:
    files = {"nginx/nginx.conf": "events {}\nhttp {\n" + "include l0.conf;\n" * 20 + "}\n"}
    for level in range(6):
        files[f"nginx/l{level}.conf"] = f"include l{level + 1}.conf;\n" * 20 + "add_header X-A b;\n"
    files["nginx/l6.conf"] = "add_header X-B c;\n"
    start = time.perf_counter()
    c = one(files)  # 20**7 directives if expanded in full
    assert time.perf_counter() - start < 10
    assert 0 < len(c.http.own_headers) <= 200_000
