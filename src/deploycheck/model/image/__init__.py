"""A built container image, read without running it: its config, layers and final filesystem.

The gatherer (`gatherers/image_source/` + `gatherers/image_reader/`) streams an image's
layers and records *facts*: for every path of the final filesystem view (whiteouts applied) a
`FileEntry`; for ELF files the parsed header facts (`ElfInfo`, with Go build information);
for executable text files their first line (`FileHead`); the text of the few small files rules
read (`/etc/passwd`, `ld.so.conf`, `.npmrc`, ...); files that look like secrets in any layer,
deleted later or not; bytes wasted by files that later layers hide. Rules are pure functions of
these facts; the helpers here resolve paths, commands and shared libraries the way the kernel,
the container runtime and the dynamic loader do.

Paths in this model are absolute POSIX paths inside the image (`/usr/bin/env`).

The package: `records` holds the records (files, layers, config, the app's needs, problems),
`binaries` the ELF and Go build facts and script heads, `secrets` the secret patterns and secret
files. `facts` holds `ImageFacts`, whose methods come from bases of one concern each: `files`
(locations and path lookup), then `runtime` (environment, command, user), `loader` (libc, shared
libraries, Python extension modules) and `certs` (CA roots and zone data). `sizes` holds the size
report built on `ImageFacts`.
"""

from deploycheck.model.image.binaries import (
    MACHINES,
    MARK_HTTP_CLIENT,
    MARK_HTTPS_LITERAL,
    MARK_OS_USER,
    MARK_TZDATA,
    MARK_X509_FALLBACK,
    ElfInfo,
    FileHead,
    GoBuildInfo,
)
from deploycheck.model.image.certs import CA_DIRS, CA_FILES, ZONEINFO_DIRS
from deploycheck.model.image.facts import ImageFacts
from deploycheck.model.image.files import MAX_SYMLINKS
from deploycheck.model.image.loader import glob_match
from deploycheck.model.image.records import (
    DEFAULT_PATH,
    AppNeeds,
    FileEntry,
    HistoryStep,
    ImageConfig,
    ImageProblem,
    Layer,
    Resolved,
    WastedFile,
)
from deploycheck.model.image.runtime import BUILD_TOOLS
from deploycheck.model.image.secrets import (
    KEY_SHAPES,
    NOT_SECRET_NAME,
    PLACEHOLDER,
    SECRET_NAME,
    SecretFile,
    secret_value,
)
from deploycheck.model.image.sizes import SizeReport, human

__all__ = [
    "BUILD_TOOLS",
    "CA_DIRS",
    "CA_FILES",
    "DEFAULT_PATH",
    "KEY_SHAPES",
    "MACHINES",
    "MARK_HTTPS_LITERAL",
    "MARK_HTTP_CLIENT",
    "MARK_OS_USER",
    "MARK_TZDATA",
    "MARK_X509_FALLBACK",
    "MAX_SYMLINKS",
    "NOT_SECRET_NAME",
    "PLACEHOLDER",
    "SECRET_NAME",
    "ZONEINFO_DIRS",
    "AppNeeds",
    "ElfInfo",
    "FileEntry",
    "FileHead",
    "GoBuildInfo",
    "HistoryStep",
    "ImageConfig",
    "ImageFacts",
    "ImageProblem",
    "Layer",
    "Resolved",
    "SecretFile",
    "SizeReport",
    "WastedFile",
    "glob_match",
    "human",
    "secret_value",
]
