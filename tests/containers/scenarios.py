"""Real failing (and one healthy) containers for the tests of `deploycheck containers`.

Every image is built here, `FROM scratch` with a Go program compiled from Debian's Go and Gin
packages, or from the debootstrap'd Debian image; nothing is pulled. All containers of a
session carry the label `dctest-ct=<session id>` and are removed by that label; images are
named `dctest-ct/<scenario>:<session id>` and removed by the fixture too. Ports are published
on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from infra.docker import debian_image, scratch_image
from infra.goapps import GIN_HELLO, build_go

CRASH_ENV = """package main

import (
	"fmt"
	"os"
)

func main() {
	if os.Getenv("DATABASE_URL") == "" {
		fmt.Fprintln(os.Stderr, "config: required environment variable DATABASE_URL is not set")
		os.Exit(1)
	}
	select {}
}
"""

TIME_ZONE = """package main

import (
	"log"
	"time"
)

func main() {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		log.Fatalf("loading time zone: %v", err)
	}
	log.Println("time zone", loc)
	select {}
}
"""

TEMPLATES = """package main

import "github.com/gin-gonic/gin"

func main() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.LoadHTMLGlob("templates/*")
	r.Run(":8080")
}
"""

ALLOCATE = """package main

import (
	"fmt"
	"time"
)

func main() {
	var keep [][]byte
	for i := 1; ; i++ {
		b := make([]byte, 8<<20)
		for j := range b {
			b[j] = byte(j)
		}
		keep = append(keep, b)
		fmt.Printf("allocated %d MiB\\n", i*8)
		time.Sleep(10 * time.Millisecond)
	}
}
"""

DB_ON_LOCALHOST = """package main

import (
	"log"
	"net"
	"time"
)

func main() {
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:5432", 2*time.Second)
		if err == nil {
			c.Close()
			log.Println("database reachable")
		} else {
			log.Printf("waiting for database: %v", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
"""

IGNORES_SIGTERM = """package main

import (
	"fmt"
	"net/http"
	"os/signal"
	"syscall"
)

func main() {
	signal.Ignore(syscall.SIGTERM)
	fmt.Println("serving on :8080, SIGTERM ignored")
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	http.ListenAndServe(":8080", nil)
}
"""

CRASH = """package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "fatal: cannot open /data/state.db: no such file or directory")
	os.Exit(3)
}
"""

HEALTH_CLIENT = """package main

import (
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	url := "http://127.0.0.1:8080/healthz"
	if len(os.Args) > 1 {
		url = os.Args[1]
	}
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Println("health:", err)
		os.Exit(1)
	}
	fmt.Println("health:", resp.Status)
	if resp.StatusCode != http.StatusOK {
		os.Exit(1)
	}
}
"""

LABEL = "dctest-ct"


def docker(*args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed:\n{proc.stderr}")
    return proc


def inspect(name: str) -> dict[str, object]:
    return json.loads(docker("inspect", name).stdout)[0]  # type: ignore[no-any-return]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Scenario:
    """One container: its image (built from `program` on scratch, or the Debian image), how
    it is run, and what must be true before the diagnosis runs."""

    key: str
    program: str = ""
    cgo: bool = False
    goarch: str = ""
    cmd: str = '["/app"]'
    extra: dict[str, str] = field(default_factory=dict)  # additional Dockerfile lines
    run: Sequence[str] = ()
    args: Sequence[str] = ()
    debian: bool = False
    ready: Callable[[dict[str, object]], bool] | None = None
    after: Callable[[str], None] | None = None
    name: str = ""
    image: str = ""


def _restarted(info: dict[str, object]) -> bool:
    return int(info.get("RestartCount", 0)) >= 3  # type: ignore[call-overload]


def _health(status: str) -> Callable[[dict[str, object]], bool]:
    def ready(info: dict[str, object]) -> bool:
        state = info.get("State") or {}
        health = state.get("Health") or {}  # type: ignore[union-attr]
        return bool(health.get("Status") == status)  # type: ignore[union-attr]

    return ready


def _exited(info: dict[str, object]) -> bool:
    state = info.get("State") or {}
    return state.get("Status") in ("exited", "created", "dead")  # type: ignore[union-attr]


def _oom_killed(info: dict[str, object]) -> bool:
    """Exited with OOMKilled; the engine can lose the kernel's OOM notification under load, so
    an exit without the flag is retried (a new run of the same container)."""
    state = info.get("State") or {}
    if state.get("Status") != "exited":  # type: ignore[union-attr]
        return False
    if state.get("OOMKilled"):  # type: ignore[union-attr]
        return True
    docker("start", str(info.get("Name", "")).lstrip("/"), check=False)
    return False


def _running_for(seconds: float) -> Callable[[dict[str, object]], bool]:
    started = time.monotonic()

    def ready(info: dict[str, object]) -> bool:
        return time.monotonic() - started >= seconds

    return ready


def _stop_fast(name: str) -> None:
    time.sleep(1.5)  # let the program reach signal.Ignore before the SIGTERM
    docker("stop", "-t", "1", name)


def scenarios(holder_port: int) -> list[Scenario]:
    health = {"HEALTHCHECK": '--interval=1s --timeout=2s --retries=2 CMD ["/health"]'}
    return [
        Scenario(
            "loopback",
            GIN_HELLO,
            run=["-e", "ADDR=127.0.0.1:8080", "-p", "127.0.0.1::8080"],
            ready=_running_for(2),
        ),
        Scenario("dynamic", GIN_HELLO, cgo=True, ready=_exited),
        Scenario("timezone", TIME_ZONE, ready=_exited),
        Scenario("templates", TEMPLATES, ready=_exited),
        Scenario("oom", ALLOCATE, run=["--memory", "48m", "--memory-swap", "48m"], ready=_oom_killed),
        Scenario("wrongport", GIN_HELLO, run=["-p", "127.0.0.1::9090"], ready=_running_for(2)),
        Scenario("env", CRASH_ENV, ready=_exited),
        Scenario(
            "dblocal",
            DB_ON_LOCALHOST,
            run=["-e", "DATABASE_URL=postgres://app:secret@localhost:5432/app", "-p", "127.0.0.1::8080"],
            ready=_running_for(2),
        ),
        Scenario("shellform", GIN_HELLO, cmd="/app --port 8080", ready=_exited),
        Scenario("holder", GIN_HELLO, run=["-p", f"127.0.0.1:{holder_port}:8080"], ready=_running_for(1)),
        Scenario("portclash", GIN_HELLO, run=["-p", f"127.0.0.1:{holder_port}:8080"], ready=_exited),
        Scenario("arch", GIN_HELLO, goarch="arm64", ready=_exited),
        Scenario("restartloop", CRASH, run=["--restart", "always"], ready=_restarted),
        Scenario(
            "unhealthy",
            debian=True,
            args=["sleep", "600"],
            run=[
                "--health-cmd",
                "curl -fsS http://localhost:8080/healthz",
                "--health-interval",
                "1s",
                "--health-retries",
                "2",
                "--health-timeout",
                "2s",
            ],
            ready=_health("unhealthy"),
        ),
        Scenario("sigterm", IGNORES_SIGTERM, after=_stop_fast, ready=_exited),
        Scenario(
            "healthy",
            GIN_HELLO,
            extra=health,
            run=["-p", "127.0.0.1::8080", "--memory", "256m"],
            ready=_health("healthy"),
        ),
    ]


def _image(sc: Scenario, tag: str, workdir: Path, health_client: Path | None) -> str:
    if sc.debian:
        return debian_image()
    binary = build_go(sc.program, cgo=sc.cgo, goarch=sc.goarch)
    files: dict[str, tuple[Path | bytes, int]] = {"/app": (binary, 0o755)}
    if "HEALTHCHECK" in sc.extra and health_client is not None:
        files["/health"] = (health_client, 0o755)
    config = {"CMD": sc.cmd, **sc.extra}
    return scratch_image(f"dctest-ct/{sc.key}:{tag}", files, config, workdir=workdir)


@dataclass
class Running:
    session: str
    containers: dict[str, Scenario]
    images: list[str]

    def name(self, key: str) -> str:
        return self.containers[key].name


def start_all(workdir: Path, session: str | None = None) -> Running:
    """Build every image (in parallel), start every container, wait until each is in the
    state its test needs (at most 40 s)."""
    session = session or uuid.uuid4().hex[:8]
    holder_port = free_port()
    chosen = scenarios(holder_port)
    health_client = build_go(HEALTH_CLIENT, name="health")
    with ThreadPoolExecutor(max_workers=4) as pool:
        images = list(pool.map(lambda sc: _image(sc, session, workdir, health_client), chosen))
    for sc, image in zip(chosen, images, strict=True):
        sc.image = image
        sc.name = f"dctest-ct-{sc.key}-{session}"
    running = Running(
        session,
        {sc.key: sc for sc in chosen},
        sorted({img for img in images if img.startswith("dctest-ct/")}),
    )

    def start(sc: Scenario) -> None:
        args = ["run", "-d", "--name", sc.name, "--label", f"{LABEL}={session}", *sc.run, sc.image, *sc.args]
        docker(*args, check=sc.key not in ("shellform", "portclash"))

    # The holder must own its port before the clashing container asks for it.
    start(running.containers["holder"])
    time.sleep(0.5)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(start, [sc for sc in chosen if sc.key != "holder"]))
    for sc in chosen:
        if sc.after is not None:
            sc.after(sc.name)
    deadline = time.monotonic() + 40
    pending = [sc for sc in chosen if sc.ready is not None]
    while pending and time.monotonic() < deadline:
        pending = [sc for sc in pending if not sc.ready(inspect(sc.name))]  # type: ignore[misc]
        if pending:
            time.sleep(0.3)
    if pending:
        raise AssertionError("containers not ready in 40 s: " + ", ".join(sc.key for sc in pending))
    return running


def cleanup(session: str, images: Sequence[str] = ()) -> None:
    ids = docker("ps", "-aq", "--filter", f"label={LABEL}={session}", check=False).stdout.split()
    if ids:
        docker("rm", "-f", *ids, check=False)
    if images:
        docker("rmi", "-f", *images, check=False)


def ids_with_label(session: str) -> Iterator[str]:
    yield from docker("ps", "-aq", "--filter", f"label={LABEL}={session}", check=False).stdout.split()
