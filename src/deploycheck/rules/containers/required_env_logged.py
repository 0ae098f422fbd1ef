# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import Container
from deploycheck.model.logs import LogScanner, LogSource
from deploycheck.rules.containers._common import quoted

# The log signatures that name a missing variable (LG114 any program, LG041 Python).
_SIGNATURES = ("LG114", "LG041")


@cache
def _scanner() -> LogScanner:
    from deploycheck.rules.logs import all_signatures

    return LogScanner(s for s in all_signatures() if s.code in _SIGNATURES)


class RequiredEnvLogged(Rule[Container]):
    r"""The container's log says a required environment variable is missing, and the container indeed lacks it.

    ## Why
    Programs that read their configuration from the environment stop at start when a
    variable is missing, and say which: `env: required environment variable "DATABASE_URL" is
    not set`, `KeyError: 'SECRET_KEY'` from `os.environ`, `UndefinedValueError: SECRET_KEY not
    found`. Comparing with the container's own environment tells whether the variable is
    really absent (not set in compose, an `env_file` not loaded, a `${VAR}` empty in the shell
    that ran compose) or set but empty (pitfall O10).

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "7329144d183a", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4", "Env": ["PATH=/usr/bin:/bin"]},
      "State": {"Status": "exited", "ExitCode": 1, "StartedAt": "2024-03-02T10:15:08.023Z",
                "FinishedAt": "2024-03-02T10:15:08.031Z"}, "HostConfig": {}},
     "logs": ["config: required environment variable DATABASE_URL is not set"]}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "7329144d183a", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4", "Env": ["PATH=/usr/bin:/bin", "DATABASE_URL=postgres://db/app"]},
      "State": {"Status": "running", "Running": true, "Pid": 4242, "StartedAt": "2024-03-02T10:15:08Z"},
      "HostConfig": {}},
     "logs": ["config: required environment variable DATABASE_URL is not set", "retrying with the new configuration",
              "listening on :8080"]}
    ```

    ## Fix
    Set the variable for the container: compose `environment:`/`env_file:`, `docker run -e`,
    Kubernetes `env` from a Secret; in compose, `${VAR:?VAR is required}` makes a missing value
    stop `docker compose up` with a clear message.
    """

    code = "CT022"
    name = "container-lacks-required-env"
    category = Category.CONFIG
    severity = Severity.ERROR
    target = Container
    fix = "set the variable for the container (compose environment/env_file, docker run -e, a Kubernetes Secret)"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        if not c.logs:
            return
        scan = _scanner().scan_lines(LogSource(container=c.name), [ln.text for ln in c.logs])
        seen: set[str] = set()
        for group in scan.groups:
            var = group.key or group.first.detail("var")
            if not var or var in seen:
                continue
            seen.add(var)
            value = c.env_value(var)
            if value:
                continue
            state = "is set but empty" if value == "" else "is not set"
            yield Violation(
                f"container {c.name} requires the environment variable {var}, which {state} in the container: "
                f"its log says {quoted(group.first.text)} (log line {group.first.line})",
                c.location(("env", var)),
                (Related(c.log_location(group.first.line), f"log: {group.first.text}"),
                 Related(c.at(), f"Config.Env has {'an empty' if value == '' else 'no'} {var}")),
                fix=f"set {var} for the container (compose `environment: [{var}=...]`, `docker run -e {var}=...`)")
