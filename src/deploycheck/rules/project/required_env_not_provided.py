from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.kubernetes import EnvFromKind, K8sCluster
from deploycheck.model.links import Deployment
from deploycheck.model.project import Project
from deploycheck.rules.project._common_ports import RequiredEnv, env_like_files, required_env


def provided(dep: Deployment, need: RequiredEnv, cluster: K8sCluster | None) -> bool | None:
    """True when the deployment sets the variable, False when provably not, None when unknown."""
    names = {need.name.lower()} if need.case_insensitive else {need.name}
    for setting in dep.env:
        if (setting.name.lower() if need.case_insensitive else setting.name) in names:
            return True
    if not dep.env_opaque:
        return False
    container, workload = dep.container, dep.workload
    if container is None or workload is None or cluster is None:
        return None
    for ref in container.env_from:
        if ref.kind is not EnvFromKind.CONFIG_MAP or ref.name is None:
            return None  # a Secret's keys are not in the tree
        maps = cluster.config_maps_named(ref.name, workload)
        if not maps or cluster.generated_config_map(ref.name):
            return None
        for cm in maps:
            for entry in cm.entries:
                key = entry.key
                full = ref.prefix + key
                if (full.lower() if need.case_insensitive else full) in names:
                    return True
    return False


class RequiredEnvNotProvided(Rule[Project]):
    """The app cannot start without an environment variable that its deployment never sets.

    ## Why
    `os.environ["SECRET_KEY"]`, `config("DATABASE_URL")` without a default, a required pydantic
    settings field, or Go code that calls `log.Fatal` when `os.Getenv("X")` is empty all stop
    the app at start-up when the variable is missing: `KeyError: 'SECRET_KEY'`, then a
    restart loop (`Restarting (1)`, CrashLoopBackOff). It worked locally because the shell or a
    `.env` file set it (O10; anitab-org/portal#370, docker/python-docker-dev#7). The rule
    compares what the app requires with everything the deployment provides: Dockerfile `ENV`,
    compose `environment` and `env_file`, Kubernetes `env` and `envFrom` ConfigMaps in the tree.
    It stays quiet when the environment comes from somewhere it cannot read (a Secret via
    `envFrom`, an entrypoint script, a `.env` file the app loads itself). Images run alone with
    `docker run` are not checked: their variables are given with `-e`.

    ## Bad
    ```compose.yaml
    services:
      api:
        build: .
        ports:
          - "8000:8000"
        environment:
          DEBUG: "0"
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "main:app"]
    ```

    ```main.py
    import os

    from flask import Flask

    app = Flask(__name__)
    app.secret_key = os.environ["SECRET_KEY"]
    ```

    ## Good
    ```compose.yaml
    services:
      api:
        build: .
        ports:
          - "8000:8000"
        environment:
          DEBUG: "0"
          SECRET_KEY: ${SECRET_KEY:?set SECRET_KEY in .env}
    ```

    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install -r requirements.txt
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "main:app"]
    ```

    ```main.py
    import os

    from flask import Flask

    app = Flask(__name__)
    app.secret_key = os.environ["SECRET_KEY"]
    ```

    ## Fix
    Provide the variable where the app runs: compose `environment:` (with `${VAR:?message}` so a
    missing value stops `docker compose up` with a clear error) or `env_file:`, Kubernetes `env`
    from a Secret or ConfigMap. Do not bake secrets into the image with `ENV`.
    """

    code = "DC708"
    name = "required-env-not-provided"
    category = Category.CONFIG
    severity = Severity.ERROR
    target = Project
    fix = "set the variable in compose `environment`/`env_file` or the Kubernetes `env`"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        clusters = model.of(K8sCluster)
        cluster = clusters[0] if clusters else None
        missing: dict[tuple[str, int, str], tuple[RequiredEnv, list[Deployment]]] = {}
        env_files = env_like_files(model)
        for dep in model.of(Deployment):
            if dep.kind == "docker":
                continue
            if dep.service is not None and any(not model.has_file(ref.file) for ref in dep.service.env_files):
                continue  # a missing env_file is DC211's; its variables are unknown
            if dep.compose is not None and dep.service is not None and not dep.compose.owns(dep.service.path):
                continue
            needs = required_env(dep, env_files)
            if not needs:
                continue
            for need in needs:
                if provided(dep, need, cluster) is False:
                    key = (need.location.path, need.location.line, need.name)
                    missing.setdefault(key, (need, []))[1].append(dep)
        for need, deps in missing.values():
            labels = list(dict.fromkeys(f"{d.label} ({d.location.short()})" for d in deps))
            where = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
            related = tuple(dict.fromkeys(
                Related(d.location, f"{d.label} sets no {need.name}") for d in deps))
            first = deps[0]
            hint = (f"add `{need.name}: ${{{need.name}:?{need.name} is required}}` under "
                    f"`environment:` of service `{first.service.name}`"
                    if first.service is not None else
                    f"add `{need.name}` to the `env:` of container {first.name.partition('/')[2]!r} "
                    "(valueFrom a Secret for secrets)")
            yield Violation(
                f"the app requires {need.name} (read at {need.location.short()}) but {where} "
                f"never provide{'s' if len(labels) == 1 else ''} it: the app stops at start-up with "
                f"{need.crash()} and restarts in a loop",
                need.location,
                related=related,
                fix=hint,
            )

