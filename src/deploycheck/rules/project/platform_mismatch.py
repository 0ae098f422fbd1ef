from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.links import Deployment
from deploycheck.rules.project._common_image import arch_of, builds_for


class PlatformMismatch(Rule[Deployment]):
    """The image or binary is built for one CPU architecture and deployed on another.

    ## Why
    `GOARCH=amd64` in the `go build`, or `FROM --platform=linux/amd64` in the final stage, fixes
    the architecture of what the image runs. When the Kubernetes pod is pinned to other nodes
    (`nodeSelector: kubernetes.io/arch: arm64`, or a required node affinity) or compose asks for
    another `platform:`, the container dies at once with `exec /app: exec format error`
    (older runtimes: `standard_init_linux.go:190: exec user process caused "exec format
    error"`), the classic of images built on one machine and run on Graviton or Apple Silicon
    (pitfall O4; docker/for-mac#5475).

    ## Bad
    ```Dockerfile
    FROM golang:1.22 AS build
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -o /out/api .

    FROM gcr.io/distroless/static
    COPY --from=build /out/api /api
    ENTRYPOINT ["/api"]
    ```

    ```k8s/deployment.yaml
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
          nodeSelector:
            kubernetes.io/arch: arm64
          containers:
            - name: api
              image: registry.example.com/api:1.0.0
    ```

    ## Good
    ```Dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.22 AS build
    ARG TARGETARCH
    WORKDIR /src
    COPY . .
    RUN CGO_ENABLED=0 GOOS=linux GOARCH=$TARGETARCH go build -o /out/api .

    FROM gcr.io/distroless/static
    COPY --from=build /out/api /api
    ENTRYPOINT ["/api"]
    ```

    ```k8s/deployment.yaml
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
          nodeSelector:
            kubernetes.io/arch: arm64
          containers:
            - name: api
              image: registry.example.com/api:1.0.0
    ```

    ## Fix
    Build for the target: `GOARCH=$TARGETARCH` with `ARG TARGETARCH` and `docker buildx build
    --platform linux/arm64` (or both platforms), drop the hard-coded `--platform` of the final
    stage, or pin the pods to the architecture the image has.
    """

    code = "DC731"
    name = "platform-mismatch"
    category = Category.PLATFORM
    severity = Severity.ERROR
    target = Deployment
    fix = "build for the architecture the deployment runs on (GOARCH=$TARGETARCH, buildx --platform)"

    def check(self, model: Deployment, options: NoOptions) -> Iterator[Violation]:
        df, final = model.dockerfile, model.stage
        if df is None or final is None:
            return
        wanted, where_wanted, how = _wanted(model)
        if not wanted:
            return
        pinned = next((s for s in final.chain() if s.platform), None)
        pinned_arch = arch_of(pinned.platform) if pinned else None
        if pinned is not None and pinned_arch is not None and pinned_arch not in wanted:
            yield Violation(
                f"stage {final.label} is pinned to {pinned.platform} (FROM --platform), but "
                f"{model.label} runs on {'/'.join(wanted)} nodes ({how}), so the container "
                "fails with `exec format error`",
                Location.at(df.path, pinned.pos),
                (Related(where_wanted, f"{how}"),),
                fix="remove `--platform` from the final stage's FROM (or set it to "
                    f"linux/{wanted[0]}), and build with `docker buildx build --platform linux/{wanted[0]}`",
            )
            return
        for stage, build in builds_for(df, final):
            arch = arch_of(build.goarch)
            if arch is None or arch in wanted or build.goos not in (None, "linux"):
                continue
            yield Violation(
                f"`go build` in stage {stage.label} sets GOARCH={build.goarch}, but {model.label} "
                f"runs on {'/'.join(wanted)} nodes ({how}), so the binary cannot run there and "
                "the container fails with `exec format error`",
                Location.at(df.path, build.goarch_pos or build.pos),
                (Related(where_wanted, how),),
                fix="build with `GOARCH=$TARGETARCH` (after `ARG TARGETARCH`) and `docker buildx build "
                    f"--platform linux/{wanted[0]}`",
            )
            return


def _wanted(dep: Deployment) -> tuple[tuple[str, ...], Location, str]:
    if dep.workload is not None:
        arches = tuple(a for a in (arch_of(x) for x in dep.workload.arch_constraints()) if a)
        if not arches:
            return (), dep.location, ""
        how = ("nodeSelector kubernetes.io/arch" if dep.workload.node_arch else
               "required node affinity on kubernetes.io/arch")
        pos = dep.workload.template_pos or dep.workload.pos
        return arches, Location.at(dep.workload.path, pos), f"{how} of {dep.workload.ref}: {'/'.join(arches)}"
    if dep.service is not None and dep.service.platform:
        arch = arch_of(dep.service.platform)
        if arch is None:
            return (), dep.location, ""
        return ((arch,), Location.at(dep.service.path, dep.service.pos),
                f"platform: {dep.service.platform} of service {dep.service.name!r}")
    return (), dep.location, ""
