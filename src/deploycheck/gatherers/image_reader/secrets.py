"""What makes a file in a layer look like a secret: the path patterns of candidate files (.env
files, private keys, key stores, registry and cloud credentials) with the paths never reported
(`_SECRET_SKIP`, also used for `.git` directories), and `_secret_in`, which says from a file's
content whether it proves a credential, without ever keeping the secret itself.
"""

from __future__ import annotations

import re

from deploycheck.model.image import secret_value

_SECRET_SKIP = re.compile(
    r"/(site|dist)-packages/|/node_modules/|/testdata/|/tests?/|^/usr/share/|^/usr/local/go/|"
    r"^/usr/lib/go(-[\d.]+)?/|/pkg/mod/|^/usr/lib/python[\d.]+/|^/usr/include/|"
    r"^/etc/ssl/private/ssl-cert-snakeoil\.key$|/\.cache/|^/proc/|^/usr/src/linux")
_KEY_NAMES = re.compile(r"(^id_(rsa|dsa|ecdsa|ed25519)$|\.(pem|key|ppk)$)")
_STORE_NAMES = re.compile(r"\.(p12|pfx|jks|keystore)$")
_ENV_NAME = re.compile(r"^\.env(\.[\w-]+)?$")
_ENV_SAMPLE = re.compile(r"\.(example|sample|template|dist|defaults?|tmpl|tpl)$", re.I)
_PRIVATE_KEY = re.compile(rb"-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----")


def _secret_candidate(path: str) -> bool:
    name = path.rpartition("/")[2]
    if _SECRET_SKIP.search(path):
        return False
    return bool(
        (_ENV_NAME.match(name) and not _ENV_SAMPLE.search(name)) or _KEY_NAMES.search(name)
        or _STORE_NAMES.search(name)
        or name in (".npmrc", ".pypirc", ".netrc", ".git-credentials", ".vault-token", ".yarnrc.yml",
                    "credentials.tfrc.json", "application_default_credentials.json")
        or path.endswith(("/.aws/credentials", "/.docker/config.json", "/.kube/config"))
        or (name.endswith(".json") and any(w in name.lower() for w in ("service-account", "service_account",
                                                                       "credentials", "gcp-key", "sa-key"))))


def _secret_in(path: str, data: bytes) -> tuple[str, str] | None:
    """(what, detail) when the content proves a credential; never the secret itself."""
    name = path.rpartition("/")[2]
    text = data.decode("utf-8", "replace")
    if _STORE_NAMES.search(name):
        return "a key store", f"{name} ({len(data)} bytes)"
    if _PRIVATE_KEY.search(data) or "PuTTY-User-Key-File" in text:
        return "a private key", "BEGIN ... PRIVATE KEY"
    if _ENV_NAME.match(name):
        for line in text.splitlines():
            key, sep, value = line.strip().removeprefix("export ").partition("=")
            if sep and (why := secret_value(key.strip(), value.strip().strip("'\""))):
                name = key.strip()
                shown = f"{name} is set" if why.startswith("a value for") else f"{name} holds {why}"
                return "an environment file with credentials", shown
        return None
    if name == ".npmrc" or name == ".yarnrc.yml":
        match = re.search(r"(_authToken|_auth|_password|npmAuthToken)\s*[=:]\s*(\S+)", text)
        if match and not re.match(r"^\$\{?\w+\}?$", match.group(2).strip("'\"")):
            return "a registry token", f"{match.group(1)}=..."
        return None
    if name in (".pypirc", ".netrc"):
        match = re.search(r"^\s*password\s*[=: ]\s*(\S+)", text, re.M)
        if match and not re.match(r"^\$\{?\w+\}?$", match.group(1)):
            return "a package-index password", "password ..."
        return None
    if name == ".git-credentials" and "@" in text:
        return "git credentials", "https://user:...@host"
    if name == ".vault-token" and text.strip():
        return "a Vault token", ".vault-token"
    if path.endswith("/.aws/credentials"):
        if "aws_secret_access_key" in text:
            return "AWS credentials", "aws_secret_access_key"
        return None
    if path.endswith("/.docker/config.json"):
        if re.search(r'"auth"\s*:\s*"[^"]+"', text) or '"identitytoken"' in text:
            return "registry credentials", '"auths": {... "auth": ...}'
        return None
    if path.endswith("/.kube/config"):
        if re.search(r"^\s*(token|client-key-data|password):\s*\S", text, re.M):
            return "Kubernetes credentials", "token / client-key-data"
        return None
    if name.endswith(".json"):
        if '"private_key"' in text or '"refresh_token"' in text or '"client_secret"' in text:
            return "cloud credentials", '"private_key" / "refresh_token"'
        return None
    return None
