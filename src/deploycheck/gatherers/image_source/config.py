"""Platform names and the image config: the host's platform, how `linux/arm64/v8`-style names
are normalized and compared, and `parse_config`, which turns an OCI or Docker image config JSON
into an `ImageConfig` (shared with recorded facts), with `layer_commands` naming the history
step that made each layer.
"""

from __future__ import annotations

import platform as host_platform
from typing import Any

from deploycheck.model.image import HistoryStep, ImageConfig


def host_platform_name() -> str:
    machine = host_platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64",
            "armv7l": "arm/v7", "armv6l": "arm/v6", "i686": "386", "i386": "386",
            "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}.get(machine, machine)
    return f"linux/{arch}"


def normalize_platform(text: str) -> tuple[str, str, str]:
    """'linux/arm64/v8' → ('linux', 'arm64', 'v8'); 'amd64' → ('linux', 'amd64', '')."""
    parts = [p for p in text.strip().lower().split("/") if p]
    if len(parts) == 1:
        parts = ["linux", *parts]
    os_name = parts[0] if parts else "linux"
    arch = parts[1] if len(parts) > 1 else ""
    variant = parts[2] if len(parts) > 2 else ""
    arch = {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "armel": "arm",
            "i386": "386", "i686": "386"}.get(arch, arch)
    if arch == "arm64" and variant == "v8":
        variant = ""
    return os_name, arch, variant


def platform_matches(want: str, os_name: str, arch: str, variant: str) -> bool:
    w_os, w_arch, w_variant = normalize_platform(want)
    g_os, g_arch, g_variant = normalize_platform(f"{os_name or 'linux'}/{arch}/{variant}")
    if w_os != g_os or w_arch != g_arch:
        return False
    return not w_variant or not g_variant or w_variant == g_variant


# -- image config ---------------------------------------------------------------------------------


def parse_config(data: dict[str, Any]) -> ImageConfig:
    """An image config JSON (OCI or Docker) → ImageConfig. Shared with recorded facts."""
    cfg = data.get("config") or data.get("Config") or {}
    if not isinstance(cfg, dict):
        cfg = {}

    def argv(value: object) -> tuple[str, ...] | None:
        if isinstance(value, list):
            return tuple(str(v) for v in value)
        if isinstance(value, str):
            return ("/bin/sh", "-c", value)
        return None

    env: list[tuple[str, str]] = []
    for item in cfg.get("Env") or ():
        if isinstance(item, str):
            key, _, value = item.partition("=")
            env.append((key, value))
    labels = cfg.get("Labels") or {}
    health = cfg.get("Healthcheck") or {}
    test = health.get("Test") if isinstance(health, dict) else None
    history = tuple(
        HistoryStep(str(h.get("created_by", "")), bool(h.get("empty_layer", False)))
        for h in data.get("history") or () if isinstance(h, dict))
    return ImageConfig(
        os=str(data.get("os") or "linux"),
        architecture=str(data.get("architecture") or ""),
        variant=str(data.get("variant") or ""),
        entrypoint=argv(cfg.get("Entrypoint")),
        cmd=argv(cfg.get("Cmd")),
        env=tuple(env),
        user=str(cfg.get("User") or ""),
        workdir=str(cfg.get("WorkingDir") or ""),
        labels=tuple((str(k), str(v)) for k, v in labels.items()) if isinstance(labels, dict) else (),
        healthcheck=tuple(str(t) for t in test) if isinstance(test, list) and test else None,
        exposed_ports=tuple(sorted(cfg.get("ExposedPorts") or {})),
        history=history,
    )


def layer_commands(config: ImageConfig, count: int) -> list[str]:
    """The history step that made each layer (history entries without empty_layer, in order)."""
    steps = [h.created_by for h in config.history if not h.empty_layer]
    if len(steps) != count:
        return [""] * count
    return steps
