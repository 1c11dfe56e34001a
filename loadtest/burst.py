"""
The burst of `make load` and `make bench`: many people press "book" for the same few times
at the same instant, each over a connection of their own (threads released together by a
barrier), through the JSON API of a running server.
"""

import json
import threading
import time
from http.client import HTTPConnection


def burst_run(
    *, port: int, slug: str, starts: list[str], terms: int, clients: int
) -> list[tuple[int, float, str]]:
    """(status, seconds to the answer, reference of a 201) for each client that finished;
    a client that got no answer at all counts as status 599."""
    barrier = threading.Barrier(clients)
    results: list[tuple[int, float, str]] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        body = json.dumps({
            "start": starts[n % len(starts)], "name": "同時 予約", "name_kana": "ドウジ ヨヤク",
            "job_seeker_number": f"{70000 + n}-{n}", "email": f"burst-{n}@example.jp",
            "phone": "09012345678", "terms_version": terms, "agree_terms": True,
        })  # fmt: skip
        conn = HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        began = time.perf_counter()
        try:
            conn.request("POST", f"/api/v1/offices/{slug}/bookings", body,
                         {"Content-Type": "application/json"})  # fmt: skip
            response = conn.getresponse()
            status, payload = response.status, response.read().decode()
        except OSError:  # no answer at all: counted as a server error
            status, payload = 599, ""
        with lock:
            reference = json.loads(payload).get("reference", "") if status == 201 else ""
            results.append((status, time.perf_counter() - began, reference))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def burst_summary(results: list[tuple[int, float, str]]) -> str:
    statuses: dict[int, int] = {}
    for status, _seconds, _reference in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(seconds for _status, seconds, _reference in results)
    if not latencies:
        return "no client got an answer"
    return (
        f"answers: {dict(sorted(statuses.items()))}; slowest answer "
        f"{latencies[-1] * 1000:.0f} ms, median {latencies[len(latencies) // 2] * 1000:.0f} ms"
    )
