# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.containers import ContainerDeployment


def required_reads(dep: object) -> list[tuple[str, Location, str]]:
    """(variable, where the code reads it, how) for every read without a default."""
    from deploycheck.model.links import Deployment

    assert isinstance(dep, Deployment)
    out: list[tuple[str, Location, str]] = []
    if dep.go is not None:
        for read in dep.go.env_reads:
            if read.required:
                out.append((read.name, Location.at(read.path, read.pos), f"read with {read.via}, no default"))
    if dep.python is not None:
        for module, py_read in dep.python.required_env():
            out.append((py_read.name, Location.at(module.path, py_read.pos), f"read with {py_read.via}, no default"))
    return out


class ProjectEnvMissing(Rule[ContainerDeployment]):
    r"""The app's source requires an environment variable that the running container does not have.

    ## Why
    With `--project`, deploycheck reads the app's source with its deployment files: a Go
    `os.Getenv` checked for emptiness, `envconfig:"...,required"`, a Python `os.environ["X"]`,
    a pydantic setting without default. When the container's environment lacks one of them,
    the app fails at start or on the first request that needs it (`KeyError: 'SECRET_KEY'`),
    whatever the compose file or the Dockerfile seemed to say (pitfall O10).

    ## Bad
    ```api.container.json
    {"inspect": {"Id": "7329144d183a", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "api:latest", "Env": ["PATH=/usr/bin:/bin"]},
      "State": {"Status": "exited", "ExitCode": 1}, "HostConfig": {}},
     "project_files": {
      "api/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"main.py\"]\n",
      "api/requirements.txt": "flask\n",
      "api/main.py": "import os\nfrom flask import Flask\n\napp = Flask(__name__)\nSECRET_KEY = os.environ[\"SECRET_KEY\"]\n"}}
    ```

    ## Good
    ```api.container.json
    {"inspect": {"Id": "7329144d183a", "Name": "/api", "Path": "/app", "Args": [],
      "Config": {"Image": "api:latest", "Env": ["PATH=/usr/bin:/bin", "SECRET_KEY=s3cr3t"]},
      "State": {"Status": "running", "Running": true, "Pid": 4242}, "HostConfig": {}},
     "project_files": {
      "api/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"main.py\"]\n",
      "api/requirements.txt": "flask\n",
      "api/main.py": "import os\nfrom flask import Flask\n\napp = Flask(__name__)\nSECRET_KEY = os.environ[\"SECRET_KEY\"]\n"}}
    ```

    ## Fix
    Provide the variable to the container (compose `environment:`/`env_file:`, `docker run -e`,
    a Kubernetes Secret), or give it a default in the code when one makes sense.
    """

    code = "CT030"
    name = "project-env-missing"
    category = Category.CONFIG
    severity = Severity.ERROR
    target = ContainerDeployment
    fix = "provide the variable to the container (environment, env_file, -e, a Secret)"

    def check(self, model: ContainerDeployment, options: NoOptions) -> Iterator[Violation]:
        c, dep = model.container, model.deployment
        seen: set[str] = set()
        for name, where, how in required_reads(dep):
            if name in seen or c.env_value(name):
                continue
            seen.add(name)
            state = "is empty" if c.env_value(name) == "" else "is missing"
            yield Violation(
                f"container {c.name} ({dep.label}) runs code that requires the environment variable {name} "
                f"({where.short()}), and it {state} in the container's environment",
                c.location(("env", name)),
                (Related(where, f"{name} {how}"), Related(c.at(), f"Config.Env has no {name}")),
                fix=f"set {name} for {dep.label}")
