"""`deploycheck image REF|FILE|DIR ...`: open built images without running them.

Each argument is an image in the local Docker engine (exported through the Engine API and
streamed), a `docker save` tarball, or an OCI image layout (folder or tar). `--project PATH`
joins what the deployment files say the app needs; `--sizes` adds the size report.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import TYPE_CHECKING

from deploycheck.cli.common import (
    StatusLine,
    UsageError,
    add_report_options,
    config_from_args,
    emit,
    exit_code,
    wants_progress,
)

if TYPE_CHECKING:
    from deploycheck.model.image import AppNeeds, ImageFacts
    from deploycheck.model.links import Deployment


def _size(text: str) -> int:
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    value = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = value[-1:] if value[-1:] in units else ""
    number = value[: -1] if unit else value
    try:
        return int(float(number) * units[unit])
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 64G, 512M)") from None


def add_parser(subparsers: argparse._SubParsersAction) -> str:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "image", help="check built images without running them",
        description="Open images without running them and find what will stop them at run time: "
        "the entrypoint and its loader, shared libraries, Python extension modules, CA "
        "certificates, time zones, users, secrets in any layer, waste. REF is an image in the "
        "local Docker engine; FILE a `docker save` tarball or an OCI layout tar; DIR an OCI layout.")
    p.add_argument("images", nargs="+", metavar="REF|FILE|DIR")
    p.add_argument("--platform", metavar="OS/ARCH[/VARIANT]",
                   help="the platform to check in a multi-platform image (default: this machine's)")
    p.add_argument("--project", metavar="PATH",
                   help="the deployment files and app source of the image: what the app needs "
                   "(HTTPS, time zones, templates, config files, the command it is run with)")
    p.add_argument("--sizes", action="store_true",
                   help="report per-layer sizes, the largest files, bytes hidden by later layers")
    p.add_argument("--max-bytes", type=_size, metavar="SIZE", default=None,
                   help="stop after this many decompressed bytes per image (default 64G)")
    p.add_argument("--max-ratio", type=int, metavar="N", default=None,
                   help="stop a layer that expands more than N:1 beyond 512 MiB (default 100)")
    add_report_options(p)
    return "image"


class BarProgress(StatusLine):
    """`[#######.....] 412/980 MiB, layer 3/7` on stderr, redrawn at most ten times a second."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.last = 0.0

    def __call__(self, done: int, total: int, layers: int, layers_total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1:
            return
        self.last = now
        width = 24
        filled = min(width, int(width * done / total)) if total else 0
        bar = "#" * filled + "." * (width - filled)
        amount = f"{done >> 20}/{total >> 20} MiB" if total else f"{done >> 20} MiB"
        count = f", layer {layers}/{layers_total}" if layers_total else f", {layers} layers"
        self.show(f"{self.label} [{bar}] {amount}{count}")


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from deploycheck.engine.live import run_on_facts
    from deploycheck.gatherers.image_reader import Limits
    from deploycheck.gatherers.image_source import SourceError, gather
    from deploycheck.model.image import SizeReport

    started = time.perf_counter()
    cfg = config_from_args(args, args.project or ".")
    limits = Limits()
    if args.max_bytes is not None:
        limits = replace(limits, max_bytes=args.max_bytes)
    if args.max_ratio is not None:
        if args.max_ratio < 1:
            raise UsageError("--max-ratio must be at least 1")
        limits = replace(limits, max_ratio=args.max_ratio)
    deployments: list[Deployment] = []
    prefix = ""
    if args.project:
        deployments, prefix = _deployments(args.project, cfg)
    items: list[object] = []
    texts: list[str] = []
    for argument in args.images:
        name = os.path.basename(argument.rstrip("/")) or argument
        bar = BarProgress(name) if wants_progress(args) else None
        try:
            result = gather(argument, platform=args.platform or "", limits=limits, progress=bar)
        except SourceError as exc:
            raise UsageError(str(exc)) from None
        finally:
            if bar is not None:
                bar.clear()
        for image in result.images:
            if args.project:
                image = replace(image, app=_needs(image, deployments, prefix, args.project))
            items.append(image)
            if args.sizes:
                if args.format == "text":
                    texts.append(size_section(image))
                else:
                    items.append(SizeReport(image))
        items.extend(result.problems)
    root = args.images[0] if len(args.images) == 1 else ""
    outcome = run_on_facts("image", root, items, cfg, started=started,
                           checked=len(args.images), unit="image")
    emit(outcome, args, "")
    if texts:
        section = "\n" + "\n".join(texts)
        if args.output:
            with open(args.output, "a", encoding="utf-8") as fh:
                fh.write(section)
        else:
            sys.stdout.write(section)
            sys.stdout.flush()
    return exit_code(outcome, cfg.fail_on)


# -- --project ------------------------------------------------------------------------------------


def _deployments(path: str, cfg: object) -> tuple[list[Deployment], str]:
    from deploycheck.engine.runner import load_root
    from deploycheck.model.links import Deployment

    if not os.path.exists(path):
        raise UsageError(f"--project {path}: no such file or directory")
    project = load_root(path, cfg).project  # type: ignore[arg-type]
    prefix = "" if os.path.normpath(path) == "." or not os.path.isdir(path) else \
        os.path.normpath(path).replace(os.sep, "/").rstrip("/") + "/"
    return list(project.of(Deployment)), prefix


def _repo_tag(ref: str) -> str:
    """`docker.io/library/nginx` → `nginx:latest`; digests and registries kept otherwise."""
    name = ref.strip()
    for head in ("docker.io/library/", "index.docker.io/library/", "docker.io/"):
        if name.startswith(head):
            name = name[len(head):]
    if "@" not in name and ":" not in name.rpartition("/")[2]:
        name += ":latest"
    return name


def pick_deployment(ref: str, deployments: list[Deployment]) -> Deployment | None:
    """The deployment that runs image `ref`: by the image name in compose or Kubernetes, else the
    only deployment built from a Dockerfile."""
    want = _repo_tag(ref)
    for dep in deployments:
        named = ""
        if dep.service is not None and dep.service.image:
            named = dep.service.image
        elif dep.container is not None and dep.container.image:
            named = dep.container.image
        if named and _repo_tag(named) == want:
            return dep
    built = [d for d in deployments if d.dockerfile is not None]
    if len({(d.dockerfile.path if d.dockerfile else "") for d in built}) == 1:
        return built[0]
    return deployments[0] if len(deployments) == 1 else None


def _needs(image: ImageFacts, deployments: list[Deployment], prefix: str, project: str) -> AppNeeds:
    dep = pick_deployment(image.ref, deployments)
    if dep is None:
        names = ", ".join(d.label for d in deployments[:6]) or "none"
        raise UsageError(f"--project {project}: no deployment runs image {image.ref} (deployments: {names}); "
                         "name the image in compose `image:` or the Kubernetes container")
    return needs_from_deployment(dep, prefix)


def needs_from_deployment(dep: Deployment, prefix: str = "") -> AppNeeds:
    """What a deployment's files say its app needs (pure: the CLI and tests share it)."""
    from deploycheck.model import Location
    from deploycheck.model.image import AppNeeds

    def at(path: str, pos: object) -> Location:
        loc = Location.at(path, pos)  # type: ignore[arg-type]
        return loc.with_path(prefix + loc.path) if prefix and loc.path else loc

    def moved(loc: Location) -> Location:
        return loc.with_path(prefix + loc.path) if prefix and loc.path else loc

    https: list[Location] = []
    zones: list[tuple[str, Location]] = []
    files: list[tuple[str, str, Location]] = []
    embedded: list[str] = []
    go = dep.go
    if go is not None:
        https = [moved(e.location) for e in go.https if e.strong]
        if not go.embeds_tzdata:
            zones = [(t.zone, at(t.path, t.pos)) for t in go.time_zones if t.needs_tzdata]
        files = [(f.file, f.call, at(f.path, f.pos)) for f in go.runtime_files
                 if f.is_relative and not f.error_ignored]
        embedded = [p for e in go.embeds for p in e.patterns]
    entrypoint: tuple[str, ...] | None = None
    command: tuple[str, ...] | None = None
    service, container = dep.service, dep.container
    if service is not None:
        entrypoint = tuple(service.entrypoint.argv) if service.entrypoint is not None else None
        command = tuple(service.command.argv) if service.command is not None else None
    elif container is not None:
        entrypoint = tuple(container.command.values) if container.command is not None else None
        command = tuple(container.args.values) if container.args is not None else None
    overrides = entrypoint is not None or command is not None
    env = tuple((s.name, s.value) for s in dep.env if s.source != "Dockerfile ENV")
    return AppNeeds(
        deployment=dep.label,
        location=moved(dep.location),
        https=tuple(https),
        time_zones=tuple(zones),
        files=tuple(files),
        embedded=tuple(embedded),
        command=command,
        entrypoint=entrypoint,
        command_location=moved(dep.command_location) if overrides and dep.command_location else None,
        command_shell=dep.command_shell,
        env=env,
        env_opaque=dep.env_opaque,
    )


# -- --sizes (text) -------------------------------------------------------------------------------


def size_section(image: ImageFacts) -> str:
    from deploycheck.model.image import SizeReport, human

    report = SizeReport(image)
    lines = [f"Size report for {image.ref} ({image.config.platform}): {len(image.layers)} layers, "
             f"{human(report.total())} of files, {human(report.wasted())} hidden by later layers"]
    lines.append(f"  {'layer':<7}{'size':>11}  {'entries':>8}  {'hidden later':>12}  created by")
    for layer in image.layers:
        step = layer.label().partition("(")[2].rstrip(")") or layer.short
        lines.append(f"  {layer.index + 1:<7}{human(layer.size):>11}  {layer.files:>8,}  "
                     f"{human(layer.wasted):>12}  {step}")
    largest = report.largest_files()
    if largest:
        lines.append("  Largest files:")
        lines.extend(f"    {human(e.size):>11}  {e.path}  (layer {e.layer + 1})" for e in largest)
    wasted = [w for w in image.wasted if w.size >= 1 << 20][:10]
    if wasted:
        lines.append("  Hidden by later layers (still shipped):")
        lines.extend(f"    {human(w.size):>11}  {w.path}  (layer {w.layer + 1}, {w.how} in layer "
                     f"{w.by_layer + 1})" for w in wasted)
    tools = image.build_tools()
    if tools:
        lines.append("  Build tools in the image: " + ", ".join(f"{what} ({path})" for what, path in tools))
    gos = sorted((p, i.go) for p, i in image.elves.items() if i.go is not None and i.etype in ("exec", "dyn"))
    if gos:
        lines.append("  Go programs:")
        lines.extend(f"    {path}: {go.describe()}" + (f", module {go.main_module}" if go.main_module else "")
                     for path, go in gos[:10] if go is not None)
    return "\n".join(lines) + "\n"
