from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.kubernetes import Workload


class MissingLivenessProbe(Rule[Workload]):
    """A long-running workload has no liveness probe, so a hung process is never restarted.

    ## Why
    The kubelet restarts a container only when its process exits or a liveness probe fails. A
    server that deadlocks, exhausts its worker pool or hangs on a dead connection keeps running,
    and with a readiness probe it is merely taken out of the Service: capacity shrinks until a
    human deletes the pod (R7). Keep the liveness check cheap and independent of databases and
    other services (L6); give slow starters a `startupProbe` instead of a long initial delay.

    ## Bad
    ```k8s/app.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: worker
    spec:
      selector:
        matchLabels: {app: worker}
      template:
        metadata:
          labels: {app: worker}
        spec:
          containers:
            - name: worker
              image: worker:2.0
    ```

    ## Good
    ```k8s/app.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: worker
    spec:
      selector:
        matchLabels: {app: worker}
      template:
        metadata:
          labels: {app: worker}
        spec:
          containers:
            - name: worker
              image: worker:2.0
              livenessProbe:
                exec: {command: [/app/worker, healthcheck]}
    ```

    ## Fix
    Add a `livenessProbe` to the main container: an HTTP `/livez`-style path that answers as long
    as the process works, or a `tcpSocket`/`exec` check, with a generous `failureThreshold`.
    """

    code = "DC308"
    name = "missing-liveness-probe"
    category = Category.HEALTH
    severity = Severity.INFO
    target = Workload
    fix = "add a cheap livenessProbe (process-local health path, tcpSocket or exec) to the main container"

    def check(self, model: Workload, options: NoOptions) -> Iterator[Violation]:
        if model.partial or not model.long_running or not model.containers:
            return
        if any(c.liveness_probe for c in model.running_containers()):
            return
        container = model.containers[0]
        yield Violation(
            f"no container of {model.ref} has a livenessProbe, so if {container.name!r} hangs "
            "(deadlock, exhausted workers) the kubelet never restarts it and the pod stays broken "
            "until someone deletes it",
            Location.at(model.path, container.pos),
        )
