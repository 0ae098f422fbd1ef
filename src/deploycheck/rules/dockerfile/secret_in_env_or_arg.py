from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Position, Rule, Severity, Violation
from deploycheck.model.dockerfile import Dockerfile
from deploycheck.rules.dockerfile._common import at

# The secret word must end the name: DB_PASSWORD, API_TOKEN; not PASSWORD_HASHER.
_SECRET_NAME = re.compile(
    r"(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|"
    r"SECRET_?KEY|CREDENTIALS?|AUTH_?KEY)$",
    re.IGNORECASE,
)
# Names that hold where a secret is, or something about it, not the secret itself.
_NOT_SECRET = re.compile(
    r"(_FILE|_PATH|_DIR|_URL|_URI|_HOST|_ENDPOINT|_HEADER|_NAME|_ID|_LENGTH|_TTL|_EXPIRY|"
    r"_EXPIRES|_EXPIRATION|_TIMEOUT|_ALGORITHM|_TYPE|_FIELD|_PREFIX|_ENABLED|_MODE|_REF)$",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"^(|changeme|change[-_]?me|changethis|secret|password|passwd|example|dummy|test|testing|"
    r"placeholder|none|null|nil|false|true|todo|tbd|redacted|x+|\*+|\.+|-+|_+)$"
    r"|^<.*>$|^\{\{.*\}\}$|^(your|replace|insert|put|enter|set)[-_ ]|^(dev|local)[-_]?only$",
    re.IGNORECASE,
)
_KEY_SHAPES = (
    ("an AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|github_pat_\w{40,}")),
    ("a Stripe live key", re.compile(r"\b[sr]k_live_[0-9A-Za-z]{16,}")),
    ("an OpenAI-style secret key", re.compile(r"\bsk-(proj-)?[A-Za-z0-9_-]{32,}")),
    ("a Slack token", re.compile(r"\bxox[baprs]-[0-9A-Za-z-]{10,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a GitLab token", re.compile(r"\bglpat-[0-9A-Za-z_-]{20,}")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
)


class SecretInEnvOrArg(Rule[Dockerfile]):
    """A password, token or key written as a literal ENV or ARG value.

    ## Why
    ENV values are stored in the image config: anyone who can pull the image reads them with
    `docker inspect` or `docker history`. ARG defaults used by a RUN are recorded in the image
    history the same way. A credential written in the Dockerfile also lives in git forever
    (pitfall O8; O10 on `ENV` masking run-time settings).

    ## Bad
    ```Dockerfile
    FROM python:3.12-slim
    ENV DATABASE_PASSWORD=s3cr3t-prod-pw
    CMD ["python", "-u", "app.py"]
    ```

    ## Good
    ```Dockerfile
    FROM python:3.12-slim
    ENV DATABASE_PASSWORD_FILE=/run/secrets/db_password
    CMD ["python", "-u", "app.py"]
    ```

    ## Fix
    Pass secrets at run time (compose `secrets:`/`environment:` from an untracked `.env`,
    Kubernetes Secrets) and use BuildKit secret mounts (`RUN --mount=type=secret,id=...`) for
    build-time credentials. Rotate any credential that was ever committed.
    """

    code = "DC107"
    name = "secret-in-env-or-arg"
    category = Category.SECURITY
    severity = Severity.ERROR
    target = Dockerfile
    fix = "remove the literal; pass it at run time or with RUN --mount=type=secret"

    def check(self, model: Dockerfile, options: NoOptions) -> Iterator[Violation]:
        seen: set[tuple[int, int]] = set()
        items: list[tuple[str, str, str, Position]] = []
        for arg in model.global_args:
            if arg.raw_default is not None and arg.default is not None:
                items.append(("ARG", arg.name, arg.default, arg.pos))
        for stage in model.stages:
            for arg in stage.args:
                if arg.raw_default is not None and arg.default is not None:
                    items.append(("ARG", arg.name, arg.default, arg.pos))
            for var in stage.envs:
                if "$" not in var.raw or var.resolved:
                    items.append(("ENV", var.name, var.value if "$" not in var.raw else "",
                                  var.pos))
        for keyword, name, value, pos in items:
            key = (pos.line, pos.column)
            if key in seen:
                continue
            reason = _reason(name, value)
            if reason is None:
                continue
            seen.add(key)
            where = ("in the image config (`docker inspect`)" if keyword == "ENV"
                     else "in the image history (`docker history`) once a RUN uses it")
            yield Violation(
                f"{keyword} {name} holds {reason} written in the Dockerfile: anyone who can "
                f"pull the image reads it {where}, and it stays in git history",
                at(model, pos),
            )


def _reason(name: str, value: str) -> str | None:
    for label, shape in _KEY_SHAPES:
        if shape.search(value):
            return label
    if not _SECRET_NAME.search(name) or _NOT_SECRET.search(name):
        return None
    text = value.strip()
    if len(text) < 4 or _PLACEHOLDER.search(text) or "$" in text:
        return None
    if text.startswith("/") or text.isdigit():
        return None  # a path or a number (a length, a port), not a credential
    return "a literal credential"
