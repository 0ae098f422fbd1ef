"""CI: check the deployment with deploycheck (SARIF to code scanning) and build the image."""

from __future__ import annotations

from deploycheck.scaffold.detect import AppFacts
from deploycheck.scaffold.generate import Options


def _dir(facts: AppFacts) -> str:
    return facts.app_dir or "."


def github(facts: AppFacts, options: Options) -> str:
    folder = _dir(facts)
    return f"""# Check the deployment and build the image, written by `deploycheck init`.
name: deploy

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

jobs:
  deploycheck:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install deploycheck
      - name: deploycheck (annotations)
        run: deploycheck check --format github {folder}
      - name: deploycheck (SARIF for code scanning)
        if: always()
        run: deploycheck check --format sarif --output deploycheck.sarif --fail-on never {folder}
      - uses: github/codeql-action/upload-sarif@v3
        if: always()
        with:
          sarif_file: deploycheck.sarif
          category: deploycheck

  image:
    runs-on: ubuntu-latest
    needs: deploycheck
    steps:
      - uses: actions/checkout@v4
      - uses: docker/setup-buildx-action@v3
      - uses: docker/build-push-action@v6
        with:
          context: {folder}
          push: false
          tags: {facts.name}:${{{{ github.sha }}}}
          cache-from: type=gha
          cache-to: type=gha,mode=max
"""


def gitlab(facts: AppFacts, options: Options) -> str:
    folder = _dir(facts)
    return f"""# Check the deployment and build the image, written by `deploycheck init`.
stages:
  - check
  - build

deploycheck:
  stage: check
  image: python:3.12-slim
  script:
    - pip install deploycheck
    - deploycheck check --format sarif --output deploycheck.sarif --fail-on never {folder}
    - deploycheck check --format gitlab --output gl-code-quality-report.json {folder}
  artifacts:
    when: always
    paths:
      - deploycheck.sarif
    reports:
      codequality: gl-code-quality-report.json

image:
  stage: build
  image: docker:27
  services:
    - docker:27-dind
  variables:
    DOCKER_TLS_CERTDIR: "/certs"
  script:
    - docker build -t "$CI_REGISTRY_IMAGE/{facts.name}:$CI_COMMIT_SHORT_SHA" {folder}
"""
