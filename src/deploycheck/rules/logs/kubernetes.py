# ruff: noqa: E501 -- recorded facts and real log lines are quoted verbatim
"""Log signatures of Kubernetes events and statuses (`kubectl describe`, `kubectl get events`),
and of image builds in CI (LG130-LG149)."""

from __future__ import annotations

from deploycheck.rules.logs._base import Category, Severity, rule_classes, sig

C, S = Category, Severity

SIGNATURES = (
    sig("LG130", "crash-loop-backoff", C.HEALTH, S.ERROR,
        "A pod's container crashes repeatedly and Kubernetes backs off restarting it.",
        pattern=r"Back-off restarting failed container|\bCrashLoopBackOff\b",
        keywords=['Back-off restarting failed container', 'CrashLoopBackOff'],
        message="the container keeps exiting and is restarted with a growing delay (CrashLoopBackOff): "
                "the cause is in its previous log (`kubectl logs --previous`)",
        why="""Kubernetes restarts a crashing container after 10 s, 20 s, 40 s ... up to 5 minutes:
            `Back-off restarting failed container`. The reason is the exit of the previous run:
            a configuration error, a missing variable or dependency, an OOM kill, a failing
            liveness probe.""",
        fix="""read `kubectl logs POD --previous` and `kubectl describe pod POD` (Last State, exit
            code, Reason); `deploycheck logs` on that output names the cause""",
        bad=["  Warning  BackOff    12s (x6 over 1m)  kubelet  Back-off restarting failed container api "
             "in pod api-7d9f6c5b8-x2k4q_default(5e3c...)",
             "api-7d9f6c5b8-x2k4q   0/1     CrashLoopBackOff   6 (12s ago)   4m"],
        good=["api-7d9f6c5b8-x2k4q   1/1     Running   0          4m"]),

    sig("LG131", "probe-connection-refused", C.HEALTH, S.ERROR,
        "A Kubernetes probe finds nothing listening on the port it probes.",
        pattern=r"(?P<probe>Liveness|Readiness|Startup) probe failed: (?:Get \"?(?P<url>[^\"\s]+)\"?: )?"
                r"dial tcp (?P<target>\S+): connect: connection refused",
        keywords=['probe failed: '],
        key="probe",
        message="the {probe} probe gets `connection refused` on {target}: nothing listens on that port "
                "of the pod's IP (wrong probe port, the app bound to 127.0.0.1, or not started yet)",
        why="""The kubelet connects to the pod IP: a probe on a port the app does not use, an app
            listening on 127.0.0.1, or a slow start without a startupProbe give
            `Liveness probe failed: Get "http://10.1.2.3:8080/healthz": dial tcp 10.1.2.3:8080:
            connect: connection refused`, and failed liveness probes restart the container
            (pitfall P13; helm/charts#12409).""",
        fix="""probe the port the app really listens on, make the app listen on 0.0.0.0, and give
            slow starts a `startupProbe`""",
        bad=['  Warning  Unhealthy  5s (x3 over 25s)  kubelet  Liveness probe failed: Get '
             '"http://10.1.2.3:8080/healthz": dial tcp 10.1.2.3:8080: connect: connection refused'],
        good=["  Normal   Started    30s               kubelet  Started container api"]),

    sig("LG132", "probe-bad-status", C.HEALTH, S.ERROR,
        "A Kubernetes HTTP probe gets an error status from the app.",
        pattern=r"(?P<probe>Liveness|Readiness|Startup) probe failed: HTTP probe failed with statuscode: "
                r"(?P<status>\d+)",
        keywords=['HTTP probe failed with statuscode'],
        key="probe",
        message="the {probe} probe gets HTTP {status}: the path does not exist (404), the Host is "
                "rejected (400, Django ALLOWED_HOSTS) or the app reports itself unhealthy (503)",
        why="""An HTTP probe passes on 200-399 only: a wrong `path` (404), Django rejecting the pod
            IP as Host (400, pitfall L5), a redirect to HTTPS that the kubelet does not follow to
            a 2xx, or a dependency-aware health endpoint used for liveness (pitfall L6).""",
        fix="""probe a path the app serves with 200 (check the route table), send an allowed
            `Host` header, and keep liveness independent of dependencies""",
        bad=["  Warning  Unhealthy  3s (x10 over 48s)  kubelet  Readiness probe failed: HTTP probe failed "
             "with statuscode: 404"],
        good=["  Normal   Pulled     50s               kubelet  Container image \"api:1.4\" already present on machine"]),

    sig("LG133", "probe-timeout", C.HEALTH, S.WARNING,
        "A Kubernetes probe times out (timeoutSeconds: 1 by default).",
        pattern=r"(?P<probe>Liveness|Readiness|Startup) probe failed: .*(?:context deadline exceeded|"
                r"Client\.Timeout exceeded|timeout: failed to connect service)",
        keywords=['probe failed: '],
        key="probe",
        message="the {probe} probe times out: the endpoint answers slower than `timeoutSeconds` "
                "(1 s by default), or the app is blocked",
        why="""Probes default to a 1 second timeout; a health endpoint that queries the database,
            or a CPU-throttled container, misses it: `Liveness probe failed: Get
            "http://10.1.2.3:8080/healthz": context deadline exceeded (Client.Timeout exceeded
            while awaiting headers)`, and liveness failures restart a busy pod (pitfall L6).""",
        fix="""keep liveness cheap (no dependency checks), raise `timeoutSeconds`, and check CPU
            throttling""",
        bad=['  Warning  Unhealthy  7s (x4 over 37s)  kubelet  Liveness probe failed: Get '
             '"http://10.1.2.3:8080/healthz": context deadline exceeded (Client.Timeout exceeded while '
             'awaiting headers)'],
        good=["  Normal   Created    40s               kubelet  Created container api"]),

    sig("LG134", "image-pull-failed", C.CONFIG, S.ERROR,
        "The image cannot be pulled: wrong name or tag, a private registry, or no access.",
        pattern=r"Failed to pull image \"(?P<image>[^\"]+)\""
                r"|\b(?:ErrImagePull|ImagePullBackOff)\b"
                r"|pull access denied for (?P<image__2>[^,\s]+)",
        keywords=['Failed to pull image', 'ErrImagePull', 'ImagePullBackOff', 'pull access denied'],
        key="image",
        message="the image {image} cannot be pulled: the name or tag does not exist, or the registry "
                "needs credentials the node does not have",
        why="""A tag that was never pushed (a CI that builds but does not push, `latest` missing),
            a private registry without `imagePullSecrets`, or an image built for one platform only:
            `Failed to pull image "registry.example.com/api:1.4": ... manifest unknown`,
            `ImagePullBackOff`.""",
        fix="""push the tag, check the image reference, and give the pod `imagePullSecrets` for a
            private registry""",
        bad=['  Warning  Failed     10s   kubelet  Failed to pull image "registry.example.com/api:1.4": '
             'rpc error: code = NotFound desc = failed to pull and unpack image '
             '"registry.example.com/api:1.4": registry.example.com/api:1.4: not found',
             "api-7d9f6c5b8-x2k4q   0/1     ImagePullBackOff   0          2m"],
        good=['  Normal   Pulled     10s   kubelet  Successfully pulled image "registry.example.com/api:1.4"']),

    sig("LG135", "insufficient-node-resources", C.RESOURCES, S.ERROR,
        "No node has the CPU or memory the pod requests; it stays Pending.",
        pattern=r"\d+/\d+ nodes are available: .*?Insufficient (?P<resource>cpu|memory|[\w./-]+)",
        keywords=['nodes are available'],
        key="resource",
        message="the pod cannot be scheduled: no node has enough free {resource} for its requests",
        why="""The scheduler places pods by their *requests*: requests larger than any node's free
            capacity (often copied from limits) leave the pod Pending with `0/3 nodes are
            available: 3 Insufficient memory.`""",
        fix="""lower the pod's requests to what it needs at steady state, or add capacity""",
        bad=["  Warning  FailedScheduling  12s  default-scheduler  0/3 nodes are available: 3 "
             "Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found "
             "for incoming pod."],
        good=["  Normal   Scheduled  12s  default-scheduler  Successfully assigned default/api-7d9f to node-2"]),

    sig("LG136", "config-reference-missing", C.CONFIG, S.ERROR,
        "A pod references a Secret or ConfigMap (or a key) that does not exist.",
        pattern=r"(?:secret|configmap) \"(?P<name>[^\"]+)\" not found"
                r"|couldn't find key (?P<key>\S+) in (?P<kind>Secret|ConfigMap) (?P<name__2>\S+)",
        keywords=['" not found', "couldn't find key"],
        key="name",
        message="the pod references `{name}`, which does not exist in its namespace (or lacks the "
                "key), so its container is never created (CreateContainerConfigError)",
        why="""`env.valueFrom.secretKeyRef`/`envFrom` naming a Secret or ConfigMap that was not
            created in the pod's namespace, or a key that is not in it: `Error: secret
            "api-secrets" not found`, `couldn't find key DATABASE_URL in Secret default/api`
            (see DC3xx rules).""",
        fix="""create the Secret/ConfigMap in the pod's namespace with the keys it needs, or mark
            the reference `optional: true`""",
        bad=['  Warning  Failed  5s (x3 over 20s)  kubelet  Error: secret "api-secrets" not found',
             "  Warning  Failed  5s  kubelet  Error: couldn't find key DATABASE_URL in Secret default/api"],
        good=['  Normal   Pulled  5s  kubelet  Container image "api:1.4" already present on machine']),

    sig("LG137", "build-copy-source-missing", C.BUILD, S.ERROR,
        "A Dockerfile COPY names a file that is not in the build context.",
        pattern=r"COPY failed: (?:file not found in build context|stat [^:]+: file does not exist)"
                r"|failed to (?:compute cache key|calculate checksum of ref \S+):.*?\"(?P<path>[^\"]+)\": not found",
        keywords=['COPY failed', '": not found'],
        key="path",
        message="the build stops: COPY names `{path}`, which is not in the build context (wrong "
                "context folder, or excluded by .dockerignore)",
        why="""COPY sources are relative to the build *context* (the folder given to `docker
            build`, compose `build.context`), not to the Dockerfile; `.dockerignore` removes files
            before the build sees them: `failed to compute cache key: failed to calculate checksum
            of ref ...: "/templates": not found`.""",
        fix="""build from the folder that holds the file (compose `context:`), fix the source path,
            or remove the `.dockerignore` entry that excludes it""",
        bad=['#8 ERROR: failed to calculate checksum of ref 4c1e9f2a::x7kq: "/templates": not found',
             'ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref '
             '4c1e9f2a::x7kq: "/config.yaml": not found'],
        good=["#8 [build 3/6] COPY templates ./templates",
              "#8 DONE 0.1s"]),
)

globals().update(rule_classes(SIGNATURES, __name__))
