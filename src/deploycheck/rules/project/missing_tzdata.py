from __future__ import annotations

from collections.abc import Iterator, Sequence

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.dockerfile import Dockerfile, Stage
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_image import (
    builds_for,
    chain_copies,
    env_set,
    from_related,
    image_groups,
)

_UTC = frozenset({"UTC", "ETC/UTC", "UTC0", "GMT", "ETC/GMT", "Z"})


class MissingTzdata(Rule[Project]):
    """The app needs time zone data (a named zone in code, or `TZ`), and its image has none.

    ## Why
    `time.LoadLocation("Europe/Madrid")` and Python's `ZoneInfo("Europe/Madrid")` read the IANA
    database from `/usr/share/zoneinfo`. `scratch`, `alpine`, `busybox` and `distroless/static`
    images do not carry it, so the app fails at start with `unknown time zone Europe/Madrid`
    (Python: `ZoneInfoNotFoundError: 'No time zone found with key Europe/Madrid'`) although it
    worked on the laptop (pitfall D5; ClickHouse/clickhouse-go#301).
    A `TZ` variable set for such a container fails silently instead: Go and libc cannot find the
    zone and fall back to UTC, so timestamps and schedules are off by hours
    (0xfurai/peekaping#262). deploycheck reports that case too, as an error, but only when the
    image certainly has no zone data and the app is Go or Python, which read `TZ` at start.

    ## Bad
    ```Dockerfile
    FROM golang:1.22-alpine AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app .

    FROM alpine:3.20
    COPY --from=build /out/app /app
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import (
        "log"
        "net/http"
        "time"
    )

    func main() {
        if _, err := time.LoadLocation("Europe/Madrid"); err != nil {
            log.Fatal(err)
        }
        http.ListenAndServe(":8080", nil)
    }
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.22-alpine AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /out/app .

    FROM alpine:3.20
    RUN apk add --no-cache tzdata
    COPY --from=build /out/app /app
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import (
        "log"
        "net/http"
        "time"
    )

    func main() {
        if _, err := time.LoadLocation("Europe/Madrid"); err != nil {
            log.Fatal(err)
        }
        http.ListenAndServe(":8080", nil)
    }
    ```

    ## Fix
    Compile the database into a Go binary (`import _ "time/tzdata"` or `go build -tags
    timetzdata`), install it (`apk add tzdata`), or copy it from the builder
    (`COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo`). For Python, add the `tzdata`
    package to the requirements.
    """

    code = "DC723"
    name = "missing-tzdata"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = Project
    fix = 'add `import _ "time/tzdata"` to main.go, or install tzdata in the final stage'

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        for df, final, deps in image_groups(model):
            if final.traits.tzdata is not False or _copies_zoneinfo(final):
                continue
            if env_set(deps, "ZONEINFO") or _tags_timetzdata(df, final):
                continue
            code = _code_evidence(deps)
            if code is not None:
                where, what, error, fix = code
                yield Violation(
                    f"{where.short()}: {what}, but stage {final.label} runs on "
                    f"{final.root_image}, which has no time zone data (/usr/share/zoneinfo), so "
                    f"it fails at run time with `{error}`",
                    Location.at(df.path, final.root_image_pos),
                    (Related(where, f"{what}: needs the zone database"),),
                    fix=fix,
                )
                continue
            yield from self._tz_only(df, final, deps)

    def _tz_only(self, df: Dockerfile, final: Stage,
                 deps: Sequence[Deployment]) -> Iterator[Violation]:
        for dep in deps:
            setting = dep.env_setting("TZ")
            if setting is None or not setting.value or (dep.go is None and dep.python is None):
                continue
            if dep.go is not None and dep.go.embeds_tzdata:
                continue
            zone = setting.value.strip().lstrip(":")
            if not zone or zone.upper() in _UTC or zone.startswith("/"):
                continue
            yield Violation(
                f"{setting.location.short()}: TZ={setting.value} is set for {dep.label}, but stage "
                f"{final.label} runs on {final.root_image}, which has no time zone data, so the "
                f"app cannot load {zone} and silently keeps UTC: times are off and no error "
                "says why",
                setting.location,
                (from_related(df, final, f"{final.root_image} has no /usr/share/zoneinfo"),),
                fix=_tz_fix(final, dep),
            )


def _copies_zoneinfo(stage: Stage) -> bool:
    for _, copy in chain_copies(stage):
        if copy.dest_path.startswith("/usr/share/zoneinfo") or copy.dest_path.endswith("zoneinfo.zip"):
            return True
        if any("zoneinfo" in s or "$" in s for s in copy.sources):
            return True
    return False


def _tags_timetzdata(df: Dockerfile, final: Stage) -> bool:
    return any("timetzdata" in build.tags for _, build in builds_for(df, final))


def _code_evidence(deps: Sequence[Deployment]) -> tuple[Location, str, str, str] | None:
    for dep in deps:
        go = dep.go
        if go is not None and go.loads_time_zones:
            for load in go.time_zones:
                zone = load.zone
                if not zone and load.env_var:
                    # LoadLocation(os.Getenv("X")): a zone only when the deployment sets X
                    setting = dep.env_setting(load.env_var)
                    zone = setting.value or "" if setting is not None else ""
                if not zone or zone.upper() in _UTC or zone == "Local":
                    continue
                call = (f'time.LoadLocation("{zone}")' if load.zone
                        else f"time.LoadLocation(${load.env_var}) with {load.env_var}={zone}")
                return (Location.at(load.path, load.pos), f"the app calls {call}",
                        f"unknown time zone {zone}",
                        'add `import _ "time/tzdata"` to the main package (or build with `-tags '
                        'timetzdata`), or install tzdata in the final stage')
        app = dep.python
        if app is not None and app.requirement("tzdata") is None:
            for module in app.modules:
                for use in module.time_zones:
                    if use.how == "ZoneInfo":
                        return (Location.at(module.path, use.pos), f'the app calls ZoneInfo("{use.name}")',
                                f"zoneinfo._common.ZoneInfoNotFoundError: 'No time zone found with "
                                f"key {use.name}'",
                                "add `tzdata` to the requirements, or install tzdata in the final stage")
    return None


def _tz_fix(final: Stage, dep: Deployment) -> str:
    if dep.go is not None:
        return ('add `import _ "time/tzdata"` to the main package, or install tzdata in the final '
                "stage")
    if final.traits.family.value == "alpine":
        return "install the zone data in the final stage: `RUN apk add --no-cache tzdata`"
    return "install tzdata in the final stage, or copy /usr/share/zoneinfo from the build stage"
