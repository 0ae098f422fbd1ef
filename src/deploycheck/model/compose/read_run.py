"""Reading the keys that say what a service's container runs and where it answers: `build`,
`command`/`entrypoint`, `ports` (short and long syntax, YAML 1.1 base-60 misreads), `expose`
and `healthcheck`.
"""

from __future__ import annotations

import shlex

from deploycheck.model.compose.parts import Build, Command, ExposePort, Healthcheck, PortMapping
from deploycheck.model.compose.scalars import _ScalarReader
from deploycheck.model.compose.tree import RawMap, RawNode, RawScalar, RawSeq
from deploycheck.model.compose.values import (
    _EXPOSE,
    _base60,
    _is_remote,
    _join,
    _port_range,
    _split_command,
    parse_port_spec,
)
from deploycheck.model.envfile import RefStatus


class _RunReader(_ScalarReader):
    """`build`, `command`, `entrypoint`, `ports`, `expose` and `healthcheck` of a service."""

    def build(self, node: RawNode | None) -> Build | None:
        if node is None or (isinstance(node, RawScalar) and node.is_null):
            return None
        if isinstance(node, RawScalar):
            context_raw = self.text(node)
            keys = frozenset({"context"})
            dockerfile_raw, target, inline = "", "", False
            args: tuple[tuple[str, str | None], ...] = ()
        elif isinstance(node, RawMap):
            keys = frozenset(k.text for k, _ in node.pairs)
            context_raw = self.text(node.get("context")) or "."
            dockerfile_raw = self.text(node.get("dockerfile"))
            inline = node.get("dockerfile_inline") is not None
            target = self.text(node.get("target"))
            args = tuple((k, v) for k, v, _ in self.key_values(node.get("args")))
        else:
            self.problem(node.pos, "build must be a path or a mapping")
            return None
        remote = _is_remote(context_raw)
        context = context_raw if remote else _join(self.directory, context_raw)
        dockerfile = dockerfile_raw or "Dockerfile"
        if not remote and not inline:
            dockerfile = _join(context, dockerfile) if not dockerfile.startswith("/") else dockerfile
        return Build(self.path, node.pos, context, dockerfile, target, args, inline, remote, keys)

    def command(self, node: RawNode | None) -> Command | None:
        if node is None or (isinstance(node, RawScalar) and node.is_null):
            return None
        if isinstance(node, RawScalar):
            text = self.text(node)
            return Command(self.path, node.pos, _split_command(text), text, True)
        if isinstance(node, RawSeq):
            argv = tuple(self.text(item) for item in node.items if isinstance(item, RawScalar))
            return Command(self.path, node.pos, argv, shlex.join(argv), False)
        self.problem(node.pos, "command must be a string or a list")
        return None

    def ports(self, node: RawNode | None, service: str) -> tuple[PortMapping, ...]:
        if node is None or (isinstance(node, RawScalar) and node.is_null):
            return ()
        if not isinstance(node, RawSeq):
            self.problem(node.pos, f"services.{service}.ports must be a list")
            return ()
        out: list[PortMapping] = []
        for item in node.items:
            if isinstance(item, RawScalar):
                mapping = self.short_port(item, service)
                if mapping is not None:
                    out.append(mapping)
            elif isinstance(item, RawMap):
                mapping = self.long_port(item, service)
                if mapping is not None:
                    out.append(mapping)
            else:
                self.problem(item.pos, f"services.{service}.ports: an entry must be a string or "
                                       "a mapping")
        return tuple(out)

    def short_port(self, item: RawScalar, service: str) -> PortMapping | None:
        text, refs = self.interp(item)
        base60 = item.plain and item.tag == "int" and ":" in item.text
        if any(ref.status is RefStatus.MISSING for ref in refs):
            # An unset variable: DC207 reports it; the mapping's value is unknown.
            return PortMapping(self.path, item.pos, item.text, None, None, interpolated=True)
        spec = parse_port_spec(text)
        if spec is None:
            self.problem(item.pos, f"services.{service}.ports: invalid port {text!r}: Compose "
                                   "expects [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]")
            return None
        ip, host, cont, proto = spec
        return PortMapping(
            self.path, item.pos, item.text, cont[0], cont[1],
            host[0] if host else None, host[1] if host else None, ip, proto,
            base60_misparse=base60, base60_value=_base60(item.text) if base60 else None,
            interpolated=bool(refs),
        )

    def long_port(self, item: RawMap, service: str) -> PortMapping | None:
        target_text = self.text(item.get("target"))
        published = self.text(item.get("published"))
        crange = _port_range(target_text)
        if crange is None:
            self.problem(item.pos, f"services.{service}.ports: target {target_text!r} is not a "
                                   "port number")
            return None
        hrange = _port_range(published) if published else None
        if published and hrange is None:
            if "$" in self._raw_text(item.get("published")):
                return PortMapping(self.path, item.pos, published, crange[0], crange[1],
                                   long_syntax=True, interpolated=True)
            self.problem(item.pos, f"services.{service}.ports: published {published!r} is not a "
                                   "port or range")
            return None
        proto = (self.text(item.get("protocol")) or "tcp").lower()
        return PortMapping(
            self.path, item.pos, f"{published}:{target_text}" if published else target_text,
            crange[0], crange[1], hrange[0] if hrange else None, hrange[1] if hrange else None,
            self.text(item.get("host_ip")), proto, self.text(item.get("mode")), long_syntax=True,
        )

    @staticmethod
    def _raw_text(node: RawNode | None) -> str:
        return node.text if isinstance(node, RawScalar) else ""

    def expose(self, node: RawNode | None) -> tuple[ExposePort, ...]:
        out: list[ExposePort] = []
        for text, item in self.strings(node) if isinstance(node, RawSeq) else []:
            raw = item.text
            match = _EXPOSE.match(text.strip())
            if match is None:
                out.append(ExposePort(self.path, item.pos, raw, None, None, valid=False))
                continue
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else start
            out.append(ExposePort(self.path, item.pos, raw, start, end,
                                  (match.group(3) or "tcp").lower()))
        return tuple(out)

    def healthcheck(self, node: RawNode | None) -> Healthcheck | None:
        if not isinstance(node, RawMap):
            return None
        keys = frozenset(k.text for k, _ in node.pairs)
        test_node = node.get("test")
        test: tuple[str, ...] = ()
        form = ""
        disable = self.boolean(node.get("disable")) is True
        if isinstance(test_node, RawScalar) and not test_node.is_null:
            text = self.text(test_node)
            if text.strip().upper() == "NONE":
                form, disable = "none", True
            else:
                test, form = ("/bin/sh", "-c", text), "shell"
        elif isinstance(test_node, RawSeq):
            words = [self.text(i) for i in test_node.items if isinstance(i, RawScalar)]
            head = words[0].upper() if words else ""
            if head == "CMD":
                test, form = tuple(words[1:]), "exec"
            elif head == "CMD-SHELL":
                test, form = ("/bin/sh", "-c", " ".join(words[1:])), "shell"
            elif head == "NONE":
                form, disable = "none", True
            elif words:
                self.problem(test_node.pos, "healthcheck.test must start with CMD, CMD-SHELL "
                                            "or NONE")
        retries_text = self.text(node.get("retries"))
        return Healthcheck(
            self.path, node.pos, test, form, test_node.pos if test_node else None, disable,
            self.text(node.get("interval")), self.text(node.get("timeout")),
            int(retries_text) if retries_text.isdigit() else None,
            self.text(node.get("start_period")), keys,
        )
