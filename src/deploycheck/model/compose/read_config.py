"""Reading the keys that set up a service's surroundings: `environment` (with pass-through
variables looked up in the folder's `.env`), `env_file`, `depends_on`, memory and CPU limits
(`deploy.resources` or the legacy keys) and replicas, `networks`, `labels` and `volumes`.
"""

from __future__ import annotations

from collections.abc import Sequence

from deploycheck.model.compose.parts import (
    Dependency,
    EnvFileRef,
    EnvVar,
    Resources,
    VolumeMount,
)
from deploycheck.model.compose.scalars import _ScalarReader
from deploycheck.model.compose.tree import RawMap, RawNode, RawScalar, RawSeq
from deploycheck.model.compose.values import _join, _parse_float, parse_memory
from deploycheck.model.envfile import RefStatus, VarRef
from deploycheck.model.location import Position


class _ConfigReader(_ScalarReader):
    """`environment`, `env_file`, `depends_on`, resources, `networks`, `labels`, `volumes`."""

    def environment(self, node: RawNode | None) -> tuple[EnvVar, ...]:
        out: dict[str, EnvVar] = {}
        if isinstance(node, RawSeq):
            for item in node.items:
                if isinstance(item, RawScalar) and not item.is_null:
                    text, refs = self.interp(item)
                    name, eq, value = text.partition("=")
                    out[name.strip()] = self.env_var(name.strip(), value if eq else None, item.pos,
                                                     refs)
        elif isinstance(node, RawMap):
            for key, value_node in node.pairs:
                if isinstance(value_node, RawScalar):
                    if value_node.is_null:
                        out[key.text] = self.env_var(key.text, None, key.pos, ())
                    else:
                        value, refs = self.interp(value_node)
                        out[key.text] = self.env_var(key.text, value, key.pos, refs)
                else:
                    self.problem(value_node.pos, f"environment.{key.text} must be a string, "
                                                 "number, boolean or null")
        elif node is not None and not (isinstance(node, RawScalar) and node.is_null):
            self.problem(node.pos, "environment must be a list or a mapping")
        return tuple(out.values())

    def env_var(self, name: str, value: str | None, pos: Position,
                refs: tuple[VarRef, ...]) -> EnvVar:
        if value is None:
            # A pass-through: Compose looks the name up in the shell and the project's .env.
            found = self.env.get(name)
            if found is not None:
                ref = VarRef(name, self.path, pos, "", "", RefStatus.RESOLVED, found.source,
                             found.pos)
                return EnvVar(name, found.value, self.path, pos, self.path, False, (ref,))
        return EnvVar(name, value, self.path, pos, self.path, False, refs)

    def env_files(self, node: RawNode | None) -> tuple[EnvFileRef, ...]:
        out: list[EnvFileRef] = []
        items: Sequence[RawNode]
        if isinstance(node, RawScalar):
            items = () if node.is_null else (node,)
        elif isinstance(node, RawSeq):
            items = node.items
        else:
            items = ()
        for item in items:
            required = True
            if isinstance(item, RawMap):
                path_node = item.get("path")
                required = self.boolean(item.get("required")) is not False
            else:
                path_node = item
            if not isinstance(path_node, RawScalar) or path_node.is_null:
                continue
            text, refs = self.interp(path_node)
            out.append(EnvFileRef(_join(self.directory, text), path_node.text, self.path,
                                  path_node.pos, required, bool(refs)))
        return tuple(out)

    def depends_on(self, node: RawNode | None, service: str) -> tuple[Dependency, ...]:
        out: list[Dependency] = []
        if isinstance(node, RawSeq):
            for text, item in self.strings(node):
                out.append(Dependency(text, self.path, item.pos))
        elif isinstance(node, RawMap):
            for key, value in node.pairs:
                if isinstance(value, RawMap):
                    condition = self.text(value.get("condition")) or "service_started"
                    restart = self.boolean(value.get("restart")) is True
                    required = self.boolean(value.get("required")) is not False
                    out.append(Dependency(key.text, self.path, key.pos, condition, restart,
                                          required, True))
                else:
                    out.append(Dependency(key.text, self.path, key.pos, long_syntax=True))
        elif node is not None and not (isinstance(node, RawScalar) and node.is_null):
            self.problem(node.pos, f"services.{service}.depends_on must be a list or a mapping")
        return tuple(out)

    def resources(self, node: RawMap) -> tuple[Resources, int | None]:
        memory = reservation = None
        cpus = cpus_res = None
        memory_pos = None
        replicas = None
        deploy = node.get("deploy")
        if isinstance(deploy, RawMap):
            replicas_text = self.text(deploy.get("replicas"))
            replicas = int(replicas_text) if replicas_text.isdigit() else None
            res = deploy.get("resources")
            if isinstance(res, RawMap):
                limits, reservations = res.get("limits"), res.get("reservations")
                if isinstance(limits, RawMap):
                    mem = limits.get("memory")
                    if isinstance(mem, RawScalar) and not mem.is_null:
                        memory, memory_pos = parse_memory(self.text(mem)), mem.pos
                    cpus = _parse_float(self.text(limits.get("cpus")))
                if isinstance(reservations, RawMap):
                    reservation = parse_memory(self.text(reservations.get("memory")))
                    cpus_res = _parse_float(self.text(reservations.get("cpus")))
        legacy = node.get("mem_limit")
        if memory is None and isinstance(legacy, RawScalar) and not legacy.is_null:
            memory, memory_pos = parse_memory(self.text(legacy)), legacy.pos
        if cpus is None:
            cpus = _parse_float(self.text(node.get("cpus")))
        if reservation is None:
            reservation = parse_memory(self.text(node.get("mem_reservation")))
        if replicas is None:
            scale = self.text(node.get("scale"))
            replicas = int(scale) if scale.isdigit() else None
        return Resources(memory, cpus, reservation, cpus_res, self.path, memory_pos), replicas

    def networks(self, node: RawNode | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if isinstance(node, RawSeq):
            return tuple(t for t, _ in self.strings(node)), ()
        names: list[str] = []
        aliases: list[str] = []
        if isinstance(node, RawMap):
            for key, value in node.pairs:
                names.append(key.text)
                if isinstance(value, RawMap):
                    aliases.extend(t for t, _ in self.strings(value.get("aliases")))
        return tuple(names), tuple(aliases)

    def labels(self, node: RawNode | None) -> tuple[tuple[str, str], ...]:
        return tuple((k, v or "") for k, v, _ in self.key_values(node))

    def volumes(self, node: RawNode | None) -> tuple[VolumeMount, ...]:
        if not isinstance(node, RawSeq):
            return ()
        out: list[VolumeMount] = []
        for item in node.items:
            if isinstance(item, RawScalar) and not item.is_null:
                out.append(self.short_volume(self.text(item), item.pos))
            elif isinstance(item, RawMap):
                kind = self.text(item.get("type")) or "volume"
                source = self.text(item.get("source"))
                read_only = self.boolean(item.get("read_only")) is True
                source_path = _join(self.directory, source) if kind == "bind" and source else ""
                out.append(VolumeMount(self.path, item.pos, kind, source,
                                       self.text(item.get("target")), read_only, source_path))
        return tuple(out)

    def short_volume(self, text: str, pos: Position) -> VolumeMount:
        parts = text.split(":")
        # A Windows drive letter (`C:\data:/data`) is part of the source.
        if len(parts) >= 3 and len(parts[0]) == 1 and parts[0].isalpha():
            parts = [parts[0] + ":" + parts[1], *parts[2:]]
        if len(parts) == 1:
            return VolumeMount(self.path, pos, "volume", "", parts[0])
        source, target = parts[0], parts[1]
        mode = parts[2] if len(parts) > 2 else ""
        read_only = "ro" in mode.split(",")
        is_path = source.startswith((".", "/", "~")) or (len(source) > 1 and source[1] == ":")
        if is_path:
            local = "" if source.startswith("~") else _join(self.directory, source)
            return VolumeMount(self.path, pos, "bind", source, target, read_only, local)
        return VolumeMount(self.path, pos, "volume", source, target, read_only)
