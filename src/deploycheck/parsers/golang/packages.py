"""Calls of imported packages' functions: `http.ListenAndServe`, `os.Getenv`, `gin.SetMode`, and more.

`_Packages._qualified_call` turns a `pkg.Func(...)` call into facts: listen addresses, env reads
(with their fallback and whether a missing value is fatal, from `_env_context`), engines, Gin's
mode, log sinks, runtime files, time zones, memory and CPU tuning, metrics handlers and HTTPS
evidence (`_https_args`: an `https://` URL handed to a client call).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deploycheck.model.golang import EnvRead, Evidence, GinEngine, RuntimeFile, SetModeCall, TimeZoneLoad
from deploycheck.parsers.golang.outputs import _Outputs
from deploycheck.parsers.golang.routers import _Routers
from deploycheck.parsers.golang.syntax import go_string
from deploycheck.parsers.golang.tables import (
    FATAL_NAMES,
    GIN,
    _default_import_name,
    _helper_name,
    _looks_like_env,
    _must,
)

if TYPE_CHECKING:
    from tree_sitter import Node

    from deploycheck.parsers.golang.records import _Facts


class _Packages(_Outputs, _Routers):
    def _qualified_call(
        self, facts: _Facts, call: Node, path: str, name: str, args: list[Node], scope: str
    ) -> None:
        where = self.pos(call)
        if (
            path in ("net/http", "github.com/fvbock/endless")
            and name in ("ListenAndServe", "ListenAndServeTLS")
            and args
        ):
            kind = "http-listenandserve" if name == "ListenAndServe" else "http-listenandservetls"
            facts.listen(kind, self.resolve(args[0], scope), self.text(args[0]), self.path, where)
        elif path == "net" and name == "Listen" and len(args) == 2:
            network = go_string(args[0])
            if network is None or network.startswith("tcp"):
                facts.listen("net-listen", self.resolve(args[1], scope), self.text(args[1]), self.path, where)
        elif path == "os" and name in ("Getenv", "LookupEnv") and args:
            key = go_string(args[0])
            if key:
                default, required = self._env_context(call, scope)
                facts.env_reads.append(EnvRead(key, default, required, name.lower(), self.path, where))
        elif path == GIN and name in ("Default", "New"):
            facts.engines.append(GinEngine(self._assigned_name(call), name, self.path, where, scope))
        elif path.startswith("github.com/labstack/echo") and name == "New":
            facts.engines.append(GinEngine(self._assigned_name(call), name, self.path, where, scope, "echo"))
        elif path.startswith("github.com/gofiber/fiber") and name == "New":
            facts.engines.append(GinEngine(self._assigned_name(call), name, self.path, where, scope, "fiber"))
        elif path == GIN and name == "SetMode" and args:
            self._set_mode(facts, call, args[0], scope)
        elif path == GIN and name in ("LoggerWithWriter",) and args:
            self._log_sink(facts, "gin.LoggerWithWriter", args[0], call, scope)
        elif path == GIN and name == "Dir" and args:
            self._runtime_file(facts, "gin.Dir", args[0], call, scope)
        elif path == "net/http" and name == "Dir" and args:
            self._runtime_file(facts, "http.Dir", args[0], call, scope)
        elif path == "net/http" and name in ("Handle", "HandleFunc") and args:
            self._route(facts, call, name, args, "http", None, scope)
        elif path in ("os", "io/ioutil") and name in ("ReadFile", "Open") and args:
            self._runtime_file(facts, f"{_default_import_name(path)}.{name}", args[0], call, scope)
        elif path in ("html/template", "text/template") and name in ("ParseFiles", "ParseGlob") and args:
            for arg in args:
                self._runtime_file(facts, f"template.{name}", arg, call, scope)
        elif path == "github.com/joho/godotenv" and name in ("Load", "Overload"):
            if not args:
                facts.runtime_files.append(
                    RuntimeFile(f"godotenv.{name}", ".env", self.path, where, self._error_ignored(call))
                )
            for arg in args:
                self._runtime_file(facts, f"godotenv.{name}", arg, call, scope)
        elif path == "github.com/spf13/viper" and name == "SetConfigFile" and args:
            self._runtime_file(facts, "viper.SetConfigFile", args[0], call, scope)
        elif path == "github.com/spf13/viper" and name == "BindEnv" and len(args) >= 2:
            for arg in args[1:]:
                key = go_string(arg)
                if key:
                    facts.env_reads.append(EnvRead(key, None, False, "viper", self.path, self.pos(arg)))
        elif path == "time" and name == "LoadLocation" and args:
            zone = go_string(args[0])
            env = ""
            if zone is None:
                parts = self.resolve(args[0], scope)
                env = next((p.text for p in parts if p.kind == "env"), "")
                zone = parts[0].effective() or "" if len(parts) == 1 else ""
            facts.time_zones.append(TimeZoneLoad(zone, env, self.path, where))
        elif path in ("log", "github.com/sirupsen/logrus") and name == "SetOutput" and args:
            self._log_sink(facts, f"{_default_import_name(path)}.SetOutput", args[0], call, scope)
        elif path == "log" and name == "New" and args:
            self._log_sink(facts, "log.New", args[0], call, scope)
        elif path == "go.uber.org/zap/zapcore" and name == "AddSync" and args:
            self._log_sink(facts, "zapcore.AddSync", args[0], call, scope)
        elif path == "log/slog" and name in ("NewJSONHandler", "NewTextHandler") and args:
            self._log_sink(facts, f"slog.{name}", args[0], call, scope)
        elif path == "runtime/debug" and name == "SetMemoryLimit":
            facts.tuning.append(Evidence("debug.SetMemoryLimit", self.path, where))
        elif path == "runtime" and name == "GOMAXPROCS" and args and self.text(args[0]) not in ("0", "-1"):
            facts.tuning.append(Evidence("runtime.GOMAXPROCS", self.path, where))
        elif path == "go.uber.org/automaxprocs/maxprocs" and name == "Set":
            facts.tuning.append(Evidence("maxprocs.Set", self.path, where))
        elif path == "github.com/prometheus/client_golang/prometheus/promhttp" and name.startswith("Handler"):
            facts.metrics.append(Evidence(f"promhttp.{name}", self.path, where))
        elif path == "google.golang.org/grpc/credentials" and "TLS" in name:
            facts.https.append(Evidence(f"credentials.{name}", self.path, where))
        elif (
            _helper_name(name) and args and 1 <= len(args) <= 2 and _looks_like_env(go_string(args[0]) or "")
        ):
            # config.GetEnv("PORT", "8080") from a helper package
            default = self._const_text(args[1], scope) if len(args) == 2 else None
            facts.env_reads.append(
                EnvRead(go_string(args[0]) or "", default, _must(name), "helper", self.path, where)
            )
        if path == "net/http" and name in (
            "Get",
            "Post",
            "Head",
            "PostForm",
            "NewRequest",
            "NewRequestWithContext",
        ):
            self._https_args(facts, call, args, scope)
        elif not path:
            return
        elif path != "net/http" and name in ("Get", "Post", "Dial", "DialContext", "NewClient"):
            self._https_args(facts, call, args, scope)

    def _https_args(self, facts: _Facts, call: Node, args: list[Node], scope: str) -> None:
        for arg in args:
            if arg.type not in (
                "interpreted_string_literal",
                "raw_string_literal",
                "identifier",
                "binary_expression",
                "call_expression",
            ):
                continue
            value = self.effective(arg, scope) if arg.type != "call_expression" else None
            if value is None and arg.type in ("binary_expression", "identifier"):
                first = self.resolve(arg, scope)[0]
                value = first.text if first.kind == "lit" else None
            if value and value.startswith("https://"):
                facts.https.append(Evidence(f"HTTPS request to {value[:60]}", self.path, self.pos(call)))
                return

    def _set_mode(self, facts: _Facts, call: Node, arg: Node, scope: str) -> None:
        path, name = self.qualified(arg)
        value, env = "", ""
        if path == GIN and name.endswith("Mode"):
            value = name[: -len("Mode")].lower()
        else:
            parts = self.resolve(arg, scope)
            if len(parts) == 1 and parts[0].kind == "lit":
                value = parts[0].text
            env = next((p.text for p in parts if p.kind == "env"), "")
        facts.set_modes.append(
            SetModeCall(value, self.text(arg), env, self.path, self.pos(call), call.start_byte, scope)
        )

    def _env_context(self, call: Node, scope: str) -> tuple[str | None, bool]:
        """(fallback, required) for an os.Getenv/LookupEnv call, from how its result is used."""
        parent = call.parent
        # cmp.Or(os.Getenv("X"), "default")
        if parent is not None and parent.type == "argument_list" and parent.parent is not None:
            path, name, _ = self.callee(parent.parent)
            args = parent.named_children
            if path == "cmp" and name == "Or" and len(args) >= 2 and args[0] == call:
                return self._literal_text(args[1]), False
        # if os.Getenv("X") == "" { log.Fatal(...) }
        if parent is not None and parent.type == "binary_expression":
            for node in self.ifs:
                _, cond = self._empty_test(node)
                if cond is not None and cond.start_byte <= call.start_byte < cond.end_byte:
                    return None, self._is_fatal(node.child_by_field_name("consequence"))
        name = self._assigned_name(call)
        if not name:
            return None, False
        default: str | None = None
        for assign in self.locals.get(scope, {}).get(name, []):
            if assign.fallback and assign.value is not None:
                default = self._literal_text(assign.value)
        required = False
        for node in self.ifs:
            if node.start_byte < call.start_byte or self.scope_name(node) != scope:
                continue
            var, _ = self._empty_test(node)
            if var == name and self._is_fatal(node.child_by_field_name("consequence")):
                required = True
                break
        return default, required

    def _is_fatal(self, block: Node | None) -> bool:
        if block is None:
            return False
        for call in self.in_range("call", block):
            _, name, _ = self.callee(call)
            if name in FATAL_NAMES or (name in ("Errorf", "New") and self._inside_return(call, block)):
                return True
        return False

    @staticmethod
    def _inside_return(node: Node, stop: Node) -> bool:
        current = node.parent
        while current is not None and current != stop:
            if current.type == "return_statement":
                return True
            current = current.parent
        return False
