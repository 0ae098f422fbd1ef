"""Building the image facts: `merge` applies the layers' scans in order into the final view
(whiteouts, opaque directories and hard links resolved), turns reading problems into
`ImageProblem`s, marks secrets (and `.git` directories) deleted when later layers hide them, and
returns the `ImageFacts` with the layers and the wasted bytes.
"""

from __future__ import annotations

from dataclasses import replace

from deploycheck.gatherers.image_reader.layer import LayerScan
from deploycheck.gatherers.image_reader.secrets import _SECRET_SKIP
from deploycheck.gatherers.image_reader.view import _View
from deploycheck.model.image import ImageConfig, ImageFacts, ImageProblem, Layer, SecretFile


def merge(ref: str, config: ImageConfig, scans: list[LayerScan], *, platform: str = "",
          source: str = "", keep_wasted: int = 200) -> tuple[ImageFacts, list[ImageProblem]]:
    """Apply the layers in order into the final filesystem view, with whiteouts, and count the
    bytes of files that later layers delete or overwrite."""
    view = _View(len(scans), keep_wasted)
    problems: list[ImageProblem] = []
    for scan in scans:
        for entry in scan.entries:
            if entry.layer != scan.index:  # scanned before the manifest gave the order
                entry = replace(entry, layer=scan.index)
            if entry.kind == "whiteout":
                hidden = view.files.get(entry.path)
                if hidden is not None and hidden.layer < scan.index:
                    view.remove(entry.path, scan.index, "deleted")
            elif entry.kind == "opaque":
                view.opaque(entry.path, scan.index)
            elif entry.kind == "hardlink":
                target = view.files.get(entry.link)
                if target is None or not target.is_regular:
                    problems.append(ImageProblem(ref, "unsafe", f"hard link {entry.path} -> {entry.link} "
                                                 "names no regular file in this or an earlier layer; "
                                                 "Docker refuses to unpack such a layer",
                                                 _short(scan.digest, scan.index), entry.path))
                    continue
                view.add(replace(entry, size=0), scan, target_path=entry.link)
            else:
                view.add(entry, scan)
        for kind, message, path in scan.problems:
            problems.append(ImageProblem(ref, kind, message, _short(scan.digest, scan.index), path))
    layers = tuple(
        Layer(s.index, s.digest, s.created_by, s.size, sum(1 for e in s.entries if e.kind not in
                                                            ("whiteout", "opaque")),
              view.wasted_bytes[s.index], s.compression) for s in scans)
    secrets: list[SecretFile] = []
    for scan in scans:
        for secret in scan.secrets:
            current = view.files.get(secret.path)
            deleted = current is None or current.layer != scan.index
            secrets.append(replace(secret, layer=scan.index, deleted=deleted))
    secrets.extend(_git_dirs(scans, view))
    facts = ImageFacts(
        ref=ref,
        config=config,
        layers=layers,
        files=view.files,
        elves=view.elves,
        heads=view.heads,
        texts=view.texts,
        secrets=tuple(secrets),
        wasted=tuple(sorted(view.wasted_files, key=lambda w: (-w.size, w.path))),
        complete=all(s.complete for s in scans),
        platform=platform,
        source=source,
    )
    return facts, problems


def _short(digest: str, index: int) -> str:
    value = digest.partition(":")[2] or digest
    return value[:12] if value else f"#{index + 1}"


def _git_dirs(scans: list[LayerScan], view: _View) -> list[SecretFile]:
    out: list[SecretFile] = []
    seen: set[str] = set()
    for scan in scans:
        for entry in scan.entries:
            if entry.kind in ("whiteout", "opaque"):
                continue
            path = entry.path
            at = path.find("/.git/") if not path.endswith("/.git") else len(path) - 5
            if at < 0 or _SECRET_SKIP.search(path):
                continue
            root = path[: at + 5]
            if root in seen:
                continue
            seen.add(root)
            current = view.files.get(root)
            deleted = current is None
            out.append(SecretFile(root, scan.index, "a git repository", "history, remotes and any "
                                  "credentials in .git/config", deleted, "git"))
    return out
