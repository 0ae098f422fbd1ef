from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.dockerfile import Dockerfile, Stage
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_ports import AppPorts, alone, app_ports


class ExposePortMismatch(Rule[Project]):
    """The Dockerfile EXPOSEs ports, none of which is the port the app listens on.

    ## Why
    `EXPOSE` publishes nothing by itself, but it is what `docker run -P`, Docker Desktop,
    Traefik and nginx-proxy auto-discovery, and readers of the Dockerfile take as the app's port.
    When it names another port than the one the app listens on, those tools forward to a port
    where nothing answers (`502 Bad Gateway` from the proxy, `curl: (52) Empty reply from
    server` with `-P`), and people copy the wrong number into compose and Kubernetes files
    (P6, P7; barrydeen/haven#5: app on 3355, EXPOSE 3334, compose 3335). The app's port is
    read from its source or server command, as the image runs it alone and as every compose
    service or Kubernetes container using the Dockerfile runs it; the rule stays quiet when
    any of them listens on an exposed port, or when the port is unknown.

    ## Bad
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /app .

    FROM gcr.io/distroless/static
    COPY --from=build /app /app
    EXPOSE 9090
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import "net/http"

    func main() {
        http.ListenAndServe(":8080", nil)
    }
    ```

    ## Good
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 go build -o /app .

    FROM gcr.io/distroless/static
    COPY --from=build /app /app
    EXPOSE 8080
    ENTRYPOINT ["/app"]
    ```

    ```main.go
    package main

    import "net/http"

    func main() {
        http.ListenAndServe(":8080", nil)
    }
    ```

    ## Fix
    EXPOSE the port the app listens on, or make the app listen on the exposed port; better,
    set it once (`ENV PORT=8080`, `EXPOSE ${PORT}`) and have the app read `PORT`.
    """

    code = "DC702"
    name = "expose-port-mismatch"
    category = Category.ROUTING
    severity = Severity.WARNING
    target = Project
    fix = "EXPOSE the port the app listens on, or make the app listen on the exposed port"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        users: dict[tuple[str, int], tuple[Dockerfile, Stage, list[Deployment]]] = {}
        for dep in model.of(Deployment):
            if dep.dockerfile is None or dep.stage is None:
                continue
            key = (dep.dockerfile.path, dep.stage.index)
            users.setdefault(key, (dep.dockerfile, dep.stage, []))[2].append(dep)
        for df, stage, deps in users.values():
            exposes = [e for e in stage.exposes if e.protocol.lower() != "udp"]
            if not exposes or any(not e.resolved for e in exposes):
                continue
            known: list[tuple[str, AppPorts]] = []
            for dep in [alone(deps[0]), *deps]:
                ports = app_ports(dep)
                if ports is not None:
                    label = "the image run alone" if dep.kind == "docker" else dep.label
                    known.append((label, ports))
            if not known:
                continue
            if any(e.covers(p) for _, ports in known for p in ports.ports for e in exposes):
                continue
            groups: dict[str, list[str]] = {}
            for label, ports in known:
                groups.setdefault(ports.describe(), []).append(label)
            runs = "; ".join(f"{_join(labels)} listen{'s' if len(labels) == 1 else ''} on {text}"
                             for text, labels in groups.items())
            exposed = ", ".join(e.raw for e in exposes)
            related = known[0][1].related()
            port = min(known[0][1].ports)
            for line in sorted({e.pos.line for e in exposes}):
                pos = next(e.pos for e in exposes if e.pos.line == line)
                yield Violation(
                    f"{df.path} EXPOSEs {exposed}, but the app never listens there: {runs}. "
                    "`docker run -P`, proxies that discover ports from EXPOSE (Traefik, "
                    "nginx-proxy) and people reading the Dockerfile send traffic to a port where "
                    "nothing answers (`502 Bad Gateway`, `curl: (52) Empty reply from server`)",
                    Location.at(df.path, pos),
                    related=related,
                    fix=f"write `EXPOSE {port}` (the app's port), or make the app listen on "
                        f"{exposes[0].raw.split('/')[0]}",
                )


def _join(labels: list[str]) -> str:
    labels = list(dict.fromkeys(labels))
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
