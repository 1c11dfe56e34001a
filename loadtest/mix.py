"""
The realistic mix (loadtest/locustfile.py: people read office pages and free times, book
through the API, open their booking page and cancel there) against a running server, for
`make bench`: the p99 of all requests at a number of people (aim at 150: under 300 ms).
Each kind of request (page or endpoint, as locust names it) has its own row, so the tail
can be traced to what makes it. `make load` runs the same mix with its table and the
database's checks.
"""

import csv
import subprocess
import sys
import tempfile
from pathlib import Path


def mix_run(*, port: int, users: int, seconds: int, env: dict) -> dict | None:
    """Runs locust headless; returns its aggregated row (count, failures, req/s, p50, p99
    in ms) with `kinds`, the same figures for each kind of request, slowest p99 first;
    or None when locust wrote no figures."""
    with tempfile.TemporaryDirectory() as out:
        prefix = Path(out) / "mix"
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", "loadtest/locustfile.py", "--headless",
             "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
             "--loglevel", "WARNING"],
            env={**env, "LOAD_CREATED_FILE": str(Path(out) / "created.txt")}, check=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        stats = Path(f"{prefix}_stats.csv")
        if not stats.exists():
            return None
        rows = [_figures(row) for row in csv.DictReader(stats.open())]
    total = next((row for row in rows if row["name"] == "Aggregated"), None)
    if total is None:
        return None
    kinds = [row for row in rows if row["name"] != "Aggregated"]
    return {**total, "kinds": sorted(kinds, key=lambda row: -_number(row["p99"]))}


def _figures(row: dict) -> dict:
    name = row["Name"] if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
    return {
        "name": name,
        "count": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": row["50%"],
        "p95": row["95%"],
        "p99": row["99%"],
    }


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:  # "N/A": no request of that kind
        return 0.0
