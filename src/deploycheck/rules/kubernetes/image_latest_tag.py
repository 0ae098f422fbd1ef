from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Rule, Severity, Violation
from deploycheck.model.kubernetes import K8sCluster, Workload


class ImageLatestTag(Rule[K8sCluster]):
    """A container image has no tag or uses `:latest`, so what runs changes without a deploy.

    ## Why
    `image: api` means `api:latest`, and for `:latest` (or no tag) the default
    `imagePullPolicy` is `Always`. Every pod start pulls whatever the tag points to at that
    moment: replicas of one Deployment run different builds, a node restart silently upgrades,
    and `kubectl rollout undo` cannot go back because the manifest never changed. With a
    locally built image (kind, minikube) the forced pull fails instead: `ErrImagePull` /
    `ImagePullBackOff` with `pull access denied ... repository does not exist`. Images given by a
    digest (`@sha256:...`) or with `imagePullPolicy: Never` (a local development setup) are not
    reported, nor templated images (`${TAG}`), nor images whose tag a kustomization's `images:`
    or `skaffold.yaml` sets at deploy time.

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
              image: registry.example.com/shop/api:latest
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
          containers:
            - name: api
              image: registry.example.com/shop/api:2.4.1
    ```

    ## Fix
    Tag each build with an immutable version (a release number or the commit SHA) and deploy that
    tag, or pin the digest.
    """

    code = "DC312"
    name = "image-latest-tag"
    category = Category.BUILD
    severity = Severity.WARNING
    target = K8sCluster
    fix = "deploy an immutable tag (release version or commit SHA) or pin the image digest"

    def check(self, model: K8sCluster, options: NoOptions) -> Iterator[Violation]:
        for workload in model.workloads:
            yield from self._workload(model, workload)

    def _workload(self, cluster: K8sCluster, model: Workload) -> Iterator[Violation]:
        for container in model.all_containers():
            image = container.image
            if not image or "$" in image or "{{" in image or container.image_pull_policy == "Never":
                continue
            repository, tag, digest = container.image_parts()
            if digest or (tag is not None and tag != "latest") or cluster.image_rewritten(repository):
                continue
            what = "has no tag, which means `:latest`" if tag is None else "uses the `:latest` tag"
            if container.image_pull_policy == "IfNotPresent":
                effect = ("each node keeps whichever build it pulled first, so replicas run different "
                          "builds and a new push never reaches nodes that already have the tag")
            else:
                effect = ("every pod start pulls whatever the tag points to at that moment, so replicas "
                          "run different builds")
            yield Violation(
                f"image {image!r} of container {container.name!r} in {model.ref} {what}: {effect}, "
                "and `kubectl rollout undo` cannot return to the previous version",
                Location.at(model.path, container.image_pos or container.pos),
                fix=f"deploy a versioned tag such as {repository}:1.2.3 (or the commit SHA), or pin a digest",
            )
