"""Path lookup, PATH search, users and the dynamic loader's search, as the runtime does them."""

from __future__ import annotations

from deploycheck.model.image import ElfInfo, FileEntry, ImageConfig, ImageFacts


def _facts(
    entries: list[FileEntry],
    config: ImageConfig | None = None,
    elves: dict[str, ElfInfo] | None = None,
    texts: dict[str, str] | None = None,
) -> ImageFacts:
    files = {e.path: e for e in entries}
    for path in list(files):
        parent = path.rpartition("/")[0]
        while parent and parent not in files:
            files[parent] = FileEntry(parent, "dir", 0o755)
            parent = parent.rpartition("/")[0]
    return ImageFacts(
        "t", config or ImageConfig(architecture="amd64"), (), files, elves or {}, {}, texts or {}
    )


def f(path: str, mode: int = 0o755, **kw: object) -> FileEntry:
    return FileEntry(path, "file", mode, 10, **kw)  # type: ignore[arg-type]


def link(path: str, target: str) -> FileEntry:
    return FileEntry(path, "symlink", 0o777, 0, target)


def test_lookup_follows_links_inside_the_image() -> None:
    facts = _facts(
        [
            f("/opt/app/1.2/bin/app"),
            link("/opt/app/current", "1.2"),
            link("/usr/local/bin/app", "../../../opt/app/current/bin/app"),
            link("/escape", "../../../../opt/app/current/bin/app"),
            link("/a", "/b"),
            link("/b", "a"),
            f("/etc/passwd", 0o644),
        ]
    )
    found = facts.lookup("/usr/local/bin/app")
    assert (found.path, found.error) == ("/opt/app/1.2/bin/app", "")
    assert facts.lookup("/escape").path == "/opt/app/1.2/bin/app"  # '..' stops at the root
    assert facts.lookup("/a").error == "loop"
    assert facts.lookup("/etc/passwd/x").error == "notdir"
    assert facts.lookup("/nope/x").error == "missing"
    assert facts.lookup("bin/app", cwd="/opt/app/current").path == "/opt/app/1.2/bin/app"
    assert facts.lookup("/usr/local/bin/app", follow=False).entry == link(
        "/usr/local/bin/app", "../../../opt/app/current/bin/app"
    )


def test_path_search_skips_non_executables() -> None:
    cfg = ImageConfig(architecture="amd64", env=(("PATH", "/a:/b:/c"),))
    facts = _facts([f("/a/tool", 0o644), FileEntry("/b/tool", "dir", 0o755), f("/c/tool")], cfg)
    assert facts.find_executable("tool").path == "/c/tool"
    assert facts.find_executable("missing").error == "missing"
    # the engine's default PATH applies when the image sets none
    assert _facts([f("/usr/bin/curl")]).find_executable("curl").path == "/usr/bin/curl"


def test_users() -> None:
    passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:10001:10002::/home/app:/bin/false\n"
    group = "root:x:0:\nweb:x:33:\n"
    base = [f("/etc/passwd", 0o644), f("/etc/group", 0o644)]
    for user, expected in (
        ("", (0, 0, "")),
        ("app", (10001, 10002, "")),
        ("app:web", (10001, 33, "")),
        ("1234", (1234, 0, "")),
        ("ghost", (None, None, "user")),
        ("app:nogroup", (10001, None, "group")),
        ("0:0", (0, 0, "")),
    ):
        facts = _facts(base, ImageConfig(user=user), texts={"/etc/passwd": passwd, "/etc/group": group})
        assert facts.run_as() == expected, user


def test_executable_for_the_user() -> None:
    entry = FileEntry("/app", "file", 0o750, 1, uid=0, gid=33)
    assert entry.executable_by(0, 0) and entry.executable_by(5, 33) and not entry.executable_by(5, 5)
    assert not FileEntry("/x", "file", 0o644).executable_by(0, 0)


def _lib(soname: str = "", **kw: object) -> ElfInfo:
    return ElfInfo(64, True, 62, "dyn", soname=soname, **kw)  # type: ignore[arg-type]


def test_loader_search_order() -> None:
    exe = ElfInfo(
        64,
        True,
        62,
        "exec",
        interp="/lib64/ld-linux-x86-64.so.2",
        needed=("liba.so", "libb.so", "libc.so"),
        runpath=("$ORIGIN/../lib",),
    )
    arm = ElfInfo(64, True, 183, "dyn")
    entries = [
        f("/opt/x/bin/app"),
        f("/opt/x/lib/liba.so"),
        f("/usr/lib/x86_64-linux-gnu/libb.so"),
        f("/custom/libc.so"),
        f("/etc/ld.so.conf", 0o644),
        f("/etc/ld.so.conf.d/c.conf", 0o644),
        f("/lib/libarm.so"),
        f("/usr/lib/libarm.so"),
    ]
    elves = {
        "/opt/x/bin/app": exe,
        "/opt/x/lib/liba.so": _lib(),
        "/usr/lib/x86_64-linux-gnu/libb.so": _lib(),
        "/custom/libc.so": _lib(),
        "/lib/libarm.so": arm,
        "/usr/lib/libarm.so": _lib(),
    }
    texts = {
        "/etc/ld.so.conf": "include /etc/ld.so.conf.d/*.conf\n",
        "/etc/ld.so.conf.d/c.conf": "/custom # mine\n",
    }
    facts = _facts(entries, elves=elves, texts=texts)
    assert facts.missing_libraries("/opt/x/bin/app", exe) == []
    assert facts.resolve_library("liba.so", "/opt/x/bin/app", exe, exe, False) == "/opt/x/lib/liba.so"
    # a library of another machine is skipped and the search goes on
    assert facts.resolve_library("libarm.so", "/opt/x/bin/app", exe, exe, False) == "/usr/lib/libarm.so"
    no_conf = _facts(entries, elves=elves)
    missing = no_conf.missing_libraries("/opt/x/bin/app", exe)
    assert [m[0] for m in missing] == ["libc.so"] and "RUNPATH $ORIGIN/../lib" in missing[0][2]


def test_runpath_turns_off_rpath_and_ld_library_path_counts() -> None:
    both = ElfInfo(64, True, 62, "exec", needed=("libz.so",), rpath=("/r",), runpath=("/rp",))
    entries = [f("/r/libz.so")]
    facts = _facts(entries, elves={"/r/libz.so": _lib()})
    assert facts.resolve_library("libz.so", "/app", both, both, False) is None
    rpath_only = ElfInfo(64, True, 62, "exec", needed=("libz.so",), rpath=("/r",))
    assert facts.resolve_library("libz.so", "/app", rpath_only, rpath_only, False) == "/r/libz.so"
    env = _facts(entries, ImageConfig(env=(("LD_LIBRARY_PATH", "/r"),)), elves={"/r/libz.so": _lib()})
    assert env.resolve_library("libz.so", "/app", both, both, False) == "/r/libz.so"


def test_musl_search_path() -> None:
    exe = ElfInfo(64, True, 62, "exec", interp="/lib/ld-musl-x86_64.so.1", needed=("libssl.so.3",))
    facts = _facts(
        [f("/lib/ld-musl-x86_64.so.1"), f("/opt/ssl/libssl.so.3"), f("/etc/ld-musl-x86_64.path", 0o644)],
        elves={"/opt/ssl/libssl.so.3": _lib(), "/lib/ld-musl-x86_64.so.1": _lib()},
        texts={"/etc/ld-musl-x86_64.path": "/lib:/opt/ssl\n/usr/lib\n"},
    )
    assert facts.libc() == "musl"
    assert facts.missing_libraries("/app", exe) == []


def test_ca_bundle_and_zoneinfo() -> None:
    facts = _facts(
        [f("/etc/ssl/certs/ca-certificates.crt", 0o644), f("/usr/share/zoneinfo/Europe/Berlin", 0o644)]
    )
    assert facts.ca_bundle() == "/etc/ssl/certs/ca-certificates.crt"
    assert facts.zoneinfo("Europe/Berlin") == "/usr/share/zoneinfo/Europe/Berlin"
    assert facts.zoneinfo("Asia/Tokyo") == ""
    empty = _facts([FileEntry("/etc/ssl/certs", "dir", 0o755), f("/etc/ssl/openssl.cnf", 0o644)])
    assert empty.ca_bundle() == ""
    custom = _facts([f("/certs/r.pem", 0o644)], ImageConfig(env=(("SSL_CERT_FILE", "/certs/r.pem"),)))
    assert custom.ca_bundle() == "/certs/r.pem"
