"""
Servers of our own on loopback, that a test or the fault run can stop and start without
touching the machine's shared ones: Redis (`redis-server`), an SMTP server (aiosmtpd),
and PostgreSQL (a throwaway cluster from `initdb`).
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from email import message_from_bytes, policy

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def real_clock_env() -> dict[str, str]:
    """
    The environment for a server of the world (Redis, PostgreSQL): the machine's real
    clock, even when the suite itself runs under libfaketime to prove it passes on any
    date (Redis cannot start under it, and these servers are not the code under test).
    """
    return {
        key: value
        for key, value in os.environ.items()
        if key != "LD_PRELOAD" and not key.startswith(("FAKETIME", "DONT_FAKE", "FAKE_"))
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


class RedisProcess:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=real_clock_env(),
        )  # fmt: skip
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class Inbox:
    """What the SMTP server accepted, parsed; `delay` seconds before each 250 reply."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        import asyncio

        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int | None = None, delay: float = 0.0) -> None:
        self.port = port or free_port()
        self.inbox = Inbox(delay)
        self._controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class PostgresCluster:
    """
    A throwaway PostgreSQL cluster (trust auth, loopback) that can be restarted freely.
    Run as root, the server runs as the `postgres` user, as PostgreSQL requires.
    """

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb")]
        if not found or not found[-1]:
            raise RuntimeError("initdb not found (Debian: postgresql)")
        self.bin = os.path.dirname(found[-1])
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="consult-pg-")
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/consult_faults"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=real_clock_env())  # fmt: skip

    def init(self) -> None:
        self._run(f"{self.bin}/initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U",
                  "postgres", "--no-sync")  # fmt: skip
        self.start()
        subprocess.run(
            [f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "consult_faults"], check=True, env=real_clock_env(),
        )  # fmt: skip

    def _ctl(self, action: str) -> None:
        self._run(
            f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w",
            "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off",
            *(["-m", "fast"] if action in ("stop", "restart") else []), action,
        )  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart")

    def destroy(self) -> None:
        try:
            self._ctl("stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
