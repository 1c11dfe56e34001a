"""
The fleet of `make cluster`, on this one machine, everything its own and on loopback:

    HAProxy (127.0.0.1)  ->  gunicorn nodes on 127.0.0.2, 127.0.0.3 ... (checks on /healthz)
                         ->  PostgreSQL for the app: the primary, the replica as a backup
                             server kept disabled until it is promoted
    PostgreSQL primary + a streaming replica (initdb under var/cluster/, ports of their own)
    Redis (redis-server on a port of its own), Celery workers per queue (meetings, mail,
    default) and one beat

The machine's PostgreSQL on 5432 and Redis on 6379 are never touched. Every process the
fleet starts is written to var/cluster/pids, so `make cluster-stop` ends them even when
the run that started them was killed.
"""

import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from loadtest.limits import ABUSE_LIMITS_OFF_ENV
from loadtest.processes import RedisProcess, free_port, real_clock_env, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
DIR = ROOT / "var" / "cluster"
PIDS = DIR / "pids"
DATABASE = "consult_cluster"
QUEUES = {"meetings": 2, "mail": 2, "default": 1}  # queue: worker concurrency


def pg_bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found (Debian: postgresql)")
    return os.path.dirname(found[-1])


def haproxy_bin() -> str:
    """HAProxy from Debian, installed here when missing (as .ci/run installs its packages)."""
    found = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if os.path.exists("/usr/sbin/haproxy") else ""
    )
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError("HAProxy is missing: apt-get install haproxy")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=True, env=env,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return "/usr/sbin/haproxy"


def remember(pid: int, what: str) -> None:
    with PIDS.open("a") as handle:
        handle.write(f"{pid} {what}\n")


class Postgres:
    """One server of the pair, run as the `postgres` user when this runs as root."""

    def __init__(self, name: str) -> None:
        self.name, self.port = name, free_port()
        self.data = DIR / name
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_postgres, *args], check=check, env=real_clock_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip

    def ctl(self, action: str, mode: str = "fast") -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {DIR} -c fsync=off"
        self.run(f"{pg_bin()}/pg_ctl", "-D", str(self.data), "-l", f"{DIR}/{self.name}.log",
                 "-w", "-t", "60", "-o", options, *(["-m", mode] if action == "stop" else []),
                 action)  # fmt: skip

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])


class Fleet:
    def __init__(self, nodes: int = 2) -> None:
        self.addresses = [f"127.0.0.{n + 2}" for n in range(nodes)]
        self.web_port = free_port()
        self.port = free_port()  # HAProxy's web frontend
        self.db_port = free_port()  # HAProxy's PostgreSQL frontend
        self.primary, self.replica = Postgres("primary"), Postgres("replica")
        self.redis = RedisProcess()
        self.haproxy = None
        self.nodes: dict[str, subprocess.Popen] = {}
        self.workers: dict[str, subprocess.Popen] = {}
        self.beat = None
        self.env: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- start ----------------------------------------------------------------------------

    def start_databases(self) -> None:
        if DIR.exists():
            stop_leftovers()
            shutil.rmtree(DIR)
        (DIR / "logs").mkdir(parents=True)
        if self.primary.as_postgres:
            shutil.chown(DIR, "postgres", "postgres")
        bin_ = pg_bin()
        self.primary.run(f"{bin_}/initdb", "-D", str(self.primary.data), "-A", "trust",
                         "-U", "postgres", "--no-sync")  # fmt: skip
        with (self.primary.data / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n"
                       "max_connections = 200\nsynchronous_commit = on\n")  # fmt: skip
        self.primary.ctl("start")
        self.primary.run(f"{bin_}/createdb", "-h", "127.0.0.1", "-p", str(self.primary.port),
                         "-U", "postgres", DATABASE)  # fmt: skip
        self.primary.run(f"{bin_}/pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port),
                         "-U", "postgres", "-D", str(self.replica.data), "-R", "-X", "stream")  # fmt: skip
        self.replica.ctl("start")
        self.redis.start()
        remember(self.redis.process.pid, "redis")

    def start_haproxy(self) -> None:
        servers = "\n".join(
            f"    server node{n + 1} {address}:{self.web_port} check"
            for n, address in enumerate(self.addresses)
        )
        config = HAPROXY_CONFIG.format(
            socket=DIR / "haproxy.sock", port=self.port, servers=servers, db_port=self.db_port,
            primary=self.primary.port, replica=self.replica.port,
        )  # fmt: skip
        (DIR / "haproxy.cfg").write_text(config)
        self.haproxy = subprocess.Popen(
            [haproxy_bin(), "-db", "-f", str(DIR / "haproxy.cfg")], start_new_session=True,
            stdout=(DIR / "logs" / "haproxy.log").open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        remember(self.haproxy.pid, "haproxy")
        wait_for_port(self.port)
        wait_for_port(self.db_port)

    def app_env(self, smtp_port: int, zoom: str, graph: str) -> dict[str, str]:
        import json

        accounts = {
            "zoom:toyooka": {"account_id": "acc", "client_id": "cid", "client_secret": "secret",
                             "host": "host@toyooka.example"},
            "zoom:matsudo": {"account_id": "acc", "client_id": "cid", "client_secret": "secret",
                             "host": "host@matsudo.example"},
            "teams:yamaguchi": {"tenant_id": "tenant-1", "client_id": "app-id",
                                "client_secret": "app-secret", "organizer_id": "organizer-1"},
        }  # fmt: skip
        self.env = {
            **os.environ,
            **ABUSE_LIMITS_OFF_ENV,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": ",".join(["127.0.0.1", "localhost", *self.addresses]),
            "SECURE_SSL_REDIRECT": "False",  # no TLS on loopback; HAProxy is the proxy
            "TRUSTED_PROXIES": "127.0.0.1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.db_port}/{DATABASE}",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{self.replica.port}/{DATABASE}",
            "DB_POOL": "True",
            "DB_POOL_MAX_SIZE": "4",
            "REDIS_URL": self.redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "VAR_DIR": str(DIR / "var"),
            "STATIC_ROOT": str(DIR / "static"),
            "CONFERENCING_FAKE": "False",
            "CONFERENCING_HTTP_TIMEOUT": "2",
            "ZOOM_OAUTH_URL": zoom + "/oauth/token",
            "ZOOM_API_BASE": zoom + "/v2",
            "MS_LOGIN_BASE": graph,
            "GRAPH_API_BASE": graph + "/v1.0",
            "CONFERENCING_ACCOUNTS": json.dumps(accounts),
            "MEETING_RETRY_BASE_SECONDS": "1",
            "MEETING_CLAIM_SECONDS": "8",  # a killed worker's claim lapses in seconds here
            "EMAIL_CLAIM_SECONDS": "8",
            "LOG_LEVEL": "ERROR",
        }
        return self.env

    def start_node(self, address: str) -> None:
        n = self.addresses.index(address) + 1
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "python:config.gunicorn",
             "--bind", f"{address}:{self.web_port}", "--workers", "2", "--threads", "4",
             "--forwarded-allow-ips", "127.0.0.1", "--graceful-timeout", "10",
             "--no-control-socket", "--access-logfile", "/dev/null"],
            env=self.env, cwd=ROOT, start_new_session=True,
            stdout=(DIR / "logs" / f"node{n}.log").open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.nodes[address] = process
        remember(process.pid, f"node{n}")

    def wait_ready(self, address: str, seconds: float = 60) -> None:
        """Until the node's /readyz answers 200 (database, broker, migrations)."""
        from http.client import HTTPConnection

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                conn = HTTPConnection(address, self.web_port, timeout=2)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"node {address} not ready in {seconds} s")

    def start_worker(self, queue: str) -> None:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-n",
             f"{queue}@%h", "--concurrency", str(QUEUES[queue]), "--loglevel", "ERROR",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=self.env, cwd=ROOT, start_new_session=True,
            stdout=(DIR / "logs" / f"worker-{queue}.log").open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.workers[queue] = process
        remember(process.pid, f"worker-{queue}")

    def start_app(self) -> None:
        for address in self.addresses:
            self.start_node(address)
        for queue in QUEUES:
            self.start_worker(queue)
        self.beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "ERROR",
             "--schedule", str(DIR / "beat-schedule")],
            env=self.env, cwd=ROOT, start_new_session=True,
            stdout=(DIR / "logs" / "beat.log").open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        remember(self.beat.pid, "beat")
        for address in self.addresses:
            self.wait_ready(address)
        self.wait_up()

    def wait_up(self, seconds: float = 30) -> None:
        """Until HAProxy's health checks see every node up."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            rows = [r.split(",") for r in self.haproxy_command("show stat").splitlines()[1:]]
            up = [r for r in rows if len(r) > 17 and r[0] == "nodes" and r[1].startswith("node")]
            if up and all(r[17].startswith("UP") for r in up):
                return
            time.sleep(0.3)
        raise RuntimeError("HAProxy does not see every node up")

    # --- faults ---------------------------------------------------------------------------

    def kill(self, process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def haproxy_command(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(DIR / "haproxy.sock"))
            sock.sendall(command.encode() + b"\n")
            return sock.recv(65536).decode()

    # --- stop -----------------------------------------------------------------------------

    def stop(self) -> None:
        processes = [*self.nodes.values(), *self.workers.values(), self.beat, self.haproxy]
        for process in processes:
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        self.redis.stop()
        for server in (self.replica, self.primary):
            if (server.data / "postmaster.pid").exists():
                server.ctl("stop", "fast")
        PIDS.unlink(missing_ok=True)


def stop_leftovers() -> int:
    """`make cluster-stop`: every process a fleet wrote down, and its PostgreSQL servers."""
    ended = 0
    for line in PIDS.read_text().splitlines() if PIDS.exists() else []:
        pid = int(line.split()[0])
        try:
            os.killpg(pid, signal.SIGTERM) if line.split()[1] != "redis" else os.kill(pid, 15)
            ended += 1
        except ProcessLookupError:
            pass
    time.sleep(1)
    for name in ("replica", "primary"):
        server = Postgres(name)
        if (server.data / "postmaster.pid").exists():
            server.run(f"{pg_bin()}/pg_ctl", "-D", str(server.data), "-m", "fast", "-w", "stop",
                       check=False)  # fmt: skip
            ended += 1
    PIDS.unlink(missing_ok=True)
    return ended


HAPROXY_CONFIG = """\
global
    stats socket {socket} mode 600 level admin
    maxconn 4000

defaults
    timeout connect 2s
    timeout client 60s
    timeout server 60s

# The web nodes: round robin, checked every second on /healthz (alive), out after 2 misses.
# A request whose connection to a node failed is sent to another (redispatch); a POST whose
# node died after receiving it is not repeated by the proxy: the client retries with its
# Idempotency-Key.
frontend web
    mode http
    bind 127.0.0.1:{port}
    option forwardfor
    default_backend nodes

backend nodes
    mode http
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    retries 3
    option redispatch
    default-server inter 1s fall 2 rise 1
{servers}

# PostgreSQL for the app: the primary; the replica waits disabled until it is promoted.
listen postgres
    mode tcp
    bind 127.0.0.1:{db_port}
    timeout client 1h
    timeout server 1h
    server primary 127.0.0.1:{primary} check inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
    server replica 127.0.0.1:{replica} check inter 1s fall 2 rise 1 disabled
"""
