"""A Dockerfile: stages, their instructions, and what the built image will hold and run.

The parser fills the per-instruction records (with positions and variables already expanded where
the Dockerfile's own ARG/ENV defaults allow); the helpers here answer what rules ask: the run-time
environment, user, working directory, command, the traits of the base image (shell? libc? CA
certificates?) through chains of stages, Go build facts and pip installs.

The package is cut along those lines: `instructions` (the per-instruction records), `shell`
(shell text split into words and simple commands), `paths` (WORKDIR and COPY path arithmetic),
`images` (image references and base-image traits), `installs` (apt/apk/pip installs), `gobuild`
(`go build` facts), `stage` (a build stage and what it inherits) and `file` (the Dockerfile as a
whole). Everything is re-exported here, so `from deploycheck.model.dockerfile import ...` is the
import to use.
"""

from deploycheck.model.dockerfile.file import Dockerfile
from deploycheck.model.dockerfile.gobuild import GoBuild
from deploycheck.model.dockerfile.images import ImageFamily, ImageRef, ImageTraits, Libc, classify_image
from deploycheck.model.dockerfile.installs import PackageInstall, PipInstall
from deploycheck.model.dockerfile.instructions import (
    DEFAULT_SHELL,
    ArgDecl,
    CommandSpec,
    CopySpec,
    EnvVar,
    ExposedPort,
    Form,
    Healthcheck,
    Instruction,
    RunStep,
    UserSpec,
    Workdir,
)
from deploycheck.model.dockerfile.paths import resolve_path
from deploycheck.model.dockerfile.shell import SimpleCommand, shell_split, split_commands
from deploycheck.model.dockerfile.stage import Stage, env_mapping

__all__ = [
    "DEFAULT_SHELL",
    "ArgDecl",
    "CommandSpec",
    "CopySpec",
    "Dockerfile",
    "EnvVar",
    "ExposedPort",
    "Form",
    "GoBuild",
    "Healthcheck",
    "ImageFamily",
    "ImageRef",
    "ImageTraits",
    "Instruction",
    "Libc",
    "PackageInstall",
    "PipInstall",
    "RunStep",
    "SimpleCommand",
    "Stage",
    "UserSpec",
    "Workdir",
    "classify_image",
    "env_mapping",
    "resolve_path",
    "shell_split",
    "split_commands",
]
