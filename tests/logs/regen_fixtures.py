"""Write tests/fixtures/rules/LG*/{bad,good}/app.log from the signature catalog.

    python tests/logs/regen_fixtures.py          # rewrite the fixtures
    python tests/logs/regen_fixtures.py --check  # exit 1 if a fixture is out of date

Each fixture embeds the signature's real message shapes (its Bad examples) in the ordinary
output of the same ecosystem, as a collector shows it: bare, with compose's `api-1  | ` prefix,
with `docker logs -t` timestamps or with `kubectl logs --prefix`, so the fixtures also exercise
prefix handling, line numbering and multi-line context. The line of each finding is marked with
`deploycheck-expect-next` computed from the signature's own regex on the bare example line
(first line per key), independently of the scanner under test. Good fixtures hold the near
misses and the healthy lines.
"""

from __future__ import annotations

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "src"))

from deploycheck.model.logs import Signature, clean_line  # noqa: E402
from deploycheck.rules.logs import all_signatures  # noqa: E402

FIXTURES = os.path.join(ROOT, "tests", "fixtures", "rules")

NOISE = {
    "go": [
        '[GIN] 2024/03/02 - 10:15:00 | 200 |     412.3µs |      172.18.0.1 | GET      "/healthz"',
        "2024/03/02 10:15:00 starting api version=1.4.2 commit=3f2a9c1",
    ],
    "python": [
        "[2024-03-02 10:15:00 +0000] [1] [INFO] Starting gunicorn 21.2.0",
        'INFO:     172.18.0.1:51234 - "GET /healthz HTTP/1.1" 200 OK',
    ],
    "nginx": [
        '172.18.0.1 - - [02/Mar/2024:10:15:00 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "curl/8.5.0"',
        "2024/03/02 10:15:00 [notice] 1#1: start worker processes",
    ],
    "datastores": [
        '2024-03-02 10:15:00.001 UTC [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432',
        "2024/03/02 10:15:00 connecting to the database",
    ],
    "runtime": [
        "2024/03/02 10:15:00 starting",
        'time="2024-03-02T10:15:00Z" level=info msg="container started"',
    ],
    "kubernetes": [
        "  Normal   Scheduled  60s   default-scheduler  Successfully assigned default/api-7d9f to node-2",
        '  Normal   Pulled     58s   kubelet            Container image "api:1.4" already present on machine',
    ],
}
PREFIXES = ("", "api-1  | ", "2024-03-02T10:15:01.123456789Z ", "[pod/api-7d9f6c5b8-x2k4q/api] ")


def _group(sig: Signature) -> str:
    code = int(sig.code[2:])
    return (
        "go"
        if code < 30
        else "python"
        if code < 60
        else "nginx"
        if code < 80
        else "datastores"
        if code < 100
        else "runtime"
        if code < 130
        else "kubernetes"
    )


def _prefix(sig: Signature) -> str:
    # Build-log shapes carry BuildKit's own `#N` prefix already; keep them bare.
    if any(line.startswith("#") for line in sig.bad):
        return ""
    return PREFIXES[int(sig.code[2:]) % len(PREFIXES)]


def _key(sig: Signature, line: str) -> str | None:
    """The key of the finding the signature's regex gives on this bare line, None if none."""
    match = re.search(sig.pattern, clean_line(line), sig.flags)
    if match is None:
        return None
    if not sig.key:
        return ""
    for name, value in match.groupdict().items():
        if value is not None and name.partition("__")[0] == sig.key:
            return value
    return ""


def bad_fixture(sig: Signature) -> str:
    prefix = _prefix(sig)
    noise = NOISE[_group(sig)]
    out = [prefix + line for line in noise]
    seen: set[str] = set()
    for line in sig.bad:
        key = _key(sig, line)
        if key is not None and key not in seen:
            seen.add(key)
            out.append(f"# deploycheck-expect-next: {sig.code}")
        out.append(prefix + line)
    out.extend(prefix + line for line in noise)
    return "\n".join(out) + "\n"


def good_fixture(sig: Signature) -> str:
    prefix = _prefix(sig)
    noise = NOISE[_group(sig)]
    return "\n".join([prefix + line for line in (*noise, *sig.good, *noise)]) + "\n"


def expected_files() -> dict[str, str]:
    out = {}
    for sig in all_signatures():
        out[os.path.join(FIXTURES, sig.code, "bad", "app.log")] = bad_fixture(sig)
        out[os.path.join(FIXTURES, sig.code, "good", "app.log")] = good_fixture(sig)
    return out


def main(argv: list[str]) -> int:
    stale = []
    for path, text in expected_files().items():
        current = None
        if os.path.exists(path):
            with open(path, encoding="utf-8", newline="") as fh:
                current = fh.read()
        if current == text:
            continue
        stale.append(path)
        if "--check" not in argv:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
    if "--check" in argv and stale:
        print("out of date:\n  " + "\n  ".join(stale))
        return 1
    print(f"{len(stale)} fixture files {'stale' if '--check' in argv else 'written'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
