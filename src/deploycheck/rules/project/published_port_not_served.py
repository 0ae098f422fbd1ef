from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.links import Deployment
from deploycheck.rules.compose._common import port_text
from deploycheck.rules.project._common_ports import app_ports


class PublishedPortNotServed(Rule[Deployment]):
    """A compose service publishes a container port the app does not listen on.

    ## Why
    `ports: ["8000:8000"]` forwards the host's port 8000 to port 8000 *inside* the container.
    When the app listens on another port (Flask's 5000, uvicorn's default 8000 while compose
    publishes 8003, a Go app reading `PORT`), Docker's proxy accepts the connection and finds
    nobody behind it: `curl: (52) Empty reply from server` or `Connection reset by peer`, while
    the container looks healthy in `docker ps` (P6; dyvenia/timeflow#98, barrydeen/haven#5). The
    app's port is read from its source or its server command, with the service's environment and
    command-line flags applied; the rule stays quiet when any part of it is unknown.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        ports:
          - "8000:8000"
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    CMD ["gunicorn", "-b", "0.0.0.0:5000", "app:app"]
    ```

    ```requirements.txt
    flask
    gunicorn
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        ports:
          - "8000:5000"
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    CMD ["gunicorn", "-b", "0.0.0.0:5000", "app:app"]
    ```

    ```requirements.txt
    flask
    gunicorn
    ```

    ## Fix
    Publish the port the app listens on (`"8000:5000"`: host 8000 to container 5000), or make
    the app listen on the published container port (`-b 0.0.0.0:8000`, `PORT=8000`). Derive
    both from one variable so they cannot drift apart.
    """

    code = "DC701"
    name = "published-port-not-served"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = Deployment
    fix = "publish the port the app listens on (HOST:APP_PORT), or make the app listen on the " \
          "published container port"

    def check(self, model: Deployment, options: NoOptions) -> Iterator[Violation]:
        svc, compose = model.service, model.compose
        if svc is None or compose is None or not svc.ports or svc.shares_network_namespace:
            return
        ports = app_ports(model)
        if ports is None:
            return
        for mapping in svc.ports:
            if mapping.protocol != "tcp" or mapping.container_start is None:
                continue
            if ports.serves_any(mapping.container_ports()) or not compose.owns(mapping.path):
                continue
            published = port_text(mapping.container_start, mapping.container_end)
            host = port_text(mapping.host_start, mapping.host_end) if mapping.published else ""
            reach = f"host port {host} is forwarded to" if host else "Docker assigns a host port for"
            app_port = min(ports.ports)
            single = mapping.container_start == mapping.container_end or mapping.container_end is None
            suggestion = f"\"{host}:{app_port}\"" if host and single else f"\"{app_port}\""
            yield Violation(
                f"service `{svc.name}` publishes container port {published} ({reach} it), but "
                f"the app listens on {ports.describe()}: nothing answers on {published} inside "
                f"the container, so clients get `curl: (52) Empty reply from server` or "
                "`Connection reset by peer`",
                Location.at(mapping.path, mapping.pos),
                related=ports.related(),
                fix=f"publish the app's port ({suggestion}) or make the app listen on {published}",
            )
