"""Facts `deploycheck probe` records about live endpoints, and the plan of what to probe.

The gatherers (`gatherers/http_probe/`, `tls_probe.py`, `metrics.py`) are the only code that
talks to the network; they turn what they see into these frozen records. The probe rules
(`rules/probe/`) are pure functions over them, so they are tested on recorded facts as well:
HTTP transcripts (`*.http`) and JSON (`*.probe.json`, the shape `fact_to_dict` writes).

Every fact names its `url`; `source` is where the deployment files named the URL, origin or
path (empty for what the command line gave).

The package is cut along those records: `exchange` (one HTTP request and what came back, or
why nothing did), `endpoint` (a GET with its redirects, and the health and metrics fetches),
`cors` (preflight and actual request per origin), `tls` (versions, certificates, trust,
ciphers), all over `helpers` (URL, host and time helpers, and the locations live findings point
at); `facts_json` writes and reads the facts as JSON; `targets` holds the plan of what to probe
and `project_targets` the targets the deployment files name. Everything other modules use is
re-exported here, so `from deploycheck.model.probe import ...` is the import to use.
"""

from __future__ import annotations

from deploycheck.model.probe.cors import (
    FOREIGN_ORIGIN,
    SIMPLE_METHODS,
    CorsProbe,
    OriginKind,
    needs_preflight,
    with_peers,
)
from deploycheck.model.probe.endpoint import EndpointProbe, HealthProbe, MetricsProbe, RedirectOutcome
from deploycheck.model.probe.exchange import Exchange, Failure, FailureKind, Header, resolve_url
from deploycheck.model.probe.facts_json import FACT_TYPES, fact_from_dict, fact_to_dict
from deploycheck.model.probe.helpers import (
    LOOPBACK_NAMES,
    NOWHERE,
    host_of,
    is_ip,
    is_loopback_host,
    parse_time,
    scheme_of,
    source_related,
    url_location,
)
from deploycheck.model.probe.project_targets import (
    MAX_PORTS_PER_MAPPING,
    app_origins,
    project_origins_and_paths,
    targets_from_project,
)
from deploycheck.model.probe.targets import (
    Origin,
    PathRef,
    Target,
    join_path,
    merge_targets,
    normalize_origin,
    origin_of,
)
from deploycheck.model.probe.tls import (
    LEGACY_VERSIONS,
    TLS_VERSIONS,
    VERSION_LABEL,
    Certificate,
    CipherResult,
    ProtocolResult,
    TlsProbe,
    TrustKind,
    TrustResult,
)

__all__ = [
    "FACT_TYPES",
    "FOREIGN_ORIGIN",
    "LEGACY_VERSIONS",
    "LOOPBACK_NAMES",
    "MAX_PORTS_PER_MAPPING",
    "NOWHERE",
    "SIMPLE_METHODS",
    "TLS_VERSIONS",
    "VERSION_LABEL",
    "Certificate",
    "CipherResult",
    "CorsProbe",
    "EndpointProbe",
    "Exchange",
    "Failure",
    "FailureKind",
    "Header",
    "HealthProbe",
    "MetricsProbe",
    "Origin",
    "OriginKind",
    "PathRef",
    "ProtocolResult",
    "RedirectOutcome",
    "Target",
    "TlsProbe",
    "TrustKind",
    "TrustResult",
    "app_origins",
    "fact_from_dict",
    "fact_to_dict",
    "host_of",
    "is_ip",
    "is_loopback_host",
    "join_path",
    "merge_targets",
    "needs_preflight",
    "normalize_origin",
    "origin_of",
    "parse_time",
    "project_origins_and_paths",
    "resolve_url",
    "scheme_of",
    "source_related",
    "targets_from_project",
    "url_location",
    "with_peers",
]
