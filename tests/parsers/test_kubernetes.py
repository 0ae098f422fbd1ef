"""The Kubernetes manifest parser: objects, positions, variants, and hostile input."""

from __future__ import annotations

import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploycheck.model import Position, SourceFile
from deploycheck.model.kubernetes import (
    ConfigMap,
    EnvFromKind,
    Ingress,
    K8sCluster,
    Kustomization,
    LimitRange,
    OtherObject,
    ProbeHandler,
    RefKind,
    Secret,
    Service,
    Workload,
    assemble,
    cpu_millicores,
    memory_bytes,
    split_image,
)
from deploycheck.parsers.kubernetes import parse

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        tier: front
    spec:
      serviceAccountName: web-sa
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
      nodeSelector:
        kubernetes.io/arch: arm64
      containers:
        - name: app
          image: registry:5000/shop/web:1.2
          command: ["/app/server"]
          args:
            - --port
            - "8080"
          workingDir: /app
          ports:
            - name: http
              containerPort: 8080
            - containerPort: 9090
              protocol: udp
          env:
            - name: DB_HOST
              value: db
            - name: EMPTY
            - name: DB_PASS
              valueFrom:
                secretKeyRef: {name: db, key: password, optional: true}
            - name: MEM
              valueFrom:
                resourceFieldRef: {resource: limits.memory, containerName: app}
          envFrom:
            - prefix: CFG_
              configMapRef: {name: web-config}
            - secretRef: {name: web-secrets}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "1.5", memory: 1e9}
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
              scheme: https
              httpHeaders:
                - name: Host
                  value: shop.example.com
            periodSeconds: 5
          livenessProbe:
            tcpSocket: {port: 8080}
            failureThreshold: 6
          startupProbe:
            exec:
              command: [cat, /tmp/started]
          securityContext:
            runAsUser: 0
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
          volumeMounts:
            - name: conf
              mountPath: /etc/web
              readOnly: true
      volumes:
        - name: conf
          configMap: {name: web-files, optional: true}
        - name: data
          persistentVolumeClaim: {claimName: web-data}
        - name: all
          projected:
            sources:
              - configMap: {name: a}
              - secret: {name: b}
"""


def parse_text(text: str, path: str = "k8s/app.yaml") -> tuple[list[object], list[str]]:
    result = parse(SourceFile.of(path, text, "yaml"))
    return list(result.models), [p.message for p in result.problems]


def only(models: list[object], cls: type) -> list:  # type: ignore[type-arg]
    return [m for m in models if isinstance(m, cls)]


# ---------------------------------------------------------------------------------------------
# Workloads


def test_deployment_fields_and_positions() -> None:
    models, problems = parse_text(APP)
    assert problems == []
    (w,) = only(models, Workload)
    assert (w.kind, w.name, w.namespace, w.namespace_explicit) == ("Deployment", "web", "shop", True)
    assert w.labels == (("app", "web"),)
    assert w.pod_labels == (("app", "web"), ("tier", "front"))
    assert w.pod_labels_pos == Position(14, 7)
    assert w.selector == (("app", "web"),)
    assert w.replicas == 3
    assert w.service_account == "web-sa"
    assert w.node_arch == ("arm64",) and w.arch_constraints() == ("arm64",)
    assert w.pos == Position(1, 1) and w.name_pos == Position(4, 9)
    assert not w.partial and w.long_running
    (c,) = w.containers
    assert c.name == "app" and c.pos == Position(25, 11)
    assert c.image == "registry:5000/shop/web:1.2" and c.image_pos == Position(26, 18)
    assert c.image_parts() == ("registry:5000/shop/web", "1.2", None)
    assert c.argv() == ("/app/server", "--port", "8080")
    assert c.command is not None and c.command.pos == Position(27, 20)
    assert c.args is not None and c.args.positions == (Position(29, 15), Position(30, 15))
    assert c.working_dir == "/app"
    assert [(p.name, p.container_port, p.protocol, p.pos) for p in c.ports] == [
        ("http", 8080, "TCP", Position(33, 15)), (None, 9090, "UDP", Position(35, 15))]
    assert c.port_numbers() == frozenset({8080, 9090})
    assert c.port_named("http") is not None and c.port_named("nope") is None
    assert w.container_port_named("http") == (c, c.ports[0])


def test_env_and_env_from() -> None:
    (w,) = only(parse_text(APP)[0], Workload)
    c = w.containers[0]
    by_name = {e.name: e for e in c.env}
    assert by_name["DB_HOST"].value == "db" and by_name["DB_HOST"].pos == Position(38, 15)
    assert by_name["EMPTY"].value is None and by_name["EMPTY"].value_from is None
    ref = by_name["DB_PASS"].value_from
    assert ref is not None and ref.kind is RefKind.SECRET_KEY
    assert (ref.name, ref.key, ref.optional, ref.pos) == ("db", "password", True, Position(43, 17))
    mem = by_name["MEM"].value_from
    assert mem is not None and mem.kind is RefKind.RESOURCE_FIELD
    assert (mem.resource, mem.container_name) == ("limits.memory", "app")
    assert c.env_var("DB_HOST") is by_name["DB_HOST"]
    assert [(e.kind, e.name, e.prefix) for e in c.env_from] == [
        (EnvFromKind.CONFIG_MAP, "web-config", "CFG_"), (EnvFromKind.SECRET, "web-secrets", "")]


def test_resources_probes_security_volumes() -> None:
    (w,) = only(parse_text(APP)[0], Workload)
    c = w.containers[0]
    r = c.resources
    assert r.cpu_request is not None and r.cpu_request.value == 100
    assert r.cpu_limit is not None and r.cpu_limit.value == 1500
    assert r.memory_request is not None and r.memory_request.value == 128 * 2**20
    assert r.memory_limit is not None and (r.memory_limit.text, r.memory_limit.value) == ("1e9", 10**9)
    assert r.pos == Position(51, 11)
    ready, live, start = c.readiness_probe, c.liveness_probe, c.startup_probe
    assert ready is not None and live is not None and start is not None
    assert (ready.handler, ready.port, ready.path, ready.scheme, ready.host_header) == (
        ProbeHandler.HTTP, "http", "/healthz", "HTTPS", "shop.example.com")
    assert ready.pos == Position(54, 11) and ready.port_pos == Position(57, 21)
    assert ready.path_pos == Position(56, 21) and ready.period_seconds == 5
    assert (live.handler, live.port, live.failure_threshold) == (ProbeHandler.TCP, 8080, 6)
    assert (start.handler, start.command) == (ProbeHandler.EXEC, ("cat", "/tmp/started"))
    assert c.probes() == (ready, live, start)
    sec = c.security
    # The pod says non-root and user 1000; the container overrides the user only.
    assert sec.run_as_non_root is True and sec.run_as_non_root_pos == Position(20, 9)
    assert sec.run_as_user == 0 and not sec.non_root()
    assert sec.allow_privilege_escalation is False
    assert sec.drops_all and sec.has_capability_added("NET_BIND_SERVICE")
    assert w.pod_security.run_as_user == 1000 and w.pod_security.non_root()
    assert [(v.name, v.mount_path, v.read_only) for v in c.volume_mounts] == [("conf", "/etc/web", True)]
    assert [(v.name, v.kind, v.source, v.optional) for v in w.volumes] == [
        ("conf", "configMap", "web-files", True), ("data", "persistentVolumeClaim", "web-data", False),
        ("all", "projected", None, False)]
    assert w.volumes[2].sources == (("configMap", "a"), ("secret", "b"))


@pytest.mark.parametrize("kind,spec,long_running", [
    ("StatefulSet", "serviceName: db\n  ", True),
    ("DaemonSet", "", True),
    ("ReplicaSet", "", True),
    ("Job", "", False),
])
def test_other_controllers(kind: str, spec: str, long_running: bool) -> None:
    text = f"""\
apiVersion: apps/v1
kind: {kind}
metadata: {{name: x}}
spec:
  {spec}selector: {{matchLabels: {{app: x}}}}
  template:
    metadata: {{labels: {{app: x}}}}
    spec:
      containers: [{{name: x, image: "x:1"}}]
"""
    (w,) = only(parse_text(text)[0], Workload)
    assert w.kind == kind and w.pod_labels == (("app", "x"),) and w.long_running is long_running
    assert w.containers[0].image == "x:1"


def test_cronjob_pod_and_replication_controller() -> None:
    text = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {job: nightly}}
        spec:
          restartPolicy: OnFailure
          containers: [{name: run, image: "run:1"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  labels: {app: debug}
spec:
  restartPolicy: Never
  hostNetwork: true
  containers: [{name: sh, image: "busybox:1.36"}]
---
apiVersion: v1
kind: ReplicationController
metadata: {name: old}
spec:
  selector: {app: old}
  template:
    metadata: {labels: {app: old}}
    spec:
      containers: [{name: old, image: "old:1"}]
"""
    cron, pod, rc = only(parse_text(text)[0], Workload)
    assert cron.pod_labels == (("job", "nightly"),) and cron.containers[0].name == "run"
    assert not cron.long_running and cron.restart_policy == "OnFailure"
    assert pod.pod_labels == (("app", "debug"),) and pod.host_network and not pod.long_running
    assert pod.pos == Position(14, 1)
    assert rc.selector == (("app", "old"),)


def test_sidecars_affinity_sysctls_and_partial_patches() -> None:
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      securityContext:
        sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "0"}]
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - {key: kubernetes.io/arch, operator: In, values: [amd64, arm64]}
              - matchExpressions:
                  - {key: beta.kubernetes.io/arch, operator: In, values: [amd64]}
      initContainers:
        - {name: proxy, image: "envoy:1", restartPolicy: Always, ports: [{name: admin, containerPort: 9901}]}
        - {name: migrate, image: "api:1"}
      containers:
        - {name: api, image: "api:1"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: api
          resources: {limits: {memory: 1Gi}}
"""
    full, patch = only(parse_text(text)[0], Workload)
    assert full.affinity_arch == ("amd64", "arm64")
    assert full.sysctls == (("net.ipv4.ip_unprivileged_port_start", "0"),)
    assert [c.name for c in full.running_containers()] == ["api", "proxy"]
    assert full.container_port_named("admin") is not None and full.declares_ports()
    assert not full.partial and patch.partial


def test_affinity_term_without_arch_leaves_arch_open() -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [arm64]}]
          - matchExpressions: [{key: zone, operator: In, values: [a]}]
  containers: [{name: c, image: "c:1"}]
"""
    (w,) = only(parse_text(text)[0], Workload)
    assert w.affinity_arch == ()


# ---------------------------------------------------------------------------------------------
# Services, Ingresses, config


def test_service_ports_and_selector() -> None:
    text = """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
      nodePort: 30080
    - port: 9090
    - port: 443
      targetPort: "8443"
      protocol: TCP
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  ports: [{port: 5432}]
"""
    models, _ = parse_text(text)
    web, db = only(models, Service)
    assert web.selector == (("app", "web"),) and web.selector_pos == Position(6, 3)
    assert web.type == "NodePort"
    http, metrics, tls = web.ports
    assert (http.name, http.port, http.target_port, http.node_port) == ("http", 80, "http", 30080)
    assert http.target_port_pos == Position(11, 19) and http.target_port_explicit
    assert (metrics.target_port, metrics.target_port_explicit) == (9090, False)
    assert tls.target_port == 8443
    assert web.port_named("http") is http and web.port_numbered(443) is tls
    assert db.selector is None and db.headless and db.namespace == "default" and not db.namespace_explicit


def test_service_selects_and_namespaces() -> None:
    text = """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web, tier: a}}
    spec: {containers: [{name: c, image: "c:1"}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: other}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: "c:1"}]}
"""
    models, _ = parse_text(text)
    (svc,) = only(models, Service)
    implicit, other = only(models, Workload)
    assert svc.selects(implicit)  # no namespace given: may be applied to any namespace
    assert not svc.selects(other)
    (cluster,) = assemble(models)
    assert isinstance(cluster, K8sCluster)
    assert cluster.workloads_selected_by(svc) == (implicit,)
    assert cluster.services_selecting(implicit) == (svc,)
    assert cluster.services_named("web", near=other) == ()


def test_ingress_v1_and_v1beta1() -> None:
    text = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  annotations: {kubernetes.io/ingress.class: traefik}
spec:
  tls:
    - hosts: [shop.example.com]
      secretName: shop-tls
  defaultBackend:
    service: {name: fallback, port: {number: 80}}
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  name: http
          - path: /assets
            pathType: Prefix
            backend:
              resource: {apiGroup: k8s.example.com, kind: Bucket, name: assets}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: old}
spec:
  backend: {serviceName: fallback, servicePort: 8080}
  rules:
    - http:
        paths:
          - backend:
              serviceName: web
              servicePort: http
"""
    new, old = only(parse_text(text)[0], Ingress)
    assert new.ingress_class == "traefik"
    assert [(t.hosts, t.secret_name) for t in new.tls] == [(("shop.example.com",), "shop-tls")]
    assert new.default_backend is not None and new.default_backend.service_name == "fallback"
    assert new.default_backend.port_number == 80
    web, assets = new.paths
    assert (web.host, web.path, web.path_type) == ("shop.example.com", "/", "Prefix")
    assert (web.backend.service_name, web.backend.port_name) == ("web", "http")
    assert web.backend.service_pos == Position(20, 23) and web.backend.port_pos == Position(22, 25)
    assert assets.backend.resource_kind == "Bucket" and assets.backend.service_name is None
    assert len(new.backends()) == 3
    assert old.default_backend is not None and old.default_backend.port_number == 8080
    (path,) = old.paths
    assert (path.host, path.backend.service_name, path.backend.port_name) == (None, "web", "http")


def test_config_maps_secrets_limit_ranges_and_others() -> None:
    text = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data:
  A: "1"
  config.yaml: |
    x: 1
binaryData:
  blob: AAAA
---
apiVersion: v1
kind: Secret
metadata: {name: s}
type: kubernetes.io/tls
data: {tls.crt: AAAA}
stringData: {tls.key: secret}
---
apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec:
  limits: [{type: Container, default: {memory: 512Mi}}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: sm}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r}
"""
    models, _ = parse_text(text)
    (cm,) = only(models, ConfigMap)
    assert cm.keys() == frozenset({"A", "config.yaml", "blob"})
    assert cm.value("A") == "1" and cm.value("config.yaml") == "x: 1\n" and cm.value("blob") is None
    assert cm.has_key("A") and cm.entries[0].pos == Position(5, 3)
    (secret,) = only(models, Secret)
    assert secret.keys() == frozenset({"tls.crt", "tls.key"}) and secret.type == "kubernetes.io/tls"
    assert all(e.value is None for e in secret.entries)  # secret values are not kept
    (lr,) = only(models, LimitRange)
    assert lr.default_memory_limit and not lr.default_memory_request
    monitor, role = only(models, OtherObject)
    assert not monitor.builtin and role.builtin


def test_list_kind_and_multi_document_stream() -> None:
    text = """\
---
# leading comment
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a}
  - apiVersion: v1
    kind: Service
    metadata: {name: b}
    spec: {ports: [{port: 80}]}
---
---
apiVersion: v1
kind: ConfigMapList
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}
...
"""
    models, problems = parse_text(text)
    assert problems == []
    assert [(type(m).__name__, m.name) for m in models] == [  # type: ignore[attr-defined]
        ("ConfigMap", "a"), ("Service", "b"), ("ConfigMap", "c")]
    assert models[0].pos == Position(6, 5)  # type: ignore[attr-defined]


def test_kustomization() -> None:
    text = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
namePrefix: prod-
resources: [deployment.yaml, service.yaml]
configMapGenerator:
  - name: app-config
    envs: [app.env]
secretGenerator:
  - name: app-secrets
    literals: [A=b]
"""
    (k,) = parse_text(text, "overlays/prod/kustomization.yaml")[0]
    assert isinstance(k, Kustomization)
    assert (k.namespace, k.name_prefix, k.resources) == ("shop", "prod-", ("deployment.yaml", "service.yaml"))
    assert k.generated_config_maps == ("app-config",) and k.generated_secrets == ("app-secrets",)
    # Older kustomization files have no apiVersion/kind at all.
    (old,) = parse_text("bases: [../base]\nconfigMapGenerator: [{name: x}]\n", "kustomization.yml")[0]
    assert isinstance(old, Kustomization) and old.resources == ("../base",)


def test_image_rewrites_of_kustomize_and_skaffold() -> None:
    kustomization = "kind: Kustomization\nimages:\n  - {name: ghcr.io/a/api, newTag: 1.2.0}\n"
    skaffold = "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts: [{image: ghcr.io/a/web}]\n"
    models = parse_text(kustomization, "deploy/kustomization.yaml")[0]
    models += parse_text(skaffold, "skaffold.yaml")[0]
    assert [type(m).__name__ for m in models] == ["Kustomization", "SkaffoldConfig"]
    (cluster,) = assemble(models)
    assert isinstance(cluster, K8sCluster)
    assert cluster.image_rewritten("ghcr.io/a/api") and cluster.image_rewritten("ghcr.io/a/web")
    assert not cluster.image_rewritten("ghcr.io/a/other")


def test_stdin_manifest() -> None:
    models, problems = parse_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", "-")
    assert [m.path for m in models] == ["-"] and problems == []  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# What is not Kubernetes, and malformed input


def test_other_yaml_yields_nothing() -> None:
    ci = "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n"
    assert parse_text(ci, ".github/workflows/ci.yml") == ([], [])
    values = "replicaCount: 2\nimage:\n  repository: web\n  tag: 1.0\nkind: web\n"
    assert parse_text(values, "chart/values.yaml") == ([], [])
    chart = "apiVersion: v2\nname: web\nversion: 0.1.0\n"
    assert parse_text(chart, "chart/Chart.yaml") == ([], [])


def test_syntax_errors_reported_only_for_kubernetes_looking_files() -> None:
    broken = "apiVersion: v1\nkind: Service\nmetadata:\n  name: [web\n"
    models, problems = parse_text(broken, "svc.yaml")
    assert models == [] and len(problems) == 1 and "invalid YAML" in problems[0]
    result = parse(SourceFile.of("svc.yaml", broken, "yaml"))
    assert result.problems[0].location.path == "svc.yaml" and result.problems[0].location.line >= 4
    # Under a manifests folder, even without apiVersion/kind.
    assert parse_text("a: [1\n", "deploy/x.yaml")[1]
    # Another YAML file with the same mistake is none of our business.
    assert parse_text("apiVersion: 1\nfoo: [1\n", "ci/config.yml") == ([], [])
    # A good document before a broken one is still read.
    models, problems = parse_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n]]\n", "x.yaml")
    assert len(models) == 1 and problems


def test_helm_templates_are_skipped() -> None:
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          {{- toYaml .Values.resources | nindent 10 }}
"""
    assert parse_text(text, "chart/templates/deployment.yaml") == ([], [])


@pytest.mark.parametrize("text", [
    "", "\n\n", "---\n", "~\n", "- 1\n- 2\n", "apiVersion: v1\nkind: Pod\n",
    "apiVersion: v1\nkind: Pod\nmetadata: 5\nspec: [1, 2]\n",
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers: 7\n",
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n"
    "      containers: [1, [2], {name: [x]}]\n",
    "apiVersion: v1\nkind: Service\nspec: {selector: [a], ports: [{port: x, targetPort: {a: 1}}]}\n",
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nspec: {rules: [{http: {paths: [{backend: 3}]}}]}\n",
    "apiVersion: v1\nkind: List\n"
    "items: [{apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: Pod}]}]\n",
    "apiVersion: [v1]\nkind: {a: b}\n",
    "? [a, b]\n: c\napiVersion: v1\nkind: ConfigMap\ndata: {? [x] : y}\n",
    "\x00\x01\x02 apiVersion kind \xff\ufffd",
    "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n"
    "      resources: {limits: {memory: 1e999999, cpu: -5}}\n",
])
def test_odd_input_never_raises(text: str) -> None:
    parse(SourceFile.of("k8s/x.yaml", text, "yaml"))
    parse(SourceFile.of("x.yaml", text, "yaml"))


def test_billion_laughs_and_deep_nesting_are_refused() -> None:
    bomb = "apiVersion: v1\nkind: ConfigMap\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        bomb += f"{'b' * i}: &{'b' * i} [{', '.join(['*' + ('b' * (i - 1) if i > 1 else 'a')] * 10)}]\n"
    start = time.monotonic()
    _, problems = parse_text(bomb)
    assert problems and "refused" in problems[0]
    deep = "apiVersion: v1\nkind: ConfigMap\ndata: " + "[" * 500 + "]" * 500 + "\n"
    _, problems = parse_text(deep)
    assert problems
    assert time.monotonic() - start < 10


def test_large_stream_is_linear() -> None:
    doc = APP.replace("name: web\n  namespace", "name: web-{i}\n  namespace")
    text = "\n---\n".join(doc.replace("{i}", str(i)) for i in range(300))
    start = time.monotonic()
    models, problems = parse_text(text)
    assert len(models) == 300 and not problems
    assert time.monotonic() - start < 5


# ---------------------------------------------------------------------------------------------
# Helpers of the model


@pytest.mark.parametrize("text,millicores,bytes_", [
    ("100m", 100, 1), ("1", 1000, 1), ("0.5", 500, 1), ("1.5", 1500, 2), (".1", 100, 1),
    ("250u", 1, 1), ("1k", 10**6, 1000), ("1Ki", 1024000, 1024), ("128Mi", None, 128 * 2**20),
    ("1G", None, 10**9), ("2Gi", None, 2 * 2**30), ("1e3", 10**6, 1000), ("1E", None, 10**18),
    ("1e-3", 1, 1), ("+2", 2000, 2),
])
def test_quantities(text: str, millicores: int | None, bytes_: int) -> None:
    if millicores is not None:
        assert cpu_millicores(text) == millicores
    assert memory_bytes(text) == bytes_


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "10 Mi", "1Zi", "Mi", "1e99999"])
def test_bad_quantities(text: str) -> None:
    assert memory_bytes(text) is None and cpu_millicores(text) is None


@pytest.mark.parametrize("image,parts", [
    ("nginx", ("nginx", None, None)),
    ("nginx:1.27", ("nginx", "1.27", None)),
    ("localhost:5000/app", ("localhost:5000/app", None, None)),
    ("localhost:5000/app:v2", ("localhost:5000/app", "v2", None)),
    ("ghcr.io/a/b@sha256:abc", ("ghcr.io/a/b", None, "sha256:abc")),
    ("ghcr.io/a/b:1@sha256:abc", ("ghcr.io/a/b", "1", "sha256:abc")),
])
def test_split_image(image: str, parts: tuple[str, str | None, str | None]) -> None:
    assert split_image(image) == parts


def test_assemble_without_objects_is_empty() -> None:
    assert assemble([]) == ()
    assert assemble(["not a manifest", 3]) == ()


# ---------------------------------------------------------------------------------------------
# Property tests


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_never_raises(text: str) -> None:
    for path in ("k8s/a.yaml", "a.yaml", "kustomization.yaml"):
        result = parse(SourceFile.of(path, "apiVersion: v1\nkind: Pod\n" + text, "yaml"))
        assert isinstance(result.models, tuple)
        parse(SourceFile.of(path, text, "yaml"))


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-70000, 70000), st.text(max_size=12),
                     st.sampled_from(["http", "8080", "100m", "1Gi", "ALL", "Always", "default"]))
_keys = st.sampled_from([
    "apiVersion", "kind", "metadata", "name", "namespace", "labels", "spec", "template", "containers",
    "initContainers", "ports", "containerPort", "port", "targetPort", "selector", "matchLabels",
    "env", "valueFrom", "configMapKeyRef", "key", "envFrom", "resources", "limits", "memory", "cpu",
    "readinessProbe", "livenessProbe", "httpGet", "tcpSocket", "grpc", "exec", "command",
    "securityContext", "runAsUser", "capabilities", "drop", "rules", "http", "paths", "backend",
    "service", "number", "serviceName", "servicePort", "data", "items", "volumes", "configMap",
    "affinity", "nodeSelector", "jobTemplate", "limits", "default", "tls", "hosts",
])
_trees = st.recursive(
    _scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(_keys, children, max_size=6)),
    max_leaves=40,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["Deployment", "CronJob", "Pod", "Service", "Ingress", "ConfigMap", "Secret",
                        "List", "LimitRange", "Kustomization"]),
       st.dictionaries(_keys, _trees, max_size=6))
def test_any_manifest_shape_never_raises(kind: str, body: dict[str, object]) -> None:
    doc = {"apiVersion": "apps/v1" if kind == "Deployment" else "v1", "kind": kind, **body}
    text = yaml.safe_dump(doc, sort_keys=False)
    result = parse(SourceFile.of("k8s/x.yaml", text, "yaml"))
    assemble(list(result.models))
