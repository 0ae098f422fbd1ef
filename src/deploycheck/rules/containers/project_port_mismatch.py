# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import ContainerDeployment
from deploycheck.model.links import EnvSetting, Listen


def _where(listen: Listen) -> str:
    where = listen.location.short()
    return listen.origin if where in listen.origin else f"{where}, {listen.origin}"


class ProjectPortMismatch(Rule[ContainerDeployment]):
    r"""The container publishes a port the app's source does not listen on.

    ## Why
    With `--project`, deploycheck knows where the source listens (a Go `r.Run(":8080")`, a
    `PORT` default, a gunicorn `-b`), with the container's own environment applied. A
    container that publishes another port reaches nothing: Docker's proxy accepts and resets
    (pitfall P6). The finding points at the line of the source that sets the port, so the fix
    is one edit, even when the container is not running and its sockets cannot be read.

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "361618f68e67", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "api:latest", "Env": []},
      "State": {"Status": "exited", "ExitCode": 2},
      "HostConfig": {"PortBindings": {"9090/tcp": [{"HostIp": "", "HostPort": "9090"}]}}},
     "project_files": {
      "api/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n",
      "api/requirements.txt": "flask\ngunicorn\n",
      "api/app.py": "from flask import Flask\napp = Flask(__name__)\n"}}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "361618f68e67", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "api:latest", "Env": []},
      "State": {"Status": "running", "Running": true, "Pid": 4242},
      "HostConfig": {"PortBindings": {"8000/tcp": [{"HostIp": "", "HostPort": "9090"}]}}},
     "project_files": {
      "api/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n",
      "api/requirements.txt": "flask\ngunicorn\n",
      "api/app.py": "from flask import Flask\napp = Flask(__name__)\n"}}
    ```

    ## Fix
    Publish the port the app listens on (`-p 9090:8000`), or make the app listen on the
    published container port; derive both from one variable.
    """

    code = "CT031"
    name = "project-port-mismatch"
    category = Category.ROUTING
    severity = Severity.ERROR
    target = ContainerDeployment
    fix = "publish the port the app listens on (-p HOST:APP_PORT), or make the app listen on the published port"

    def check(self, model: ContainerDeployment, options: NoOptions) -> Iterator[Violation]:
        c, dep = model.container, model.deployment
        tcp = [p for p in c.ports if p.protocol == "tcp"]
        if not tcp:
            return
        # The running container's environment is what the app really sees.
        actual = replace(dep, env=tuple(EnvSetting(k, v, c.location(("env", k)), "the container")
                                        for k, v in c.env))
        everything = actual.listens()
        listens = [lst for lst in everything if lst.port is not None]
        if not listens or len(listens) != len(everything):
            return  # some listen address is unknown: say nothing rather than guess
        app_ports = {lst.port for lst in listens}
        published = {p.container_port for p in tcp}
        if published & app_ports:
            return
        main = listens[0]
        port = tcp[0]
        yield Violation(
            f"container {c.name} publishes container port {port.container_port} ({port.label()}), but the app "
            f"listens on {main.text()} ({_where(main)}): the published port reaches nothing",
            c.location(("port", port.spec())),
            tuple(Related(lst.location, f"the app listens on {lst.text()} ({lst.origin})") for lst in listens),
            fix=f"publish the app's port (-p {port.host_port or port.container_port}:{main.port}) or make the app "
                f"listen on {port.container_port}")
