from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.kubernetes import Workload


class MayRunAsRoot(Rule[Workload]):
    """Nothing in the pod spec stops a container from running as root.

    ## Why
    Without `runAsNonRoot: true` or a non-zero `runAsUser` (on the pod or the container), the
    container runs as the image's `USER`, which is root for most base images. A process that is
    root in the container is root on files it can reach through volumes, and one escape bug away
    from root on the node; restricted Pod Security admission rejects such pods
    (`violates PodSecurity "restricted:latest": runAsNonRoot != true`). Running as non-root also
    means listening on a port of 1024 or more (O7). This is advice: the image may well declare a
    non-root `USER`, which `runAsNonRoot: true` then verifies at start.

    ## Bad
    ```k8s/app.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          containers:
            - name: api
              image: api:2.0
    ```

    ## Good
    ```k8s/app.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
          containers:
            - name: api
              image: api:2.0
    ```

    ## Fix
    Set `securityContext.runAsNonRoot: true` (and a `runAsUser` if the image has no numeric
    non-root `USER`) on the pod, and make the app listen on a port of 1024 or more.
    """

    code = "DC313"
    name = "may-run-as-root"
    category = Category.SECURITY
    severity = Severity.INFO
    target = Workload
    fix = "set securityContext.runAsNonRoot: true (and runAsUser: 10001 if the image has no non-root USER)"

    def check(self, model: Workload, options: NoOptions) -> Iterator[Violation]:
        if model.partial:
            return
        for container in model.running_containers():
            sec = container.security
            if sec.non_root():
                continue
            if sec.run_as_user == 0:
                how = "runs as root (runAsUser: 0)"
            else:
                how = ("sets neither runAsNonRoot: true nor a non-zero runAsUser, so it runs as root "
                       "unless the image declares another USER")
            yield Violation(
                f"container {container.name!r} of {model.ref} {how}; a compromise of the app is then "
                "root in the container and on everything mounted into it",
                Location.at(model.path, container.pos),
            )
