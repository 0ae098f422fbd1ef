# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.containers import Container, signal_name
from deploycheck.rules.containers._common import explaining_lines, log_evidence, state_evidence, stop_request

_CAUSES = {
    "SIGSEGV": "a segmentation fault: a crash in native code (cgo, a C extension), often a binary built "
               "against another libc than the image's, or a stack overflow",
    "SIGABRT": "an abort: the C runtime or the program itself gave up (a failed assertion, a Go "
               "`fatal error`, glibc detecting heap corruption)",
    "SIGBUS": "a bus error: a memory-mapped file shrank, or misaligned access in native code",
    "SIGILL": "an illegal instruction: a binary built for a newer CPU than this one (AVX2, a "
              "different GOAMD64 level)",
    "SIGTERM": "a SIGTERM nobody here asked for (an orchestrator, a script, `kill`), and the program "
               "ended without handling it",
    "SIGINT": "a SIGINT (Ctrl-C on an attached terminal, or a runtime that stops with SIGINT)",
    "SIGHUP": "a SIGHUP the program does not handle",
    "SIGPIPE": "a write to a closed pipe or socket the program does not handle",
}


class TerminatedBySignal(Rule[Container]):
    r"""The container's main process was ended by a signal (exit 128+n), with what that signal means.

    ## Why
    Exit codes above 128 are 128 + the signal that ended the process: 139 = SIGSEGV (a crash
    in native code: cgo, a C extension, a binary for another libc), 134 = SIGABRT, 143 =
    SIGTERM (a stop the program did not handle, harmless after `docker stop`, suspicious
    otherwise), 132 = SIGILL (a binary for a newer CPU). 137 (SIGKILL) has its own rules:
    CT008 when OOMKilled, CT009 otherwise. A 143 right after a `docker stop` is not reported.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "9c8d7e6f5a4b", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "exited", "ExitCode": 139, "StartedAt": "2024-03-02T10:15:19.441Z",
                "FinishedAt": "2024-03-02T10:15:25.469Z"}, "HostConfig": {}},
     "logs": ["listening on :8080"], "events": []}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "9c8d7e6f5a4b", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "shop/api:1.4"},
      "State": {"Status": "exited", "ExitCode": 143, "StartedAt": "2024-03-02T10:15:19.441Z",
                "FinishedAt": "2024-03-02T10:15:25.469Z"}, "HostConfig": {}},
     "events": [
      {"Action": "kill", "Actor": {"ID": "9c8d7e6f5a4b", "Attributes": {"signal": "15"}}, "timeNano": 1709374525400000000},
      {"Action": "die", "Actor": {"ID": "9c8d7e6f5a4b", "Attributes": {"exitCode": "143"}}, "timeNano": 1709374525469000000}]}
    ```

    ## Fix
    For SIGSEGV/SIGABRT/SIGILL, rebuild for the image's libc and the target CPU (a static
    `CGO_ENABLED=0` Go build avoids both); for an unexpected SIGTERM, find who sends it and
    handle it for a graceful shutdown.
    """

    code = "CT011"
    name = "terminated-by-signal"
    category = Category.HEALTH
    severity = Severity.ERROR
    target = Container
    fix = "for crashes, rebuild for the image's libc and CPU; for an unexpected SIGTERM, find its sender"

    def check(self, model: Container, options: NoOptions) -> Iterator[Violation]:
        c = model
        number = c.exit_signal
        if not number or number == 9 or (c.running and not c.restarting):
            return
        name = signal_name(number)
        if name in ("SIGTERM", "SIGINT", "SIGQUIT") and (stop_request(c) is not None or c.events is None):
            return  # the usual end of a stop the user asked for (or cannot be told apart from one)
        cause = _CAUSES.get(name, f"the signal {name}, which the program does not handle")
        lines = explaining_lines(c, 1)
        yield Violation(
            f"container {c.name} exited with {c.exit_code} = 128 + {number} ({name}): {cause}",
            c.location(), state_evidence(c, "State.ExitCode", "Path") + log_evidence(c, lines))
