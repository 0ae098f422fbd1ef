""".dockerignore, the Go health probe, and the Prometheus scrape configuration."""

from __future__ import annotations

from deploycheck.scaffold.detect import AppFacts
from deploycheck.scaffold.generate import TODO, Options

PROBE_DIR = "deploy/healthcheck"


def dockerignore(facts: AppFacts) -> str:
    lines = [
        "# Kept out of the build context (written by `deploycheck init`).",
        "# Version control and local secrets",
        ".git", ".gitignore", ".env", ".env.*", "*.pem", "*.key",
        "# Deployment files the image does not need",
        "compose*.yaml", "docker-compose*.yml", "k8s", "nginx", "prometheus", ".github",
        ".gitlab-ci.yml",
        "# Editors and caches",
        ".idea", ".vscode", "*.swp", ".DS_Store",
    ]
    if facts.is_go:
        lines += ["# Build output", "/bin", "/dist", "*.test", "coverage.out"]
    else:
        lines += ["# Python environments and caches", ".venv", "venv", "__pycache__", "*.py[cod]",
                  ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", "htmlcov", "*.egg-info",
                  "node_modules"]
    return "\n".join(lines) + "\n"


def go_probe() -> str:
    """A static health probe: distroless images have no curl, wget or shell."""
    return '''// Command healthcheck is the container health probe (written by `deploycheck init`).
//
// Distroless and scratch images have no shell, curl or wget, so Docker's HEALTHCHECK and the
// compose healthcheck run this static binary instead. It exits 0 when the URL answers with a
// status below 400 (http://...) or when the port accepts a connection (tcp://host:port).
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: healthcheck http://127.0.0.1:8080/healthz | tcp://127.0.0.1:8080")
		os.Exit(2)
	}
	target := os.Args[1]
	if strings.HasPrefix(target, "tcp://") {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(target, "tcp://"), 3*time.Second)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		conn.Close()
		return
	}
	client := http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(target)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		fmt.Fprintln(os.Stderr, target, resp.Status)
		os.Exit(1)
	}
}
'''


def prometheus(facts: AppFacts, options: Options) -> str:
    targets = f"{facts.name}:{facts.port}"
    lines = [
        "# Prometheus scrape configuration (written by `deploycheck init`): the app serves",
        f"# metrics at {facts.metrics_path} on port {facts.port}.",
        "global:",
        "  scrape_interval: 15s",
        "  evaluation_interval: 15s",
        "scrape_configs:",
        f"  - job_name: {facts.name}",
        f"    metrics_path: {facts.metrics_path}",
        "    static_configs:",
        f'      - targets: ["{targets}"]  # the compose service; {TODO}: your targets elsewhere',
    ]
    if options.k8s:
        lines += [
            f"  - job_name: {facts.name}-kubernetes",
            f"    metrics_path: {facts.metrics_path}",
            "    kubernetes_sd_configs:",
            "      - role: pod",
            "    relabel_configs:",
            "      - source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_name]",
            f"        regex: {facts.name}",
            "        action: keep",
            "      - source_labels: [__meta_kubernetes_pod_container_port_name]",
            "        regex: http",
            "        action: keep",
        ]
    return "\n".join(lines) + "\n"
