"""
Sizing a deployment from what a request costs, measured by `make cluster` (drill 6: the
CPU milliseconds of the web nodes, the workers and PostgreSQL per availability read and
per booking with its emails and meeting, written to var/cluster/costs.json). Without a
run of its own it uses the run recorded in docs/production.md.

    python -m loadtest.sizing                       # 600 offices, ~1,000 requests/s at peak
    python -m loadtest.sizing --rps 1000 --bookings-per-second 20 --cores-per-machine 4

The arithmetic is plain: cores = Σ rate × CPU ms / 1000, divided by the utilisation kept
as headroom (bursts, a node lost, a rolling restart). It sizes CPU, which is what the runs
measured; docs/production.md says what it leaves out.
"""

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

COSTS = Path(__file__).resolve().parent.parent / "var" / "cluster" / "costs.json"
# `make cluster`, 2026-12-05 (docs/production.md): CPU ms per request.
RECORDED = {
    "read": {"web": 3.2, "worker": 0.0, "database": 0.0},
    "booking": {"web": 40.7, "worker": 45.7, "database": 12.7},
    "machine": "x86_64, 2 cores, the run recorded in docs/production.md",
}
TIERS = ("web", "worker", "database")


def costs_save(costs: dict) -> None:
    COSTS.parent.mkdir(parents=True, exist_ok=True)
    COSTS.write_text(json.dumps(costs, indent=2))


def costs_load() -> dict:
    return json.loads(COSTS.read_text()) if COSTS.exists() else RECORDED


@dataclass(frozen=True)
class Sizing:
    busy_cores: dict[str, float]  # CPU seconds per second at the peak, per tier
    cores: dict[str, int]  # with the headroom
    app_machines: int
    database_connections: int


def size(
    costs: dict,
    *,
    rps: float,
    bookings_per_second: float,
    utilisation: float = 0.5,
    cores_per_machine: int = 4,
    processes_per_core: int = 2,
    pool_size: int = 4,
) -> Sizing:
    reads = rps - bookings_per_second
    busy = {
        tier: (reads * costs["read"].get(tier, 0.0)
               + bookings_per_second * costs["booking"].get(tier, 0.0)) / 1000
        for tier in TIERS
    }  # fmt: skip
    cores = {tier: max(1, math.ceil(busy[tier] / utilisation)) for tier in TIERS}
    # Web and workers share the app machines; at least two, so one can be lost.
    app_machines = max(2, math.ceil((cores["web"] + cores["worker"]) / cores_per_machine))
    # Every process (web and worker) holds a pool of up to `pool_size`; plus beat.
    processes = (cores["web"] + cores["worker"]) * processes_per_core
    connections = processes * pool_size + 1
    return Sizing(busy, cores, app_machines, connections)


def report(
    costs: dict, sizing: Sizing, *, rps: float, bookings_per_second: float, cores_per_machine: int
) -> str:
    lines = [
        f"costs from: {costs.get('machine', '?')}",
        f"peak: {rps:,.0f} requests/s, of which {bookings_per_second:,.0f} bookings/s",
    ]
    for tier in TIERS:
        lines.append(
            f"{tier:>8}: {sizing.busy_cores[tier]:5.1f} cores busy at the peak -> "
            f"{sizing.cores[tier]} at 50% utilisation"
        )
    lines.append(
        f"app machines of {cores_per_machine} cores: {sizing.app_machines}; database "
        f"connections at most "
        f"{sizing.database_connections} (PostgreSQL max_connections above it)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rps", type=float, default=1000)
    parser.add_argument("--bookings-per-second", type=float, default=20)
    parser.add_argument("--cores-per-machine", type=int, default=4)
    parser.add_argument("--recorded", action="store_true",
                        help="use the recorded run even if var/cluster/costs.json exists")  # fmt: skip
    args = parser.parse_args(argv)
    costs = RECORDED if args.recorded else costs_load()
    sizing = size(costs, rps=args.rps, bookings_per_second=args.bookings_per_second,
                  cores_per_machine=args.cores_per_machine)  # fmt: skip
    text = report(costs, sizing, rps=args.rps, bookings_per_second=args.bookings_per_second,
                  cores_per_machine=args.cores_per_machine)  # fmt: skip
    print(text)
    return text


if __name__ == "__main__":
    main()
