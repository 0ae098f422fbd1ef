"""k8s/: Deployment (probes on served paths, limits, non-root), Service, Secret, Ingress."""

from __future__ import annotations

import json

from deploycheck.scaffold.detect import AppFacts
from deploycheck.scaffold.generate import (
    PLACEHOLDER_DOMAIN,
    PLACEHOLDER_REGISTRY,
    TODO,
    Options,
    env_values,
    go_needs_gomaxprocs,
    limits,
    secret_names,
)
from deploycheck.scaffold.templates.dockerfile import NONROOT_GO, NONROOT_PY


def _q(value: str) -> str:
    return json.dumps(value)


def render(facts: AppFacts, options: Options) -> list[tuple[str, str, str]]:
    out = [("k8s/deployment.yaml", deployment(facts, options), "Kubernetes Deployment"),
           ("k8s/service.yaml", service(facts), "Kubernetes Service")]
    values = env_values(facts, options)
    if secret_names(values):
        out.append(("k8s/secret.yaml", secret(facts, secret_names(values)),
                    "Kubernetes Secret (placeholders to replace)"))
    if options.ingress or options.domain:
        out.append(("k8s/ingress.yaml", ingress(facts, options), "Kubernetes Ingress with TLS"))
    return out


def _labels(facts: AppFacts, indent: str) -> list[str]:
    return [f"{indent}app.kubernetes.io/name: {facts.name}"]


def _probe(kind: str, facts: AppFacts, path: str, **timing: int) -> list[str]:
    out = [f"          {kind}:"]
    if path:
        out += ["            httpGet:", f"              path: {path}", "              port: http"]
        if facts.probe_headers:
            out.append("              httpHeaders:")
            for key, value in facts.probe_headers:
                out += [f"                - name: {key}", f"                  value: {_q(value)}"]
    else:
        out += ["            tcpSocket:", "              port: http"]
    out += [f"            {k}: {v}" for k, v in timing.items()]
    return out


def deployment(facts: AppFacts, options: Options) -> str:
    lim = limits(facts)
    registry = options.registry or PLACEHOLDER_REGISTRY
    mark = "" if options.registry else f"  # {TODO}: your registry and release tag"
    uid = (NONROOT_GO if facts.is_go else NONROOT_PY).split(":")[0]
    ready = facts.health_path
    # Liveness must not fail when a dependency is down: a liveness-like path, else the port.
    live = facts.liveness_path or ("" if "ready" in ready.lower() else ready)
    out = [
        f"# {facts.name}, written by `deploycheck init`.",
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        f"  name: {facts.name}",
        "  labels:",
        *_labels(facts, "    "),
        "spec:",
        "  replicas: 2",
        "  selector:",
        "    matchLabels:",
        *_labels(facts, "      "),
        "  template:",
        "    metadata:",
        "      labels:",
        *_labels(facts, "        "),
        "    spec:",
        "      securityContext:",
        "        runAsNonRoot: true",
        f"        runAsUser: {uid}",
        f"        runAsGroup: {uid}",
        "        seccompProfile:",
        "          type: RuntimeDefault",
        "      containers:",
        f"        - name: {facts.name}",
        f"          image: {registry}/{facts.name}:0.1.0{mark}",
        "          ports:",
        "            - name: http",
        f"              containerPort: {facts.port}",
        "              protocol: TCP",
    ]
    env = _env(facts, options)
    if env:
        out += ["          env:", *env]
    out += _probe("startupProbe", facts, ready, periodSeconds=2, failureThreshold=30)
    out += _probe("readinessProbe", facts, ready, periodSeconds=5, timeoutSeconds=2,
                  failureThreshold=3)
    out += _probe("livenessProbe", facts, live, periodSeconds=10, timeoutSeconds=2,
                  failureThreshold=3)
    out += [
        "          resources:",
        "            requests:",
        '              cpu: "250m"',
        f'              memory: "{lim.memory_mib // 2}Mi"',
        "            limits:",
        f'              cpu: "{lim.cpus}"',
        f'              memory: "{lim.memory_mib}Mi"',
        "          securityContext:",
        "            allowPrivilegeEscalation: false",
        "            readOnlyRootFilesystem: true",
        "            capabilities:",
        "              drop: [\"ALL\"]",
        "          volumeMounts:",
        "            - name: tmp",
        "              mountPath: /tmp",
        "      volumes:",
        "        - name: tmp",
        "          emptyDir: {}",
    ]
    return "\n".join(out) + "\n"


def _env(facts: AppFacts, options: Options) -> list[str]:
    out: list[str] = []
    for value in env_values(facts, options):
        if value.name == "GOMEMLIMIT" or (value.name == "GOMAXPROCS" and go_needs_gomaxprocs(facts)):
            resource = "limits.memory" if value.name == "GOMEMLIMIT" else "limits.cpu"
            out += [f"            - name: {value.name}  # {value.comment}",
                    "              valueFrom:", "                resourceFieldRef:",
                    f"                  resource: {resource}"]
            if value.name == "GOMEMLIMIT":
                out.append('                  divisor: "1"')
        elif value.name == "WEB_CONCURRENCY":
            if facts.server == "uvicorn":
                out += [f"            - name: {value.name}  # one worker per CPU of the limit",
                        "              valueFrom:", "                resourceFieldRef:",
                        "                  resource: limits.cpu"]
            else:
                out += [f"            - name: {value.name}  # 2 x CPU limit + 1",
                        f"              value: {_q(value.compose)}"]
        elif value.k8s == "":
            continue  # optional, no default: nothing to set in the cluster
        elif value.k8s is None:
            out += [f"            - name: {value.name}", "              valueFrom:",
                    "                secretKeyRef:", f"                  name: {facts.name}-env",
                    f"                  key: {value.name}"]
        else:
            out += [f"            - name: {value.name}", f"              value: {_q(value.k8s)}"]
    return out


def service(facts: AppFacts) -> str:
    return "\n".join([
        f"# The {facts.name} Service, written by `deploycheck init`.",
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        f"  name: {facts.name}",
        "  labels:",
        *_labels(facts, "    "),
        "spec:",
        "  selector:",
        *_labels(facts, "    "),
        "  ports:",
        "    - name: http",
        "      port: 80",
        "      targetPort: http",
        "      protocol: TCP",
    ]) + "\n"


def secret(facts: AppFacts, names: list[str]) -> str:
    out = [
        f"# Variables {facts.name} requires, written by `deploycheck init`. {TODO}: replace every",
        "# value, or create the Secret outside git: kubectl create secret generic "
        f"{facts.name}-env --from-env-file=.env",
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        f"  name: {facts.name}-env",
        "type: Opaque",
        "stringData:",
    ]
    out += [f'  {name}: "REPLACE_ME"' for name in names]
    return "\n".join(out) + "\n"


def ingress(facts: AppFacts, options: Options) -> str:
    domain = options.domain or PLACEHOLDER_DOMAIN
    mark = "" if options.domain else f"  # {TODO}: your domain"
    return "\n".join([
        f"# HTTPS for {facts.name}, written by `deploycheck init`; TLS ends at the ingress",
        "# controller, which sends X-Forwarded-Proto to the app.",
        "apiVersion: networking.k8s.io/v1",
        "kind: Ingress",
        "metadata:",
        f"  name: {facts.name}",
        "  annotations:",
        '    nginx.ingress.kubernetes.io/ssl-redirect: "true"',
        "spec:",
        "  ingressClassName: nginx",
        "  tls:",
        "    - hosts:",
        f"        - {domain}{mark}",
        f"      secretName: {facts.name}-tls",
        "  rules:",
        f"    - host: {domain}{mark}",
        "      http:",
        "        paths:",
        "          - path: /",
        "            pathType: Prefix",
        "            backend:",
        "              service:",
        f"                name: {facts.name}",
        "                port:",
        "                  name: http",
    ]) + "\n"
