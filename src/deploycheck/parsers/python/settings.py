"""Configuration a module reads: environment variables, pydantic settings, Django and gunicorn.

`_Settings` turns environment reads into `EnvRead`s (required where a missing variable raises:
`os.environ["X"]`, decouple or django-environ without a default, outside a `try` that catches
the lookup and not behind an `"X" in os.environ` test), reads the fields of pydantic
`BaseSettings` classes as environment variables, recognises Django settings modules and yields
their module-level settings (and those of gunicorn config files), and finds Django's time zone
and loopback database hosts.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from deploycheck.model.python import EnvRead, LocalHostUse, Setting, TimeZoneUse
from deploycheck.model.servercmd import is_loopback
from deploycheck.parsers.python.evaluate import _Evaluator
from deploycheck.parsers.python.syntax import _assign_targets, _kw, _literal_str, _pos, _top_statements
from deploycheck.parsers.python.tables import _DJANGO_NAMES
from deploycheck.parsers.python.values import _Collected, _text, _Trace


class _Settings(_Evaluator):
    def _top_assigned(self) -> set[str]:
        names: set[str] = set()
        for stmt, _ in _top_statements(self.tree.body, False):
            for t in _assign_targets(stmt):
                names.add(t.id)
        return names

    def _settings(self, upper: bool) -> Iterator[Setting]:
        for stmt, conditional in _top_statements(self.tree.body, False):
            value_node = getattr(stmt, "value", None)
            if value_node is None or isinstance(stmt, ast.AugAssign):
                continue
            for t in _assign_targets(stmt):
                if (t.id.isupper() if upper else t.id.islower()) and not t.id.startswith("_"):
                    trace = _Trace()
                    value = self.eval(value_node, trace)
                    env = tuple(dict.fromkeys(trace.env))
                    yield Setting(t.id, value, _pos(t), env, trace.cpu, conditional)

    def _settings_path(self) -> bool:
        parts = self.src.path.lower().split("/")
        stem = parts[-1].removesuffix(".py")
        return "settings" in stem or "settings" in parts[:-1]

    def _is_django(self, names: set[str], settings_like: bool) -> bool:
        strong = len(names & _DJANGO_NAMES)
        if strong >= 2:
            return True
        if not settings_like or (not names and not self.star_imports):
            return False
        # `settings/production.py` may hold nothing but `from .base import *` and an override
        return strong >= 1 or "django" in self.imports or bool(self.star_imports)

    # ---- env reads

    def _env_reads(self, contexts: list[tuple[ast.AST, str, str, bool]]) -> list[EnvRead]:
        reads: list[EnvRead] = []
        for node, _, _, _ in contexts:
            # `if "SENTRY_DSN" in os.environ:` makes a later os.environ["SENTRY_DSN"] optional
            if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.In) and \
                    self.qual(node.comparators[0]) == "os.environ" and _literal_str(node.left):
                self.checked_env.add(_literal_str(node.left))
        for node, _, _, in_try in contexts:
            if isinstance(node, ast.Call):
                found = self.env_read(node)
                if found is None:
                    continue
                name, default, has_default, via = found
                if not name:
                    continue
                if default is not None:
                    self.env_default_nodes[id(default)] = name
                text = None
                if has_default:
                    val = self.eval(default, _Trace())
                    text = _text(val)
                required = not has_default and via in ("decouple", "django-environ") and not in_try and \
                    name not in self.checked_env
                reads.append(EnvRead(name, _pos(node), via, required, text, has_default))
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                key = self.environ_subscript(node)
                if key:
                    reads.append(EnvRead(key, _pos(node), "environ[]",
                                         not in_try and key not in self.checked_env))
        return reads

    # ---- pydantic settings

    def _on_class(self, node: ast.ClassDef, mod: _Collected) -> None:
        bases = [self.qual(b).split(".")[-1] for b in node.bases]
        if "BaseSettings" not in bases and not (set(bases) & self.settings_classes):
            return
        self.settings_classes.add(node.name)
        prefix = ""
        case_sensitive = False
        for stmt in node.body:
            if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
                for s in stmt.body:
                    for t in _assign_targets(s):
                        val = self.eval(getattr(s, "value", None), _Trace())
                        if t.id == "env_prefix" and isinstance(val, str):
                            prefix = val
                        if t.id == "case_sensitive" and val is True:
                            case_sensitive = True
            for t in _assign_targets(stmt):
                if t.id == "model_config" and isinstance(getattr(stmt, "value", None), ast.Call):
                    call = stmt.value  # type: ignore[attr-defined]
                    p = self.eval(_kw(call, "env_prefix"), _Trace())
                    prefix = p if isinstance(p, str) else prefix
                    case_sensitive = self.eval(_kw(call, "case_sensitive"), _Trace()) is True
        for stmt in node.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            fname = stmt.target.id
            if fname.startswith("_") or fname == "model_config" or "ClassVar" in ast.unparse(stmt.annotation):
                continue
            env_name = prefix + fname
            required = stmt.value is None
            default: object = None
            if isinstance(stmt.value, ast.Call) and self.qual(stmt.value.func).split(".")[-1] == "Field":
                call = stmt.value
                for key in ("validation_alias", "alias", "env"):
                    alias = self.eval(_kw(call, key), _Trace()) if _kw(call, key) is not None else None
                    if isinstance(alias, str):
                        env_name = alias
                        break
                first = call.args[0] if call.args else _kw(call, "default")
                ellipsis = isinstance(first, ast.Constant) and first.value is Ellipsis
                has = (first is not None and not ellipsis) or _kw(call, "default_factory") is not None
                required = not has
                default = self.eval(first, _Trace()) if first is not None and has else None
            elif stmt.value is not None:
                default = self.eval(stmt.value, _Trace())
            name = env_name if case_sensitive else env_name.upper()
            text = None if required else _text(default)
            mod.env_reads.append(EnvRead(name, _pos(stmt), "pydantic", required, text, not required))

    # ---- Django settings

    def _django_extras(self, settings: tuple[Setting, ...], mod: _Collected) -> None:
        for s in settings:
            if s.name == "TIME_ZONE" and isinstance(s.value, str) and s.value.upper() != "UTC":
                mod.time_zones.append(TimeZoneUse(s.value, s.pos, "TIME_ZONE"))
        for stmt, _ in _top_statements(self.tree.body, False):
            if not any(t.id == "DATABASES" for t in _assign_targets(stmt)):
                continue
            for n in ast.walk(stmt):
                if isinstance(n, ast.Dict):
                    for k, v in zip(n.keys, n.values, strict=False):
                        if _literal_str(k) == "HOST":
                            trace = _Trace()
                            val = self.eval(v, trace)
                            if isinstance(val, str) and is_loopback(val):
                                mod.local_hosts.append(LocalHostUse("django DATABASES", val, _pos(v),
                                                                    trace.env[0] if trace.env else ""))
