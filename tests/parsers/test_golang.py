"""The Go parser: facts with positions, values followed through the code, and no crash on any input."""

from __future__ import annotations

import time
from textwrap import dedent

from hypothesis import given, settings
from hypothesis import strategies as st

from deploycheck.model import Position, SourceFile
from deploycheck.model.golang import GoFile, GoMod, GoPackage, assemble
from deploycheck.parsers.golang import parse
from deploycheck.parsers.gomod import parse as parse_gomod


def go(text: str, path: str = "main.go") -> GoFile:
    result = parse(SourceFile.of(path, dedent(text).lstrip("\n")))
    assert not result.problems, result.problems
    (model,) = result.models
    assert isinstance(model, GoFile)
    return model


def package(*files: tuple[str, str], gomod: str = "") -> GoPackage:
    models: list[object] = []
    for path, text in files:
        models.extend(parse(SourceFile.of(path, dedent(text).lstrip("\n"))).models)
    if gomod:
        models.extend(parse_gomod(SourceFile.of("go.mod", gomod)).models)
    packages = [m for m in assemble(models) if isinstance(m, GoPackage)]
    assert len(packages) == 1, packages
    return packages[0]


# ------------------------------------------------------------------ package, imports, positions


def test_package_imports_and_positions() -> None:
    f = go('''
        //go:build linux

        package main

        import (
            "fmt"
            g "github.com/gin-gonic/gin"
            _ "time/tzdata"
        )

        func main() { fmt.Println(g.Version) }
    ''')
    assert f.package == "main" and f.package_pos == Position(3, 1)
    assert f.build_constraint == "linux" and not f.excluded_from_build
    assert [(i.path, i.alias, i.pos) for i in f.imports] == [
        ("fmt", "", Position(6, 5)),
        ("github.com/gin-gonic/gin", "g", Position(7, 5)),
        ("time/tzdata", "_", Position(8, 5)),
    ]
    assert f.has_main_func


def test_ignored_build_files_are_left_out_of_packages() -> None:
    gen = parse(SourceFile.of("gen.go", "//go:build ignore\n\npackage main\n\nfunc main() {}\n")).models
    real = parse(SourceFile.of("main.go", "package main\n\nfunc main() {}\n")).models
    (pkg,) = assemble([*gen, *real])
    assert isinstance(pkg, GoPackage)
    assert [f.path for f in pkg.files] == ["main.go"]


def test_columns_count_characters_not_bytes() -> None:
    f = go('''
        package main

        import "net/http"

        func main() {
            /* é */ http.ListenAndServe("127.0.0.1:80", nil)
        }
    ''')
    assert f.listens[0].pos == Position(6, 13)  # 14 if bytes were counted


# ------------------------------------------------------------------ listen addresses


def test_gin_run_literal_and_aliased_import() -> None:
    f = go('''
        package main

        import web "github.com/gin-gonic/gin"

        func main() {
            r := web.Default()
            r.Run("localhost:8080")
        }
    ''')
    (call,) = f.listens
    assert call.kind == "gin-run" and call.pos == Position(7, 5) and call.receiver == "r"
    assert call.address.host == "localhost" and call.address.port == 8080
    assert call.address.is_loopback and call.address.resolved and call.address.origin() == "hard-coded"


def test_gin_run_without_arguments_reads_port_env() -> None:
    f = go('''
        package main

        import "github.com/gin-gonic/gin"

        func main() {
            gin.Default().Run()
            e := gin.New()
            e.Run()
        }
    ''')
    (call,) = f.listens  # the unnamed engine is not a known router
    assert call.address.host == "" and call.address.port == 8080
    assert call.address.env_var == "PORT" and call.address.env_default == "8080"
    assert not call.address.resolved


def test_env_with_if_empty_fallback_and_concatenation() -> None:
    f = go('''
        package main

        import (
            "net/http"
            "os"
        )

        const host = "127.0.0.1"

        func main() {
            port := os.Getenv("PORT")
            if port == "" {
                port = "3000"
            }
            addr := host + ":" + port
            http.ListenAndServe(addr, nil)
        }
    ''')
    address = f.listens[0].address
    assert (address.host, address.port) == ("127.0.0.1", 3000)
    assert address.env_var == "PORT" and address.env_default == "3000"
    assert address.port_part is not None and address.port_part.kind == "env"
    (read,) = f.env_reads
    assert (read.name, read.default, read.required, read.pos) == ("PORT", "3000", False, Position(11, 13))


def test_lookupenv_not_ok_fallback_and_sprintf() -> None:
    f = go('''
        package main

        import (
            "fmt"
            "net/http"
            "os"
        )

        func main() {
            host, ok := os.LookupEnv("HOST")
            if !ok {
                host = "localhost"
            }
            srv := &http.Server{Addr: fmt.Sprintf("%s:%d", host, 9000)}
            srv.ListenAndServe()
        }
    ''')
    (call,) = f.listens
    assert call.kind == "http-server-addr" and call.pos == Position(14, 31)
    assert call.address.text() == "localhost:9000"
    assert call.address.host_part is not None and call.address.host_part.kind == "env"
    assert "HOST is unset" in call.address.origin()


def test_flag_defaults_string_int_and_stringvar() -> None:
    f = go('''
        package main

        import (
            "flag"
            "fmt"
            "net"
            "net/http"
        )

        var listen string

        func main() {
            port := flag.Int("port", 8081, "port")
            flag.StringVar(&listen, "listen", "[::1]:7000", "address")
            flag.Parse()
            http.ListenAndServe(fmt.Sprintf(":%d", *port), nil)
            net.Listen("tcp", listen)
        }
    ''')
    first, second = f.listens
    assert first.address.port == 8081 and first.address.flag_name == "port"
    assert first.address.flag_default == "8081" and first.address.host == ""
    assert second.kind == "net-listen" and second.address.host == "::1" and second.address.port == 7000
    assert second.address.is_loopback and second.address.flag_name == "listen"


def test_getenv_helper_cmp_or_and_joinhostport() -> None:
    f = go('''
        package main

        import (
            "cmp"
            "net"
            "net/http"
            "os"
        )

        func getEnv(key, fallback string) string {
            if v := os.Getenv(key); v != "" {
                return v
            }
            return fallback
        }

        func main() {
            host := getEnv("BIND_HOST", "127.0.0.1")
            port := cmp.Or(os.Getenv("PORT"), "8080")
            http.ListenAndServe(net.JoinHostPort(host, port), nil)
        }
    ''')
    assert f.env_helpers == ("getEnv",)
    address = f.listens[0].address
    assert address.text() == "127.0.0.1:8080" and address.env_var == "BIND_HOST"
    reads = {(r.name, r.default, r.via) for r in f.env_reads}
    assert ("BIND_HOST", "127.0.0.1", "helper") in reads and ("PORT", "8080", "getenv") in reads


def test_values_and_helpers_from_other_files_of_the_package() -> None:
    pkg = package(
        ("cmd/api/config.go", '''
            package main

            import "os"

            const listenHost = "localhost"

            var Port = envOr("APP_PORT", "7070")

            func envOr(k, d string) string {
                if v, ok := os.LookupEnv(k); ok {
                    return v
                }
                return d
            }
        '''),
        ("cmd/api/main.go", '''
            package main

            import "net/http"

            func main() {
                http.ListenAndServe(listenHost+":"+Port, nil)
                _ = envOr("DATABASE_URL", "")
            }
        '''),
    )
    (call,) = pkg.listens
    assert call.address.text() == "localhost:7070" and call.address.env_var == "APP_PORT"
    assert call.address.host_part is not None and call.address.host_part.path == "cmd/api/config.go"
    assert {r.name for r in pkg.env_reads} == {"APP_PORT", "DATABASE_URL"}
    assert pkg.is_main and pkg.directory == "cmd/api"


def packages(*files: tuple[str, str], gomod: str = "") -> dict[str, GoPackage]:
    models: list[object] = []
    for path, text in files:
        models.extend(parse(SourceFile.of(path, dedent(text).lstrip("\n"))).models)
    if gomod:
        models.extend(parse_gomod(SourceFile.of("go.mod", gomod)).models)
    return {m.directory: m for m in assemble(models) if isinstance(m, GoPackage)}


def test_fields_of_struct_literals_and_of_config_loaders() -> None:
    f = go('''
        package main

        import (
            "net/http"
            "os"
        )

        type Config struct{ Addr, Port string }

        func getenv(k, d string) string {
            if v := os.Getenv(k); v != "" {
                return v
            }
            return d
        }

        func load() (*Config, error) {
            cfg := &Config{Addr: "127.0.0.1"}
            cfg.Port = getenv("PORT", "9000")
            if cfg.Addr == "x" {
                return nil, nil
            }
            return cfg, nil
        }

        func main() {
            lit := Config{Addr: ":" + os.Getenv("LIT_PORT")}
            http.ListenAndServe(lit.Addr, nil)
            cfg, err := load()
            if err != nil {
                panic(err)
            }
            http.ListenAndServe(cfg.Addr+":"+cfg.Port, nil)
        }
    ''')
    values = {v.name: v.parts for v in f.values}
    assert [p.kind for p in values["load().Addr"]] == ["lit"]
    assert [(p.kind, p.text, p.default) for p in values["load().Port"]] == [("env", "PORT", "9000")]
    first, second = f.listens
    assert first.address.env_var == "LIT_PORT"
    assert [(p.kind, p.text) for p in second.parts] == [("ident", "load().Addr"), ("lit", ":"),
                                                         ("ident", "load().Port")]
    pkg = package(("main.go", '''
        package main

        import "net/http"

        type Config struct{ Addr string }

        func defaults() Config { return Config{Addr: "localhost:7000"} }

        func main() {
            c := defaults()
            http.ListenAndServe(c.Addr, nil)
        }
    '''))
    (call,) = pkg.listens
    assert (call.address.host, call.address.port) == ("localhost", 7000)


def test_a_config_package_resolves_across_packages() -> None:
    """The common layout: `cfg := config.Load()` in main, the env reads in internal/config."""
    pkgs = packages(
        ("internal/config/config.go", '''
            package config

            import "os"

            type Config struct {
                Host string
                Port string
            }

            func getEnv(key, fallback string) string {
                if v := os.Getenv(key); v != "" {
                    return v
                }
                return fallback
            }

            func Load() *Config {
                return &Config{
                    Port: getEnv("PORT", "9090"),
                    Host: getEnv("HOST", "127.0.0.1"),
                }
            }
        '''),
        ("main.go", '''
            package main

            import (
                "github.com/gin-gonic/gin"

                "example.com/shop/internal/config"
            )

            func main() {
                cfg := config.Load()
                r := gin.New()
                r.Run(cfg.Host + ":" + cfg.Port)
            }
        '''),
        gomod="module example.com/shop\n\ngo 1.22\n",
    )
    (call,) = pkgs[""].listens
    assert (call.address.host, call.address.port) == ("127.0.0.1", 9090)
    assert [(p.kind, p.text, p.default) for p in call.parts if p.kind == "env"] == [
        ("env", "HOST", "127.0.0.1"), ("env", "PORT", "9090")]
    assert {p.path for p in call.parts if p.kind == "env"} == {"internal/config/config.go"}


def test_struct_tag_env_libraries_fill_config_fields() -> None:
    pkgs = packages(
        ("internal/config/config.go", '''
            package config

            import "github.com/caarlos0/env/v11"

            type Config struct {
                Host string `env:"HOST" envDefault:"127.0.0.1"`
                Port string `env:"PORT" envDefault:"9000"`
                Name string
            }

            func Load() (*Config, error) {
                cfg := &Config{}
                if err := env.Parse(cfg); err != nil {
                    return nil, err
                }
                return cfg, nil
            }
        '''),
        ("main.go", '''
            package main

            import (
                "net/http"

                "github.com/kelseyhightower/envconfig"
                goenv "github.com/sethvargo/go-envconfig"

                "example.com/shop/internal/config"
            )

            type Spec struct {
                Addr string `envconfig:"ADDR" default:":7000"`
            }

            type Other struct {
                Listen string `env:"LISTEN, default=:6000"`
            }

            func main() {
                cfg, err := config.Load()
                if err != nil {
                    panic(err)
                }
                http.ListenAndServe(cfg.Host+":"+cfg.Port, nil)
                var s Spec
                envconfig.MustProcess("shop", &s)
                http.ListenAndServe(s.Addr, nil)
                o := new(Other)
                goenv.Process(nil, o)
                http.ListenAndServe(o.Listen, nil)
            }
        '''),
        gomod="module example.com/shop\n\ngo 1.22\n",
    )
    first, second, third = pkgs[""].listens
    assert (first.address.host, first.address.port) == ("127.0.0.1", 9000)
    assert [p.text for p in first.parts if p.kind == "env"] == ["HOST", "PORT"]
    assert (second.address.env_var, second.address.port) == ("SHOP_ADDR", 7000)  # envconfig's prefix
    assert (third.address.env_var, third.address.port) == ("LISTEN", 6000)


def test_config_fields_we_cannot_follow_stay_unknown() -> None:
    f = go('''
        package main

        import (
            "net/http"
            "os"
        )

        type Config struct{ Addr string }

        func fromArgs(args []string) *Config { return &Config{Addr: args[0]} }

        func twoWays() *Config {
            if os.Getenv("A") != "" {
                return &Config{Addr: ":1"}
            }
            return &Config{Addr: ":2"}
        }

        func main() {
            a := fromArgs(os.Args)
            b := twoWays()
            var c Config
            http.ListenAndServe(a.Addr, nil)
            http.ListenAndServe(b.Addr, nil)
            http.ListenAndServe(c.Addr, nil)
        }
    ''')
    assert "fromArgs().Addr" not in {v.name for v in f.values}  # it takes parameters
    assert "twoWays().Addr" not in {v.name for v in f.values}  # two different literals
    assert [c.address.port for c in f.listens] == [None, None, None]


def test_unknown_values_stay_unknown() -> None:
    f = go('''
        package main

        import "net/http"

        func serve(addr string) { http.ListenAndServe(addr, nil) }

        func main() {
            addr := ":80"
            addr = ":81"
            http.ListenAndServe(cfg.Addr, nil)
            http.ListenAndServe(addr, nil)
        }
    ''')
    assert [c.address.host for c in f.listens] == [None, None, None]
    assert not any(c.address.resolved for c in f.listens)


def test_echo_and_fiber_listeners() -> None:
    f = go('''
        package main

        import (
            "github.com/gofiber/fiber/v2"
            "github.com/labstack/echo/v4"
        )

        func main() {
            e := echo.New()
            go e.Start(":1323")
            app := fiber.New()
            app.Listen("127.0.0.1:3000")
        }
    ''')
    assert [(c.kind, c.address.text()) for c in f.listens] == [
        ("echo-start", ":1323"), ("fiber-listen", "127.0.0.1:3000")]


# ------------------------------------------------------------------ gin routing


def test_engines_groups_routes_and_middleware_order() -> None:
    f = go('''
        package main

        import (
            "github.com/gin-contrib/cors"
            "github.com/gin-gonic/gin"
        )

        func main() {
            gin.SetMode(gin.ReleaseMode)
            r := gin.New()
            r.GET("/ping", ping)
            api := r.Group("/api")
            v1 := api.Group("v1")
            v1.Use(cors.Default())
            v1.POST("/items/", create)
            r.Handle("OPTIONS", "/x", ping)
            r.Use(gin.Logger())
            r.SetTrustedProxies(nil)
            r.TrustedPlatform = gin.PlatformCloudflare
        }
    ''')
    (engine,) = f.engines
    assert (engine.var, engine.constructor, engine.scope) == ("r", "New", "main")
    assert engine.pos == Position(10, 10)
    assert [(r.method, r.route, r.router_kind, r.engine) for r in f.routes] == [
        ("GET", "/ping", "engine", "r"), ("POST", "/api/v1/items/", "group", "r"),
        ("OPTIONS", "/x", "engine", "r")]
    group_use, engine_use = f.uses
    assert group_use.target_kind == "group" and group_use.prefix == "/api/v1" and group_use.is_cors
    assert engine_use.target_kind == "engine" and not engine_use.is_cors
    assert engine_use.middleware_name == "Logger" and engine_use.order > f.routes[0].order
    assert f.set_modes[0].value == "release" and f.set_modes[0].pos == Position(9, 5)
    assert f.trusted_proxies[0].arg_kind == "nil"
    assert "TrustedPlatform" in f.trusted_platforms[0].what


def test_router_from_parameter_types_and_struct_fields() -> None:
    f = go('''
        package server

        import "github.com/gin-gonic/gin"

        type Server struct {
            router *gin.Engine
        }

        func New() *Server { return &Server{router: gin.Default()} }

        func (s *Server) Routes(g *gin.RouterGroup) {
            s.router.GET("/healthz", nil)
            g.GET("/users", nil)
            s.router.Run(":9000")
        }
    ''')
    assert [(r.route, r.router_kind, r.prefix_known) for r in f.routes] == [
        ("/healthz", "engine", True), ("/users", "group", False)]
    assert f.listens[0].address.port == 9000


def test_net_http_and_go122_patterns_and_promhttp() -> None:
    f = go('''
        package main

        import (
            "net/http"

            "github.com/prometheus/client_golang/prometheus/promhttp"
        )

        func main() {
            mux := http.NewServeMux()
            mux.HandleFunc("GET /livez", nil)
            http.Handle("/metrics", promhttp.Handler())
        }
    ''')
    assert [(r.method, r.route) for r in f.routes] == [("GET", "/livez"), ("ANY", "/metrics")]
    assert f.metrics


def test_client_ip_and_set_mode_from_env() -> None:
    f = go('''
        package main

        import (
            "os"

            "github.com/gin-gonic/gin"
        )

        func main() {
            r := gin.Default()
            gin.SetMode(os.Getenv("GIN_MODE"))
            r.GET("/", func(c *gin.Context) { c.String(200, c.ClientIP()) })
        }
    ''')
    assert f.set_modes[0].value == "" and f.set_modes[0].env_var == "GIN_MODE"
    assert f.client_ip_uses[0].pos == Position(12, 53)


# ------------------------------------------------------------------ CORS


def test_cors_config_fields() -> None:
    f = go('''
        package main

        import "github.com/gin-contrib/cors"

        var origins = []string{"https://a.example.com", "https://b.example.com/"}

        func main() {
            cfg := cors.Config{
                AllowOrigins:     origins,
                AllowMethods:     []string{"GET", "POST"},
                AllowCredentials: true,
                AllowOriginFunc:  func(o string) bool { return true },
            }
            _ = cfg
        }
    ''')
    (config,) = f.cors_configs
    assert config.var == "cfg" and config.pos == Position(8, 12)
    assert [o.value for o in config.allow_origins] == ["https://a.example.com", "https://b.example.com/"]
    assert config.allow_origins[1].pos == Position(5, 49)
    assert config.allow_credentials is True and config.allow_all_origins is None
    assert config.allow_origin_func and config.allow_methods == ("GET", "POST")
    assert config.field_pos("AllowCredentials") == Position(11, 27) and not config.allows_any_origin


def test_hand_written_cors_handlers() -> None:
    f = go('''
        package main

        import (
            "net/http"

            "github.com/gin-gonic/gin"
        )

        func Reflect(c *gin.Context) {
            c.Header("Access-Control-Allow-Origin", c.GetHeader("Origin"))
            c.Header("Access-Control-Allow-Credentials", "true")
            c.Next()
        }

        func Checked(w http.ResponseWriter, r *http.Request) {
            origin := r.Header.Get("Origin")
            switch origin {
            case "https://app.example.com":
                w.Header().Set("Access-Control-Allow-Origin", origin)
            }
            if r.Method == http.MethodOptions {
                w.WriteHeader(http.StatusNoContent)
                return
            }
        }

        func Star(c *gin.Context) {
            c.Writer.Header().Set("access-control-allow-origin", "*")
            if c.Request.Method == "OPTIONS" {
                c.AbortWithStatus(204)
            }
        }
    ''')
    reflect, checked, star = f.cors_handlers
    assert (reflect.name, reflect.origin, reflect.origin_checked, reflect.credentials) == (
        "Reflect", "reflect", False, True)
    assert reflect.pos == Position(9, 6) and reflect.origin_pos == Position(10, 5)
    assert not reflect.answers_options
    assert (checked.origin, checked.origin_checked, checked.answers_options) == ("reflect", True, True)
    assert (star.origin, star.answers_options, star.credentials) == ("*", True, False)


# ------------------------------------------------------------------ runtime needs


def test_runtime_files_embeds_time_zones_https_cgo() -> None:
    f = go('''
        package main

        import (
            "C"
            "embed"
            "flag"
            "html/template"
            "net/http"
            "os"
            "time"

            "github.com/gin-gonic/gin"
            "github.com/joho/godotenv"
            _ "github.com/mattn/go-sqlite3"
            "github.com/stripe/stripe-go/v76"
        )

        //go:embed static/* "web dir"
        var assets embed.FS

        const api = "https://api.example.com/v1"

        func main() {
            _ = godotenv.Load()
            cfg := flag.String("config", "config.yaml", "")
            data, err := os.ReadFile(*cfg)
            r := gin.Default()
            r.LoadHTMLGlob("templates/*")
            r.Static("/assets", "./public")
            r.StaticFS("/files", http.Dir("uploads"))
            t := template.Must(template.ParseFiles("views/index.html"))
            loc, _ := time.LoadLocation("Europe/Paris")
            utc, _ := time.LoadLocation("UTC")
            http.Get(api + "/items")
            client := &http.Client{}
        }
    ''')
    files = [(r.call, r.file, r.error_ignored) for r in f.runtime_files]
    assert files == [
        ("godotenv.Load", ".env", True), ("os.ReadFile", "config.yaml", False),
        ("LoadHTMLGlob", "templates/*", False), ("Static", "./public", False),
        ("http.Dir", "uploads", False), ("template.ParseFiles", "views/index.html", False)]
    assert f.runtime_files[2].pos == Position(28, 20)
    assert f.embeds[0].patterns == ("static/*", "web dir") and f.embeds[0].var == "assets"
    assert [(t.zone, t.needs_tzdata) for t in f.time_zones] == [("Europe/Paris", True), ("UTC", False)]
    strong = [e.what for e in f.https if e.strong]
    assert any("stripe" in w for w in strong) and any("https://api.example.com" in w for w in strong)
    assert any(not e.strong for e in f.https)
    assert {e.what.split(" ")[0] for e in f.cgo} == {'import', "imports"}


def test_package_summaries() -> None:
    pkg = package(
        ("main.go", '''
            package main

            import (
                "time"
                _ "time/tzdata"
                _ "go.uber.org/automaxprocs"
                "github.com/gin-gonic/gin"
            )

            func main() {
                r := gin.Default()
                gin.SetMode(gin.ReleaseMode)
                time.LoadLocation("Asia/Tokyo")
                r.Run(":8080")
            }
        '''),
        gomod="module example.com/app\n\ngo 1.21\n",
    )
    assert pkg.module is not None and pkg.go_version == "1.21"
    assert pkg.embeds_tzdata and not pkg.loads_time_zones
    assert pkg.imports_automaxprocs and not pkg.imports_automemlimit
    assert pkg.set_mode_before_engine() is False
    assert pkg.serves_http and not pkg.sets_cors_headers and not pkg.uses_cgo


def test_env_reads_required_and_struct_tags() -> None:
    f = go('''
        package main

        import (
            "log"
            "os"
        )

        type Config struct {
            Port  string `envconfig:"PORT" default:"8080"`
            DSN   string `envconfig:"DATABASE_URL" required:"true"`
            Token string `env:"API_TOKEN,required" json:"-"`
            Level string `env:"LOG_LEVEL" envDefault:"info"`
        }

        func main() {
            secret := os.Getenv("SECRET_KEY")
            if secret == "" {
                log.Fatal("SECRET_KEY is required")
            }
            if os.Getenv("REDIS_URL") == "" {
                panic("REDIS_URL")
            }
            key, ok := os.LookupEnv("API_KEY")
            if !ok {
                log.Fatalf("API_KEY missing")
            }
            _ = key
            _ = MustGetenv("JWT_SECRET")
        }
    ''')
    reads = {r.name: (r.default, r.required, r.via) for r in f.env_reads}
    assert reads["PORT"] == ("8080", False, "envconfig")
    assert reads["DATABASE_URL"] == (None, True, "envconfig")
    assert reads["API_TOKEN"] == (None, True, "env-tag")
    assert reads["LOG_LEVEL"] == ("info", False, "env-tag")
    assert reads["SECRET_KEY"] == (None, True, "getenv")
    assert reads["REDIS_URL"] == (None, True, "getenv")
    assert reads["API_KEY"] == (None, True, "lookupenv")
    assert reads["JWT_SECRET"] == (None, True, "helper")


def test_log_files_and_tls_behaviours_and_tuning() -> None:
    f = go('''
        package main

        import (
            "io"
            "log"
            "os"
            "runtime/debug"

            "github.com/gin-gonic/gin"
            "github.com/unrolled/secure"
            "go.uber.org/zap"
        )

        func main() {
            f, _ := os.Create("gin.log")
            gin.DefaultWriter = io.MultiWriter(f, os.Stdout)
            w, _ := os.OpenFile("/var/log/app.log", os.O_APPEND, 0644)
            log.SetOutput(w)
            cfg := zap.Config{OutputPaths: []string{"logs/out.log"}}
            _ = secure.New(secure.Options{SSLRedirect: true})
            debug.SetMemoryLimit(1 << 30)
            r := gin.Default()
            r.Use(func(c *gin.Context) {
                if c.Request.TLS == nil {
                    c.Redirect(301, "https://x")
                }
                if c.Request.TLS != nil {
                    c.Header("Strict-Transport-Security", "max-age=1")
                }
            })
        }
    ''')
    logs = [(o.sink, o.file, o.also_stdout) for o in f.log_files]
    assert ("gin.DefaultWriter", "gin.log", True) in logs
    assert ("log.SetOutput", "/var/log/app.log", False) in logs
    assert ("zap OutputPaths", "logs/out.log", False) in logs
    assert sorted(t.kind for t in f.tls) == ["hsts-only-on-tls", "redirect-on-tls-nil", "secure-ssl-redirect"]
    assert [e.what for e in f.tuning] == ["debug.SetMemoryLimit"]


# ------------------------------------------------------------------ hostile input


def test_empty_malformed_and_binary_input_never_raise() -> None:
    for text in ("", "\0\0\0\xff", "package", "package main\nfunc main( {", "}}}}{{{{", "package main\n\x00"):
        result = parse(SourceFile.of("x.go", text))
        assert result.models or result.problems
    broken = parse(SourceFile.of("x.go", "package main\n\nfunc main() {\n    r.Run(\n"))
    assert broken.problems and broken.problems[0].location.path == "x.go"
    assert isinstance(broken.models[0], GoFile)
    assert parse(SourceFile.of("x.go", "")).problems[0].message.startswith("no package clause")


def test_deep_nesting_and_cyclic_constants() -> None:
    deep = "package main\nvar x = " + "(" * 3000 + "1" + ")" * 3000 + "\n"
    assert parse(SourceFile.of("deep.go", deep)).models or parse(SourceFile.of("deep.go", deep)).problems
    f = go('''
        package main

        import "net/http"

        const a = b
        const b = a

        func main() { http.ListenAndServe(a, nil) }
    ''')
    assert f.listens[0].address.host is None


def test_large_file_is_fast() -> None:
    body = "".join(
        f'    r.GET("/items/{i}", func(c *gin.Context) {{ c.JSON(200, os.Getenv("K{i}")) }})\n'
        for i in range(3000)
    )
    head = 'package main\n\nimport (\n"os"\n"github.com/gin-gonic/gin"\n)\n\n'
    text = f"{head}func main() {{\n r := gin.Default()\n{body}}}\n"
    start = time.perf_counter()
    f = go(text)
    assert time.perf_counter() - start < 5
    assert len(f.routes) == 3000 and len(f.env_reads) == 3000


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('package main func(){}[]"`:=+*&!.,\n\tgin.Run os.Getenv 8080 ')),
               max_size=400))
def test_never_raises_on_go_like_noise(text: str) -> None:
    result = parse(SourceFile.of("fuzz.go", text))
    for model in result.models:
        assert isinstance(model, GoFile)
    assemble(list(result.models))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_any_text(text: str) -> None:
    parse(SourceFile.of("fuzz.go", "package main\n" + text))


def test_gomod_models_attach_to_nested_packages() -> None:
    mod = parse_gomod(SourceFile.of("svc/go.mod", "module example.com/svc\n")).models[0]
    assert isinstance(mod, GoMod)
    files = parse(SourceFile.of("svc/internal/x/x.go", "package x\n")).models
    (pkg,) = assemble([mod, *files])
    assert isinstance(pkg, GoPackage) and pkg.module is mod and not pkg.is_main


def test_config_literals_that_a_decoder_or_method_may_change_stay_unknown() -> None:
    f = go('''
        package main

        import (
            "encoding/json"
            "net/http"
            "os"
        )

        type Config struct{ Addr string }

        func (c *Config) fromFlags() {}

        func load() *Config {
            cfg := &Config{Addr: ":8080"}
            data, _ := os.ReadFile("config.json")
            json.Unmarshal(data, cfg)
            return cfg
        }

        func main() {
            a := load()
            b := Config{Addr: ":8081"}
            b.fromFlags()
            c := Config{Addr: ":8082"}
            http.ListenAndServe(a.Addr, nil)
            http.ListenAndServe(b.Addr, nil)
            http.ListenAndServe(c.Addr, nil)
        }
    ''')
    assert "load().Addr" not in {v.name for v in f.values}
    assert [c.address.port for c in f.listens] == [None, None, 8082]
    g = go('''
        package main

        import (
            "encoding/json"
            "net/http"
            "os"
        )

        type Config struct{ Addr string }

        var cfg = Config{Addr: ":8080"}

        func main() {
            data, _ := os.ReadFile("config.json")
            json.Unmarshal(data, &cfg)  // a package-level default, overwritten in main
            http.ListenAndServe(cfg.Addr, nil)
        }
    ''')
    assert [c.address.port for c in g.listens] == [None]
