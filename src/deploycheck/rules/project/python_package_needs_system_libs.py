from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.dockerfile import Dockerfile, ImageFamily, PipInstall, Stage
from deploycheck.model.project import Project
from deploycheck.model.python import PyDependencies, PythonApp, Requirement, SystemLibs, system_libs
from deploycheck.rules.project._common_image import from_related, image_groups

# Packages that stand for others (a meta package, or another distribution's name).
_PROVIDES: dict[str, tuple[str, ...]] = {
    "gcc": ("gcc", "build-essential", "build-base", "clang", "g++"),
    "g++": ("g++", "build-essential", "build-base"),
    "musl-dev": ("musl-dev", "build-base"),
    "pkg-config": ("pkg-config", "pkgconf", "pkgconfig"),
    "pkgconf": ("pkgconf", "pkg-config", "pkgconfig"),
    "python3-dev": ("python3-dev", "python-dev", "python3-devel"),
    "libpq-dev": ("libpq-dev", "postgresql-server-dev-all"),
    "postgresql-dev": ("postgresql-dev", "libpq-dev"),
    "default-libmysqlclient-dev": ("default-libmysqlclient-dev", "libmysqlclient-dev",
                                   "libmariadb-dev", "libmariadb-dev-compat"),
    "mariadb-dev": ("mariadb-dev", "mariadb-connector-c-dev", "mysql-dev"),
}
# The shared library each package's C extension loads, for the ImportError text.
_SONAME = {"psycopg2": "libpq.so.5", "mysqlclient": "libmariadb.so.3", "pycairo": "libcairo.so.2",
           "pyodbc": "libodbc.so.2", "gssapi": "libgssapi_krb5.so.2", "python-ldap": "libldap.so.2"}
_SLIM = (ImageFamily.PYTHON_SLIM,)
_PROJECT_INSTALLERS = re.compile(
    r"\b(poetry install|uv sync|pipenv install|pdm install|pip3? install[^&;|]*\s\.(\s|$))")


class PythonPackageNeedsSystemLibs(Rule[Project]):
    """A Python requirement needs OS libraries the slim or alpine image does not have.

    ## Why
    `psycopg2`, `mysqlclient`, `python-ldap`, `uwsgi` ... ship no wheels (or none for musl), so
    pip compiles them: that needs a compiler and the library's headers, which `python:*-slim`
    and `python:*-alpine` leave out. The image build stops with
    `Error: pg_config executable not found.` (psycopg2; pitfall D9, psycopg/psycopg2#1368) or
    `Exception: Can not find valid pkg-config name.` (mysqlclient). When the package is built in
    another stage and copied over, the final image also needs the run-time library, or the app
    dies at import with `ImportError: libpq.so.5: cannot open shared object file`.

    ## Bad
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY . .
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    ```

    ```requirements.txt
    flask==3.0.3
    gunicorn==22.0.0
    psycopg2==2.9.9
    ```

    ```app.py
    from flask import Flask

    app = Flask(__name__)
    ```

    ## Good
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\
        && rm -rf /var/lib/apt/lists/*
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY . .
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    ```

    ```requirements.txt
    flask==3.0.3
    gunicorn==22.0.0
    psycopg2==2.9.9
    ```

    ```app.py
    from flask import Flask

    app = Flask(__name__)
    ```

    ## Fix
    Use the wheel-only package where there is one (`psycopg2-binary`, `psycopg[binary]`,
    `PyMySQL`), or install the build packages before `pip install` (`gcc libpq-dev` on Debian
    slim, `gcc musl-dev postgresql-dev` on alpine) and the run-time library (`libpq5` /
    `libpq`) in the final stage.
    """

    code = "DC726"
    name = "python-package-needs-system-libs"
    category = Category.BUILD
    severity = Severity.ERROR
    target = Project
    fix = "install the build packages before pip install (or use the package's binary variant)"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        seen: set[tuple[str, int, str]] = set()
        for df, final, deps in image_groups(model):
            app = next((d.python for d in deps if d.python is not None), None)
            if app is None:
                continue
            for dep_file, req in _native_requirements(app):
                libs = system_libs(req)
                if libs is None:
                    continue
                for violation in self._check(df, final, app, dep_file, req, libs):
                    key = (violation.location.path, violation.location.line, req.name)
                    if key not in seen:
                        seen.add(key)
                        yield violation

    def _check(self, df: Dockerfile, final: Stage, app: PythonApp, dep_file: PyDependencies,
               req: Requirement, libs: SystemLibs) -> Iterator[Violation]:
        final_chain = {s.index for s in final.chain()}
        feeding = {final.index} | final_chain
        for target, _ in _copies_into(df, final_chain):
            feeding.add(target)
        installed_in_final = False
        built_elsewhere = False
        for stage in df.stages:
            for pip in stage.pip_installs():
                if not _installs(stage, pip, app, dep_file, req):
                    continue
                if stage.index in final_chain:
                    installed_in_final = True
                elif stage.index in feeding:
                    built_elsewhere = True
                else:
                    continue
                failure = self._build(df, stage, pip, dep_file, req, libs)
                if failure is not None:
                    yield failure
                    return
        if not (installed_in_final or built_elsewhere):
            return
        yield from self._runtime(df, final, dep_file, req, libs)

    def _build(self, df: Dockerfile, stage: Stage, pip: PipInstall, dep_file: PyDependencies,
               req: Requirement, libs: SystemLibs) -> Violation | None:
        traits = stage.traits
        musl = traits.libc == "musl"
        if not (traits.family in _SLIM or (traits.family is ImageFamily.PYTHON and musl)):
            return None  # the full python images carry gcc and the usual -dev packages
        required = libs.alpine_build if musl else libs.build
        if not required or _from_wheels(stage, pip):
            return None
        have = _installed_before(stage, pip.pos.line)
        missing = [p for p in required if p != "python3-dev" and not _satisfied(p, have)]
        if not missing:
            return None
        compilers = ("gcc", "g++", "musl-dev")
        symptom = libs.symptom
        if not symptom or all(p in compilers for p in missing):
            symptom = "error: command 'gcc' failed: No such file or directory"
        instead = f", or use {libs.instead} (wheels only)" if libs.instead else ""
        manager = _manager(musl)
        return Violation(
            f"{dep_file.path}:{req.pos.line}: {req.name} has no wheel and is compiled during "
            f"`pip install` in stage {stage.label}, which runs on {stage.root_image} without "
            f"{', '.join(missing)}, so the image build fails with `{symptom}`",
            Location.at(df.path, pip.pos),
            (Related(Location.at(dep_file.path, req.pos),
                     f"{req.name} needs {', '.join(required)} to build"),
             from_related(df, stage)),
            fix=f"`RUN {manager} {' '.join(required)}` before this pip install{instead}",
        )

    def _runtime(self, df: Dockerfile, final: Stage, dep_file: PyDependencies, req: Requirement,
                 libs: SystemLibs) -> Iterator[Violation]:
        traits = final.traits
        musl = traits.libc == "musl"
        if not (traits.family in _SLIM or (traits.family is ImageFamily.PYTHON and musl)):
            return
        needed = libs.alpine_runtime if musl else libs.runtime
        if not needed:
            return
        have = set(traits.installed)
        build = libs.alpine_build if musl else libs.build
        missing = [lib for lib in needed if not _has_runtime(lib, have, build)]
        if not missing:
            return
        if req.name == "psycopg":
            symptom = libs.symptom
        else:
            soname = _SONAME.get(req.name, f"{missing[0]}.so")
            symptom = f"ImportError: {soname}: cannot open shared object file: No such file or directory"
        manager = _manager(musl)
        instead = f", or use {libs.instead}" if libs.instead else ""
        yield Violation(
            f"{dep_file.path}:{req.pos.line}: {req.name} loads {', '.join(missing)} at import, but "
            f"the final stage {final.label} runs on {final.root_image} and installs no "
            f"{', '.join(missing)}, so the app fails at start with `{symptom}`",
            Location.at(df.path, final.root_image_pos),
            (Related(Location.at(dep_file.path, req.pos),
                     f"{req.name} needs {', '.join(needed)} at run time"),),
            fix=f"`RUN {manager} {' '.join(needed)}` in the final stage{instead}",
        )


def _manager(musl: bool) -> str:
    if musl:
        return "apk add --no-cache"
    return "apt-get update && apt-get install -y --no-install-recommends"


def _native_requirements(app: PythonApp) -> Iterator[tuple[PyDependencies, Requirement]]:
    for dep_file in app.dependencies:
        for req in dep_file.packages:
            if req.group or req.url or req.editable:
                continue
            markers = req.markers.lower()
            if "win32" in markers or "darwin" in markers or "windows" in markers:
                continue
            if system_libs(req) is not None:
                yield dep_file, req


def _copies_into(df: Dockerfile, chain: set[int]) -> Iterator[tuple[int, int]]:
    """(source stage, target stage) for COPY --from into the stages of `chain`, transitively."""
    todo = list(chain)
    seen = set(chain)
    while todo:
        index = todo.pop()
        stage = df.stage(index)
        if stage is None:
            continue
        for st in stage.chain():
            for copy in st.copies:
                src = copy.from_stage
                if src is not None and src not in seen:
                    seen.add(src)
                    todo.append(src)
                    yield src, index


def _installs(stage: Stage, pip: PipInstall, app: PythonApp, dep_file: PyDependencies,
              req: Requirement) -> bool:
    name = dep_file.path.rpartition("/")[2]
    named = {r.rpartition("/")[2] for r in pip.requirements}
    for _ in range(3):  # `-r base.txt` inside the installed file, a few levels deep
        for other in app.dependencies:
            if other.path.rpartition("/")[2] in named:
                named |= {inc.value.rpartition("/")[2] for inc in other.includes}
    if name in named:
        return True
    for pkg in pip.packages:
        if re.split(r"[<>=!~\[; ]", pkg, maxsplit=1)[0].lower().replace("_", "-") == req.name:
            return True
    if name == "pyproject.toml":
        if any(p in (".", "./") for p in pip.packages + pip.editable):
            return True
        run = next((r for r in stage.runs if r.pos == pip.pos), None)
        return run is not None and bool(_PROJECT_INSTALLERS.search(run.text))
    return False


def _from_wheels(stage: Stage, pip: PipInstall) -> bool:
    run = next((r for r in stage.runs if r.pos == pip.pos), None)
    text = run.text if run else ""
    return any(flag in text for flag in ("--no-index", "--find-links", " -f ", "--only-binary"))


def _installed_before(stage: Stage, line: int) -> set[str]:
    have: set[str] = set(stage.parent.traits.installed) if stage.parent else set()
    for install in stage.package_installs():
        if install.pos.line <= line:
            have.update(p.split("=")[0] for p in install.packages)
    return have


def _satisfied(package: str, have: set[str]) -> bool:
    names = _PROVIDES.get(package, (package,))
    if any(n in have for n in names):
        return True
    # versioned variants: postgresql15-dev, libpq5-dev...
    stem = package.removesuffix("-dev")
    return package.endswith("-dev") and any(h.startswith(stem) and h.endswith("-dev") for h in have)


def _has_runtime(lib: str, have: set[str], build: Sequence[str]) -> bool:
    stem = re.sub(r"[-.\d]+$", "", lib)
    if any(h == lib or h.startswith(stem) for h in have):
        return True
    # a -dev package depends on its run-time library
    return any(b in have for b in build if b.endswith("-dev"))
