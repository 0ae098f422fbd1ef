from __future__ import annotations

from collections.abc import Iterator

from deploycheck.model import Category, NoOptions, Rule, Severity, Violation
from deploycheck.model.image import ElfInfo, ImageFacts
from deploycheck.rules.image._common import library_fix, project_related


class ExtensionModuleUnloadable(Rule[ImageFacts]):
    """A Python extension module under site-packages cannot be loaded: a shared library it needs
    is missing, or it is built for another CPU or C library.

    ## Why
    `import psycopg2` loads `_psycopg.cpython-311-x86_64-linux-gnu.so`, which needs `libpq.so.5`.
    A wheel built in a builder stage with `libpq-dev` and copied into a slim runtime without
    `libpq5` fails at the first import: `ImportError: libpq.so.5: cannot open shared object
    file: No such file or directory` (pitfall D9); lxml needs libxml2 and libxslt, Pillow libjpeg.
    A manylinux (glibc) wheel on alpine fails with `Error loading shared library
    ld-linux-x86-64.so.2`; a wheel for another CPU with `wrong ELF class` or `cannot open shared
    object file: Exec format error`. Every module is checked, not only the entrypoint.

    ## Bad
    ```image.json
    {"image": "shop/web:2.0",
     "config": {"config": {"Cmd": ["gunicorn", "app:app"]}},
     "layers": [{"created_by": "FROM python:3.11-slim",
                 "files": [{"path": "lib/x86_64-linux-gnu/libc.so.6", "mode": "0755",
                            "elf": {"type": "dyn", "soname": "libc.so.6"}}]},
                {"created_by": "COPY --from=build /venv /usr/local",
                 "files": [
    {"path": "usr/local/lib/python3.11/site-packages/psycopg2/_psycopg.cpython-311-x86_64-linux-gnu.so",
     "mode": "0755", "elf": {"type": "dyn", "needed": ["libpq.so.5", "libc.so.6"]}}]}]}
    ```

    ## Good
    ```image.json
    {"image": "shop/web:2.0",
     "config": {"config": {"Cmd": ["gunicorn", "app:app"]}},
     "layers": [{"created_by": "FROM python:3.11-slim",
                 "files": [{"path": "lib/x86_64-linux-gnu/libc.so.6", "mode": "0755",
                            "elf": {"type": "dyn", "soname": "libc.so.6"}}]},
                {"created_by": "RUN apt-get install -y libpq5",
                 "files": [{"path": "usr/lib/x86_64-linux-gnu/libpq.so.5", "mode": "0644",
                            "elf": {"type": "dyn", "soname": "libpq.so.5", "needed": ["libc.so.6"]}}]},
                {"created_by": "COPY --from=build /venv /usr/local",
                 "files": [
    {"path": "usr/local/lib/python3.11/site-packages/psycopg2/_psycopg.cpython-311-x86_64-linux-gnu.so",
     "mode": "0755", "elf": {"type": "dyn", "needed": ["libpq.so.5", "libc.so.6"]}}]}]}
    ```

    ## Fix
    Install the library's runtime package in the final stage (`libpq5`, `libxml2 libxslt1.1`,
    `libjpeg62-turbo`), use the self-contained wheel (`psycopg2-binary`, `psycopg[binary]`), or
    install wheels built for the runtime's C library and CPU (musllinux on alpine).
    """

    code = "IM018"
    name = "extension-module-unloadable"
    category = Category.DEPENDENCY
    severity = Severity.ERROR
    target = ImageFacts
    fix = "install the library's runtime package in the final stage, or use a self-contained wheel"

    def check(self, model: ImageFacts, options: NoOptions) -> Iterator[Violation]:
        if not model.complete:
            return
        arch = model.config.architecture
        libc = model.libc()
        by_package: dict[str, list[tuple[str, str, list[str]]]] = {}
        for path, info in model.extension_modules():
            problem, libs = _problem(model, path, info, arch, libc)
            if problem:
                by_package.setdefault(model.python_package(path) or path, []).append((path, problem, libs))
        for package, items in sorted(by_package.items()):
            path, problem, libs = items[0]
            more = ""
            if len(items) > 1:
                more = f" ({len(items) - 1} more module{'s' if len(items) > 2 else ''} of {package} too)"
            yield Violation(
                f"`import {package}` fails: its extension module {path} {problem}{more}",
                model.location(path), project_related(model),
                fix=library_fix(model, libs) if libs else
                "install a wheel built for the image's CPU and C library")


def _problem(model: ImageFacts, path: str, info: ElfInfo, arch: str, libc: str) -> tuple[str, list[str]]:
    if arch and info.arch != arch:
        return (f"is built for {info.arch}, and the image is {model.config.platform}: `ImportError: "
                f"{path}: cannot open shared object file: wrong ELF class` / `Exec format error`", [])
    if info.partial:
        return "", []
    missing = model.missing_libraries(path, info)
    if not missing:
        return "", []
    names = [m[0] for m in missing]
    name, needer, search = missing[0]
    via = "" if needer == path else f" (needed by {needer})"
    mismatch = ""
    if info.libc == "glibc" and libc == "musl":
        mismatch = "; it is a glibc (manylinux) build and this image has musl libc"
    elif info.libc == "musl" and libc == "glibc":
        mismatch = "; it is a musl (musllinux) build and this image has glibc"
    others = f" (also missing: {', '.join(names[1:5])})" if len(names) > 1 else ""
    return (f"needs {name}{via}, which the loader finds nowhere ({search}){others}{mismatch}: "
            f"`ImportError: {name}: cannot open shared object file: No such file or directory`", names)
