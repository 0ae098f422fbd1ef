from __future__ import annotations

import re
from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.image import MARK_TZDATA, ImageFacts
from deploycheck.rules.image._common import programs, project_related

_NO_FILES = {"", "UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Zulu", "Local"}


class TimezoneDataMissing(Rule[ImageFacts]):
    """The container needs time-zone data (TZ is set, or the app loads a zone) and the image has
    no zoneinfo for it.

    ## Why
    Go's `time.LoadLocation("Europe/Berlin")` reads `$ZONEINFO`, `/usr/share/zoneinfo` or data
    embedded with `import _ "time/tzdata"`. Scratch, distroless/static and alpine (without
    `tzdata`) have none: LoadLocation fails with `unknown time zone Europe/Berlin`, and `TZ=...`
    is silently ignored — logs and schedules run in UTC (pitfall D5). glibc programs behave the
    same.

    ## Bad
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"], "Env": ["TZ=Europe/Berlin"]}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755",
                            "elf": {"go": {"version": "go1.22.3", "settings": {"CGO_ENABLED": "0"}}}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/api:1.4",
     "config": {"config": {"Entrypoint": ["/app"], "Env": ["TZ=Europe/Berlin"]}},
     "layers": [{"created_by": "COPY app /app",
                 "files": [{"path": "app", "mode": "0755",
                            "elf": {"go": {"version": "go1.22.3", "settings": {"CGO_ENABLED": "0"}},
                                    "markers": ["tzdata-embedded"]}}]}]}
    ```

    ## Fix
    Embed the data (`import _ "time/tzdata"` or `go build -tags timetzdata`), copy it
    (`COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo`), or install `tzdata`.
    """

    code = "IM021"
    name = "timezone-data-missing"
    category = Category.CONFIG
    severity = Severity.WARNING
    target = ImageFacts
    fix = 'embed zone data (import _ "time/tzdata"), or copy /usr/share/zoneinfo into the image'

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        if not model.complete:
            return
        if any(MARK_TZDATA in info.markers for _, info in programs(model)):
            return
        wanted: list[tuple[str, str, tuple[Related, ...]]] = []
        tz = model.env().get("TZ", "")
        zone = tz.lstrip(":")
        if zone and zone not in _NO_FILES and not (re.search(r"\d", zone) and "/" not in zone):
            source = "TZ=" + tz
            where: tuple[Related, ...] = ()
            if model.app is not None and model.app.env_value("TZ") is not None:
                source += f" (set by {model.app.deployment})"
            wanted.append((zone, source, where))
        if model.app is not None:
            for name, location in model.app.time_zones:
                if name in _NO_FILES and name:
                    continue
                wanted.append((name, f"time.LoadLocation at {location.short()}",
                               (Related(location, "loads a time zone"),)))
        for name, source, related in wanted[:1] + [w for w in wanted[1:] if w[0] != wanted[0][0]][:2]:
            if model.zoneinfo(name if name else ""):
                continue
            what = f"zone {name}" if name else "time zones"
            effect = (f"`time.LoadLocation(\"{name}\")` fails with `unknown time zone {name}`" if name else
                      "`time.LoadLocation` fails with `unknown time zone ...`")
            yield Violation(
                f"the container needs {what} ({source}), and the image has no zone data "
                "(/usr/share/zoneinfo, $ZONEINFO, or tzdata embedded in the program): "
                f"{effect}, and TZ is silently ignored, so times are UTC",
                model.location("/usr/share/zoneinfo"), related + project_related(model))
