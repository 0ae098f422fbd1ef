"""Secrets: what makes a name and value look like a credential, and secret files found in layers.

The patterns (`SECRET_NAME`, `NOT_SECRET_NAME`, `PLACEHOLDER`, `KEY_SHAPES`) and `secret_value`
are shared by the layer reader (.env files) and the config rules; `SecretFile` records a file
that looks like a secret in some layer, whether or not a later layer deletes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Secret-looking names and values, shared by the layer reader (.env files) and the config rules.
# The secret word must end the name: DB_PASSWORD, API_TOKEN; not PASSWORD_HASHER.
SECRET_NAME = re.compile(
    r"(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|"
    r"SECRET_?KEY|CREDENTIALS?|AUTH_?KEY|AUTH_?TOKEN)$",
    re.IGNORECASE,
)
NOT_SECRET_NAME = re.compile(
    r"(_FILE|_PATH|_DIR|_URL|_URI|_HOST|_ENDPOINT|_HEADER|_NAME|_ID|_LENGTH|_TTL|_EXPIRY|"
    r"_EXPIRES|_EXPIRATION|_TIMEOUT|_ALGORITHM|_TYPE|_FIELD|_PREFIX|_ENABLED|_MODE|_REF)$",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(
    r"^(|changeme|change[-_]?me|changethis|secret|password|passwd|example|dummy|test|testing|"
    r"placeholder|none|null|nil|false|true|todo|tbd|redacted|x+|\*+|\.+|-+|_+)$"
    r"|^<.*>$|^\{\{.*\}\}$|^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$"
    r"|^(your|replace|insert|put|enter|set)[-_ ]|^(dev|local)[-_]?only$",
    re.IGNORECASE,
)
KEY_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|github_pat_\w{40,}")),
    ("a Stripe live key", re.compile(r"\b[sr]k_live_[0-9A-Za-z]{16,}")),
    ("an OpenAI-style secret key", re.compile(r"\bsk-(proj-)?[A-Za-z0-9_-]{32,}")),
    ("a Slack token", re.compile(r"\bxox[baprs]-[0-9A-Za-z-]{10,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a GitLab token", re.compile(r"\bglpat-[0-9A-Za-z_-]{20,}")),
    ("an npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a password in a URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s:@$]{3,}@[^\s/]+")),
)


def secret_value(name: str, value: str) -> str:
    """Why NAME=VALUE holds a credential ('' when it does not look like one): a secret-looking
    name with a real value, or a value shaped like a known key or token."""
    for what, shape in KEY_SHAPES:
        if shape.search(value):
            return what
    plain = value.strip()
    if (SECRET_NAME.search(name) and not NOT_SECRET_NAME.search(name)
            and not PLACEHOLDER.match(plain) and len(plain) >= 4 and not plain.startswith("/")):
        return f"a value for {name}"
    return ""


@dataclass(frozen=True, slots=True)
class SecretFile:
    """A file that looks like a secret, seen in some layer. `deleted`: a later layer removes or
    replaces it, so the running container does not see it — but the layer still ships it."""

    path: str
    layer: int
    what: str  # "a private key", "AWS credentials", ...
    detail: str = ""  # the line or key name that shows it (never the secret itself)
    deleted: bool = False
    kind: str = "secret"  # "secret" | "git" (a repository: history, remotes, maybe tokens)
