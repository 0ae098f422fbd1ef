"""Certificates and time zones: where Go's crypto/x509 finds CA roots and where zone data is.

`_CertsAndZones` (a base of `ImageFacts`) follows Go's lookup on Linux: SSL_CERT_FILE and
SSL_CERT_DIR, then the bundle files (`CA_FILES`, also where OpenSSL looks) and directories
(`CA_DIRS`); and for zone data $ZONEINFO, then the system folders (`ZONEINFO_DIRS`).
"""

from __future__ import annotations

import posixpath

from deploycheck.model.image.runtime import _Runtime

# Where Go's crypto/x509 looks for roots on Linux (root_linux.go), and where OpenSSL does.
CA_FILES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
)
CA_DIRS = ("/etc/ssl/certs", "/etc/pki/tls/certs")
ZONEINFO_DIRS = ("/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo")


class _CertsAndZones(_Runtime):
    """CA roots and zone data as a program in the image finds them."""

    __slots__ = ()

    # -- certificates and zones -------------------------------------------------------------

    def ca_bundle(self) -> str:
        """The first place Go's crypto/x509 finds roots ('' when none): SSL_CERT_FILE/DIR, then
        its list of bundle files and directories (a directory counts when it holds a file)."""
        env = self.env()
        if "SSL_CERT_FILE" in env and self.is_file(env["SSL_CERT_FILE"]):
            return env["SSL_CERT_FILE"]
        for path in CA_FILES:
            if self.is_file(path):
                found = self.lookup(path)
                if found.entry is not None and found.entry.size > 0:
                    return path
        dirs = env["SSL_CERT_DIR"].split(":") if "SSL_CERT_DIR" in env else list(CA_DIRS)
        for directory in dirs:
            if directory and self._dir_has_files(directory):
                return directory
        return ""

    def _dir_has_files(self, directory: str) -> bool:
        found = self.lookup(directory)
        if found.error or found.entry is None or not found.entry.is_dir:
            return False
        prefix = found.path.rstrip("/") + "/"
        for path, entry in self.files.items():
            if path.startswith(prefix) and "/" not in path[len(prefix):] and entry.kind != "dir":
                return True
        return False

    def zoneinfo(self, zone: str = "") -> str:
        """Where zone data is found ('' when nowhere): $ZONEINFO (a zip or folder), then the
        system folders (holding `zone` when one is named)."""
        env = self.env()
        if env.get("ZONEINFO") and self.exists(env["ZONEINFO"]):
            return env["ZONEINFO"]
        for directory in ZONEINFO_DIRS:
            if zone:
                target = posixpath.join(directory, zone)
                if self.is_file(target):
                    return target
            elif self.has_any_under(directory):
                return directory
        return ""
