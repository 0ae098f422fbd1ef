"""Facts `deploycheck probe` records about live endpoints, and the plan of what to probe.

The gatherers (`gatherers/http_probe.py`, `tls_probe.py`, `metrics.py`) are the only code that
talks to the network; they turn what they see into these frozen records. The probe rules
(`rules/probe/`) are pure functions over them, so they are tested on recorded facts as well:
HTTP transcripts (`*.http`) and JSON (`*.probe.json`, the shape `fact_to_dict` writes).

Every fact names its `url`; `source` is where the deployment files named the URL, origin or
path (empty for what the command line gave).
"""

from __future__ import annotations

import dataclasses
import enum
import ipaddress
import posixpath
import re
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from deploycheck.model.location import Location

#: The origin of our own making that no server should allow (RFC 6761 reserves `.invalid`).
FOREIGN_ORIGIN = "https://deploycheck-probe.invalid"
#: "No file": what the command line gave has no source in the deployment files.
NOWHERE = Location()
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})

# Methods and request headers a browser sends without a preflight (Fetch standard, "CORS-safelisted").
SIMPLE_METHODS = frozenset({"GET", "HEAD", "POST"})
_SAFELISTED_HEADERS = frozenset({"accept", "accept-language", "content-language", "content-type", "range"})
_SIMPLE_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})


# -- one HTTP exchange ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Header:
    """One header line exactly as sent or received (duplicates are kept as separate lines)."""

    name: str
    value: str


class FailureKind(enum.Enum):
    DNS = "dns"  # the name does not resolve
    REFUSED = "refused"  # nothing listens (RST to the SYN)
    RESET = "reset"  # accepted, then reset before a reply
    EMPTY_REPLY = "empty-reply"  # accepted, then closed without a byte
    CONNECT_TIMEOUT = "connect-timeout"  # no answer to the SYN (filtered, or a full backlog)
    READ_TIMEOUT = "read-timeout"  # connected, the reply did not come in time
    UNREACHABLE = "unreachable"  # no route to the host or network
    HTTP_TO_TLS_PORT = "http-to-https-port"  # plain HTTP sent to a port that speaks TLS
    TLS_TO_HTTP_PORT = "https-to-http-port"  # a TLS handshake sent to a port that speaks HTTP
    TLS_PROTOCOL = "tls-protocol"  # no protocol version or cipher in common
    TLS_CERTIFICATE = "tls-certificate"  # the certificate failed verification
    TLS_OTHER = "tls-other"  # any other handshake failure
    MALFORMED = "malformed-response"  # not HTTP/1.x
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a request got no HTTP response. `detail` is the operating system's or OpenSSL's text."""

    kind: FailureKind
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and what came back. `status` is None when `failure` is set.

    `headers` keeps every response header line in order, so two `Access-Control-Allow-Origin`
    lines stay two. `body` is the start of the body as text (bounded; `truncated` when cut).
    """

    url: str
    method: str = "GET"
    request_headers: tuple[Header, ...] = ()
    status: int | None = None
    reason: str = ""
    headers: tuple[Header, ...] = ()
    body: str = ""
    body_bytes: int = 0
    truncated: bool = False
    elapsed_ms: float = 0.0
    failure: Failure | None = None
    http_version: str = "HTTP/1.1"

    def values(self, name: str) -> tuple[str, ...]:
        """The value of every response line named `name` (case-insensitive), in order."""
        low = name.lower()
        return tuple(h.value for h in self.headers if h.name.lower() == low)

    def first(self, name: str) -> str | None:
        found = self.values(name)
        return found[0] if found else None

    def tokens(self, name: str) -> tuple[str, ...]:
        """Comma-separated items over all lines named `name`, stripped, empty ones dropped."""
        return tuple(t.strip() for v in self.values(name) for t in v.split(",") if t.strip())

    def request_value(self, name: str) -> str | None:
        low = name.lower()
        return next((h.value for h in self.request_headers if h.name.lower() == low), None)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def is_redirect(self) -> bool:
        return self.status in (301, 302, 303, 307, 308) and self.first("location") is not None

    def redirect_target(self) -> str | None:
        """The absolute URL the Location header points to (relative ones resolved)."""
        if not self.is_redirect:
            return None
        return resolve_url(self.url, self.first("location") or "")

    def status_text(self) -> str:
        if self.failure is not None:
            return f"no response ({self.failure.kind.value}: {self.failure.detail})"
        return f"{self.status} {self.reason}".strip()


def resolve_url(base: str, ref: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, ref.strip())


# -- what one URL answers -------------------------------------------------------------------------


class RedirectOutcome(enum.Enum):
    DONE = "done"  # a final, non-redirect response (or a failure on the first request)
    LOOP = "loop"  # a URL came back
    TOO_MANY = "too-many"  # more hops than browsers follow
    OFF_HOST = "off-host"  # redirected to another host; not followed (only named hosts get traffic)
    FAILED = "failed"  # a later hop got no response


@dataclass(frozen=True, slots=True)
class EndpointProbe:
    """A GET of `url` and every redirect followed by hand, one `Exchange` per hop.

    `https_url` is an `https://` URL of the same host that the run knows to exist (given too, or
    named by the deployment files): only then does a plain-HTTP answer without a redirect matter.
    """

    url: str
    hops: tuple[Exchange, ...]
    outcome: RedirectOutcome = RedirectOutcome.DONE
    https_url: str = ""
    source: Location = NOWHERE

    @property
    def first(self) -> Exchange:
        return self.hops[0]

    @property
    def final(self) -> Exchange:
        return self.hops[-1]

    def downgrades(self) -> tuple[tuple[Exchange, str], ...]:
        """(hop, target) for every redirect from https:// to http://."""
        out = []
        for hop in self.hops:
            target = hop.redirect_target()
            if target and scheme_of(hop.url) == "https" and scheme_of(target) == "http":
                out.append((hop, target))
        return tuple(out)

    def https_responses(self) -> tuple[Exchange, ...]:
        return tuple(h for h in self.hops if h.status is not None and scheme_of(h.url) == "https")


# -- CORS as a browser does it ----------------------------------------------------------------------


class OriginKind(enum.Enum):
    CONFIGURED = "configured"  # an origin the frontend uses (--origin, or the app's CORS config)
    FOREIGN = "foreign"  # an origin of our own making that nobody should allow
    NULL = "null"  # the `null` origin of sandboxed iframes, file: pages and some redirects


@dataclass(frozen=True, slots=True)
class CorsProbe:
    """A preflight (`OPTIONS` with `Origin`, `Access-Control-Request-Method` and `-Headers`)
    and the actual request, for one origin. `credentials`: the request is made in credentials
    mode "include" (cookies, `fetch(..., {credentials: "include"})`). `peer_answers` holds, for
    every other origin tried on the same URL, the Access-Control-Allow-Origin its actual request
    got ('' for none): whether the answer depends on the Origin at all."""

    url: str
    origin: str
    origin_kind: OriginKind
    method: str
    request_headers: tuple[str, ...] = ()
    credentials: bool = False
    preflight: Exchange | None = None
    actual: Exchange | None = None
    peer_answers: tuple[tuple[str, str], ...] = ()
    source: Location = NOWHERE

    def answer(self) -> str | None:
        """The actual response's Access-Control-Allow-Origin lines joined ('' none; None no response)."""
        if self.actual is None or self.actual.status is None:
            return None
        return ", ".join(self.actual.values("access-control-allow-origin"))

    @property
    def preflight_required(self) -> bool:
        """Whether a browser sends a preflight before this request (Fetch standard)."""
        return needs_preflight(self.method, self.request_headers)

    def responses(self) -> tuple[tuple[str, Exchange], ...]:
        """("preflight"|"actual", exchange) for each exchange that got a response."""
        out = []
        if self.preflight is not None and self.preflight.status is not None:
            out.append(("preflight", self.preflight))
        if self.actual is not None and self.actual.status is not None:
            out.append(("actual", self.actual))
        return tuple(out)


def with_peers(probes: Sequence[CorsProbe]) -> list[CorsProbe]:
    """Each probe with the answers the other origins got on the same URL."""
    by_url: dict[str, list[CorsProbe]] = {}
    for p in probes:
        by_url.setdefault(p.url, []).append(p)
    out = []
    for p in probes:
        peers = tuple((o.origin, o.answer() or "") for o in by_url[p.url]
                      if o is not p and o.answer() is not None)
        out.append(dataclasses.replace(p, peer_answers=peers))
    return out


def needs_preflight(method: str, headers: Iterable[str], content_type: str = "") -> bool:
    """A request needs a preflight unless its method and every header are CORS-safelisted.
    `headers` are `Name` or `Name: value` strings; a Content-Type other than the three form
    types needs a preflight."""
    if method.upper() not in SIMPLE_METHODS:
        return True
    for raw in headers:
        name, _, value = raw.partition(":")
        low = name.strip().lower()
        if low not in _SAFELISTED_HEADERS:
            return True
        if low == "content-type":
            mime = (value or content_type).split(";", 1)[0].strip().lower()
            if not value.strip() or mime not in _SIMPLE_CONTENT_TYPES:
                return True
    return False


# -- health and metrics -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HealthProbe:
    """A GET of the health path. `source`: the probe or healthcheck that names the path."""

    url: str
    path: str
    exchange: Exchange
    source: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class MetricsProbe:
    """A GET of the metrics path and what the Prometheus text parser made of its body.

    `families`/`samples` count what parsed; `error` is the parser's complaint ('' when the body
    parsed), `error_line` the 1-based line it is about (0: unknown).
    """

    url: str
    path: str
    exchange: Exchange
    families: int = 0
    samples: int = 0
    error: str = ""
    error_line: int = 0
    source: Location = NOWHERE


# -- TLS --------------------------------------------------------------------------------------------

TLS_VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
LEGACY_VERSIONS = ("TLSv1", "TLSv1.1")
VERSION_LABEL = {"TLSv1": "TLS 1.0", "TLSv1.1": "TLS 1.1", "TLSv1.2": "TLS 1.2", "TLSv1.3": "TLS 1.3"}


@dataclass(frozen=True, slots=True)
class ProtocolResult:
    """One handshake offering only `version`. `cipher` is what the server chose when it accepted."""

    version: str  # TLSv1 | TLSv1.1 | TLSv1.2 | TLSv1.3
    accepted: bool
    cipher: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class CipherResult:
    """A cipher suite the server chose when offered only weak ones."""

    name: str  # IANA name
    code: int
    weakness: str  # null | anonymous | export | rc4 | des | 3des | md5
    protocol: str = "TLSv1.2"


@dataclass(frozen=True, slots=True)
class Certificate:
    """One certificate as the server sent it. Times are ISO 8601 in UTC."""

    subject: str
    issuer: str
    not_before: str
    not_after: str
    common_name: str = ""
    sans: tuple[str, ...] = ()
    key_type: str = ""  # RSA | EC | Ed25519 | Ed448 | DSA
    key_bits: int = 0
    signature_algorithm: str = ""  # e.g. sha256WithRSAEncryption
    signature_hash: str = ""  # sha256 | sha1 | md5 | '' (Ed25519)
    is_ca: bool = False
    self_signed: bool = False  # issued by itself and its own key verifies the signature
    fingerprint_sha256: str = ""

    def days_left(self, at: datetime) -> float:
        return (parse_time(self.not_after) - at).total_seconds() / 86400.0

    def valid_at(self, at: datetime) -> bool:
        return parse_time(self.not_before) <= at <= parse_time(self.not_after)

    def matches_host(self, host: str) -> bool:
        """RFC 6125 matching: DNS SANs (one leading `*.` label), IP SANs for IP hosts; the
        common name only when there are no SANs (as old clients do; browsers ignore it)."""
        host = host.strip("[]").rstrip(".").lower()
        names = self.sans or ((self.common_name,) if self.common_name else ())
        if is_ip(host):
            want = ipaddress.ip_address(host)
            for name in names:
                if name.startswith("IP:"):
                    try:
                        if ipaddress.ip_address(name[3:]) == want:
                            return True
                    except ValueError:
                        continue
            return False
        for name in names:
            if name.startswith("IP:"):
                continue
            pattern = name.removeprefix("DNS:").rstrip(".").lower()
            if pattern == host:
                return True
            if pattern.startswith("*.") and "." in host:
                label, _, rest = host.partition(".")
                if label and rest == pattern[2:] and "." in rest:
                    return True
        return False

    def short(self) -> str:
        return self.common_name or self.subject


class TrustKind(enum.Enum):
    OK = "ok"
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    HOSTNAME = "hostname-mismatch"
    SELF_SIGNED = "self-signed"
    UNKNOWN_CA = "unknown-ca"
    INCOMPLETE_CHAIN = "incomplete-chain"
    OTHER = "other"
    NOT_CHECKED = "not-checked"


@dataclass(frozen=True, slots=True)
class TrustResult:
    """What a verifying client concludes (OpenSSL's verify code and text, as curl reports them)."""

    kind: TrustKind
    code: int = 0
    detail: str = ""


@dataclass(frozen=True, slots=True)
class TlsProbe:
    """TLS of one host and port: the protocol versions accepted, the chain as served, what a
    verifying client concludes, and weak cipher suites the server accepts.

    `failure` is set when no handshake worked at all (then the rest is empty). `insecure`: the
    run continued past a verification failure (--insecure).
    """

    url: str
    host: str
    port: int
    checked_at: str
    versions: tuple[ProtocolResult, ...] = ()
    certificates: tuple[Certificate, ...] = ()
    trust: TrustResult = TrustResult(TrustKind.NOT_CHECKED)
    weak_ciphers: tuple[CipherResult, ...] = ()
    insecure: bool = False
    failure: Failure | None = None
    source: Location = NOWHERE

    @property
    def leaf(self) -> Certificate | None:
        return self.certificates[0] if self.certificates else None

    def accepted(self, version: str) -> bool | None:
        """True/False for a version tried, None when it was not tried."""
        for result in self.versions:
            if result.version == version:
                return result.accepted
        return None

    def accepted_versions(self) -> tuple[str, ...]:
        return tuple(r.version for r in self.versions if r.accepted)

    @property
    def at(self) -> datetime:
        return parse_time(self.checked_at)

    @property
    def hostname_matches(self) -> bool | None:
        return self.leaf.matches_host(self.host) if self.leaf else None

    def issuer_missing(self) -> bool:
        """The last certificate sent is not self-signed and its issuer was not sent either."""
        if not self.certificates:
            return False
        top = self.certificates[-1]
        return not top.self_signed and not any(c.subject == top.issuer for c in self.certificates)


# -- helpers ----------------------------------------------------------------------------------------


def parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def scheme_of(url: str) -> str:
    return urlsplit(url).scheme.lower()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_location(url: str, *extra: tuple[str, str]) -> Location:
    """Where a live finding points: the URL, then e.g. ("header", name) or ("certificate", ...)."""
    return Location(extra=(("url", url), *extra))


def source_related(source: Location, what: str) -> tuple[Any, ...]:
    """A `Related` for a project file that named the URL, origin or path (none for the CLI)."""
    from deploycheck.model.location import Related

    if not source.path:
        return ()
    return (Related(source, what),)


# -- JSON form of the facts (recordings, `--save-facts`) ---------------------------------------------

FACT_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls for cls in (EndpointProbe, CorsProbe, HealthProbe, MetricsProbe, TlsProbe)
}


def fact_to_dict(fact: object) -> dict[str, Any]:
    """`{"TlsProbe": {...fields...}}`: fields equal to their defaults are left out."""
    return {type(fact).__name__: _encode(fact)}


def _encode(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.default is not dataclasses.MISSING and item == f.default:
                continue
            out[f.name] = _encode(item)
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


def fact_from_dict(data: dict[str, Any]) -> object:
    """The inverse of `fact_to_dict`; raises ValueError on a shape it does not know."""
    if not isinstance(data, dict) or len(data) != 1:
        raise ValueError("a fact is an object with one key, its type (e.g. TlsProbe)")
    (name, fields), = data.items()
    if name not in FACT_TYPES:
        raise ValueError(f"unknown fact type {name!r} (known: {', '.join(sorted(FACT_TYPES))})")
    return _decode(FACT_TYPES[name], fields)


def _decode(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner[0], value)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, list):
            raise ValueError(f"expected a list, got {value!r}")
        return tuple(_decode(args[0], v) for v in value)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ValueError(f"expected an object for {tp.__name__}, got {value!r}")
        hints = typing.get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"{tp.__name__}: unknown field(s) {', '.join(unknown)}")
        return tp(**{k: _decode(hints[k], v) for k, v in value.items()})
    if tp is float and isinstance(value, int):
        return float(value)
    if tp in (str, int, float, bool) and not isinstance(value, tp):
        raise ValueError(f"expected {tp.__name__}, got {value!r}")
    return value


# -- what to probe ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Origin:
    value: str
    source: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class PathRef:
    """A health or metrics path, and the file that names it."""

    path: str
    source: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Target:
    """One URL to probe, with the origins to try and the health and metrics paths to fetch."""

    url: str
    origins: tuple[Origin, ...] = ()
    health: tuple[PathRef, ...] = ()
    metrics: tuple[PathRef, ...] = ()
    source: Location = NOWHERE


def normalize_origin(text: str) -> str:
    """`https://App.example.com/` → `https://app.example.com` (what browsers send)."""
    text = text.strip()
    if text == "null":
        return text
    parts = urlsplit(text)
    if not parts.scheme or not parts.netloc:
        return text.rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def join_path(url: str, path: str) -> str:
    """The URL of `path` on the same scheme, host and port as `url`."""
    if not path.startswith("/"):
        path = "/" + path
    return origin_of(url) + posixpath.normpath(path).replace("//", "/") + ("/" if path.endswith("/")
                                                                         and path != "/" else "")


def merge_targets(targets: Sequence[Target]) -> tuple[Target, ...]:
    """One target per URL, origins and paths united, first source kept."""
    by_url: dict[str, Target] = {}
    for t in targets:
        have = by_url.get(t.url)
        if have is None:
            by_url[t.url] = t
            continue
        by_url[t.url] = Target(
            t.url,
            _unique(have.origins + t.origins, lambda o: o.value),
            _unique(have.health + t.health, lambda p: p.path),
            _unique(have.metrics + t.metrics, lambda p: p.path),
            have.source if have.source.path else t.source)
    return tuple(by_url.values())


_T = typing.TypeVar("_T")


def _unique(items: Sequence[_T], key: typing.Callable[[_T], str]) -> tuple[_T, ...]:
    seen: set[str] = set()
    out = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return tuple(out)


# -- targets named by the deployment files ------------------------------------------------------------

_HTTPS_PORTS = frozenset({443, 8443, 9443})
_HEALTH_LAST = frozenset({"health", "healthz", "healthcheck", "health-check", "health_check", "ready",
                          "readyz", "readiness", "live", "livez", "liveness", "ping"})
_URL_IN_TEXT = re.compile(r"https?://[^\s/'\"]+(/[^\s'\"]*)?")
MAX_PORTS_PER_MAPPING = 8


def targets_from_project(items: Sequence[object]) -> tuple[Target, ...]:
    """URLs, origins and health/metrics paths the deployment files name.

    URLs come only from compose ports published on this machine (no host IP, 0.0.0.0, ::,
    127.0.0.0/8 or ::1): they are probed on loopback. Databases, caches and brokers are left
    out. Origins come from the app's CORS configuration (Go gin-contrib/rs/cors literals,
    Starlette/FastAPI/flask-cors); health paths from the compose healthcheck, else the app's
    health routes; metrics from a `/metrics` route or a Prometheus exporter in the app.
    """
    from deploycheck.model.links import Deployment

    out = []
    for dep in (i for i in items if isinstance(i, Deployment)):
        if dep.kind != "compose" or dep.service is None or dep.service.backing:
            continue
        origins = app_origins(dep)
        health = _compose_health(dep) or _app_health(dep)
        metrics = _app_metrics(dep)
        for port in dep.service.published_ports():
            if port.protocol != "tcp" or not (port.all_interfaces or port.loopback_only):
                continue
            host = "127.0.0.1"
            ip = port.host_ip.strip("[]").lower()
            if ip == "::1":
                host = "[::1]"
            elif ip.startswith("127."):
                host = ip
            ports = list(port.host_ports())[:MAX_PORTS_PER_MAPPING]
            containers: list[int | None] = [*port.container_ports()] or [None] * len(ports)
            for index, host_port in enumerate(ports):
                inner = containers[index] if index < len(containers) else None
                scheme = "https" if inner in _HTTPS_PORTS or host_port in _HTTPS_PORTS else "http"
                out.append(Target(f"{scheme}://{host}:{host_port}/", origins, health, metrics,
                                  Location.at(port.path, port.pos)))
    return merge_targets(out)


def project_origins_and_paths(items: Sequence[object]) -> tuple[tuple[Origin, ...], tuple[PathRef, ...],
                                                                tuple[PathRef, ...]]:
    """Every origin, health path and metrics path the project names (for URLs from the command
    line): CORS literals of every app, k8s httpGet probe paths and compose healthcheck URLs."""
    from deploycheck.model.golang import GoPackage
    from deploycheck.model.kubernetes import ProbeHandler, Workload
    from deploycheck.model.links import Deployment
    from deploycheck.model.python import PythonApp

    origins: list[Origin] = []
    health: list[PathRef] = []
    metrics: list[PathRef] = []
    for item in items:
        if isinstance(item, GoPackage):
            origins.extend(_go_origins(item))
        elif isinstance(item, PythonApp):
            origins.extend(_py_origins(item))
        elif isinstance(item, Workload):
            for container in item.running_containers():
                for probe in (container.readiness_probe, container.liveness_probe, container.startup_probe):
                    if probe is not None and probe.handler is ProbeHandler.HTTP and probe.path:
                        pos = probe.path_pos or probe.pos
                        health.append(PathRef(probe.path, Location.at(item.path, pos)))
        elif isinstance(item, Deployment) and item.kind == "compose":
            health.extend(_compose_health(item))
            metrics.extend(_app_metrics(item))
    return (_unique(origins, lambda o: o.value), _unique(health, lambda p: p.path),
            _unique(metrics, lambda p: p.path))


def app_origins(dep: Any) -> tuple[Origin, ...]:
    found: list[Origin] = []
    if dep.go is not None:
        found.extend(_go_origins(dep.go))
    if dep.python is not None:
        found.extend(_py_origins(dep.python))
    return _unique(found, lambda o: o.value)


def _go_origins(package: Any) -> list[Origin]:
    out = []
    for config in package.cors_configs:
        for entry in config.allow_origins:
            if _is_origin(entry.value):
                out.append(Origin(normalize_origin(entry.value), Location.at(config.path, entry.pos)))
    for handler in package.cors_handlers:
        if handler.origin == "literal" and _is_origin(handler.origin_value):
            out.append(Origin(normalize_origin(handler.origin_value),
                              Location.at(handler.path, handler.origin_pos)))
    return out


def _py_origins(app: Any) -> list[Origin]:
    out = []
    for module, config in app.cors():
        for entry in config.origins or ():
            if _is_origin(entry.value):
                out.append(Origin(normalize_origin(entry.value), Location.at(module.path, entry.pos)))
    return out


def _is_origin(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and "*" not in text


def _compose_health(dep: Any) -> tuple[PathRef, ...]:
    check = dep.service.healthcheck if dep.service is not None else None
    if check is None or check.disable:
        return ()
    for word in check.test:
        match = _URL_IN_TEXT.search(word)
        if match:
            path = urlsplit(match.group(0)).path or "/"
            return (PathRef(path, Location.at(check.path, check.test_pos or check.pos)),)
    return ()


def _app_health(dep: Any) -> tuple[PathRef, ...]:
    if dep.go is not None:
        for route in dep.go.routes:
            if route.method in ("GET", "ANY") and route.prefix_known and _is_health(route.route):
                return (PathRef(route.route, Location.at(route.path, route.pos)),)
    if dep.python is not None:
        for module, route in dep.python.routes():
            if route.is_health and not route.partial and ("GET" in route.methods or "*" in route.methods):
                return (PathRef(route.path, Location.at(module.path, route.pos)),)
    return ()


def _is_health(path: str) -> bool:
    return path.rstrip("/").rpartition("/")[2].lower() in _HEALTH_LAST and ":" not in path


def _app_metrics(dep: Any) -> tuple[PathRef, ...]:
    if dep.go is not None:
        for route in dep.go.routes:
            if route.prefix_known and route.route.rstrip("/").endswith("/metrics"):
                return (PathRef(route.route, Location.at(route.path, route.pos)),)
    if dep.python is not None:
        for module, route in dep.python.routes():
            if route.is_metrics and not route.partial:
                return (PathRef(route.path, Location.at(module.path, route.pos)),)
        for module in dep.python.modules:
            for exposure in module.metrics:
                if exposure.port is None and exposure.path:
                    return (PathRef(exposure.path, Location.at(module.path, exposure.pos)),)
    return ()
