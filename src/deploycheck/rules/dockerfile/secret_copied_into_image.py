from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from deploycheck.model import Category, Location, NoOptions, Related, Rule, Severity, Violation
from deploycheck.model.dockerfile import CopySpec, Dockerfile
from deploycheck.model.dockerignore import DockerIgnore, go_clean, ignore_file_for
from deploycheck.model.project import Project
from deploycheck.rules.dockerfile._common import at

_SAFE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults", ".tmpl", ".md")
_KEY_NAMES = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", ".git-credentials", ".pypirc",
              ".netrc", "privkey.pem", "service-account.json", "credentials.json"}
_KEY_GLOBS = ("*.key", "*-key.pem", "*_key.pem", "*.p12", "*.pfx", "*private*.pem")


def is_secret_file(path: str) -> bool:
    """`.env` files (not templates) and private keys, by name."""
    name = path.rpartition("/")[2].lower()
    if name.endswith(_SAFE_SUFFIXES):
        return False
    if name == ".env" or name.startswith(".env."):
        return True
    if name in _KEY_NAMES:
        return True
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in _KEY_GLOBS)


class SecretCopiedIntoImage(Rule[Project]):
    """A `.env` file or private key ends up in the image through COPY.

    ## Why
    Every file copied into the final image can be read by anyone who can pull it (`docker run
    --rm image cat /app/.env`, or by unpacking the layers); deleting it in a later layer does
    not help. `COPY . .` takes `.env`, `*.key` and `id_rsa` along unless `.dockerignore`
    excludes them; `COPY .env .env` does it on purpose (pitfall O8;
    ChatGPTNextWeb/NextChat#3511 leaked a real API key this way).

    ## Bad
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    CMD ["python", "-u", "app.py"]
    ```
    ```.env
    API_KEY=sk-live-1234
    ```

    ## Good
    ```Dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    CMD ["python", "-u", "app.py"]
    ```
    ```.env
    API_KEY=sk-live-1234
    ```
    ```.dockerignore
    .git
    .env*
    ```

    ## Fix
    Exclude secrets in `.dockerignore` (`.env*`, `*.key`, `id_rsa`), never COPY them, and pass
    the values at run time (compose `env_file:`, Kubernetes Secrets). Rotate any key that was
    in a pushed image.
    """

    code = "DC115"
    name = "secret-copied-into-image"
    category = Category.SECURITY
    severity = Severity.ERROR
    target = Project
    fix = "exclude it in .dockerignore (.env*, *.key) and pass secrets at run time"

    def check(self, model: Project, options: NoOptions) -> Iterator[Violation]:
        secrets = sorted(f for f in model.files if is_secret_file(f))
        ignores = model.of(DockerIgnore)
        for df in model.of(Dockerfile):
            final = df.final
            if final is None:
                continue
            context = df.directory
            prefix = f"{context}/" if context else ""
            in_context = [s[len(prefix):] for s in secrets if s.startswith(prefix)]
            ignore = ignore_file_for(df.path, context, ignores)
            exposed = [s for s in in_context if ignore is None or not ignore.ignores(s)]
            for stage in final.chain():
                for copy in stage.copies:
                    if not copy.from_context:
                        continue
                    taken = [s for s in exposed if _copies(copy, s)]
                    explicit = [src for src in copy.sources
                                if is_secret_file(src) and "*" not in src
                                and go_clean(src) not in taken
                                and not (ignore is not None and ignore.ignores(src))]
                    if taken or explicit:
                        yield self._violation(df, copy, taken + explicit, prefix, ignore)

    def _violation(self, df: Dockerfile, copy: CopySpec, files: list[str], prefix: str,
                   ignore: DockerIgnore | None) -> Violation:
        names = ", ".join(prefix + f for f in files[:3])
        if len(files) > 3:
            names += f" and {len(files) - 3} more"
        if ignore is None:
            why = "there is no .dockerignore"
            related: tuple[Related, ...] = ()
        else:
            why = f"{ignore.path} does not exclude {'it' if len(files) == 1 else 'them'}"
            related = (Related(Location.at(ignore.path, None), "the .dockerignore in effect"),)
        sources = " ".join(copy.sources)
        return Violation(
            f"{copy.keyword} {sources} {copy.dest} puts {names} into the image ({why}): anyone "
            "who can pull the image can read the secrets in it",
            at(df, copy.pos),
            related,
        )


def _copies(copy: CopySpec, relpath: str) -> bool:
    for src in copy.sources:
        s = go_clean(src.lstrip("/"))
        if s == "." or s == relpath or relpath.startswith(s + "/"):
            return True
        if any(c in s for c in "*?[") and fnmatch.fnmatchcase(relpath, s):
            return True
    return False
