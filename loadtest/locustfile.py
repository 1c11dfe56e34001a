"""
The realistic mix of `make load`: people read office pages and free times, book through
the JSON API (a 409 "just taken" is a correct answer under contention), open their
booking page from the link and sometimes cancel there (a form with CSRF, as in a browser).
Each 201's reference is written to LOAD_CREATED_FILE so the run can check the database.
"""

import os
import random
import re
from datetime import date, timedelta

from locust import HttpUser, between, events, task

OFFICES = ["kawagoe", "sasebo", "toyooka", "matsudo", "yamaguchi"]
BOOKABLE = ["toyooka", "kawagoe"]  # offices whose API bookings need no job-seeker extras
CREATED_FILE = os.environ.get("LOAD_CREATED_FILE", "var/load/created.txt")
_created = open(CREATED_FILE, "a", buffering=1)  # noqa: SIM115 (kept open for the run)


class Person(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.terms = {}
        self.mine = []  # manage paths of this person's bookings

    @task(4)
    def office_page(self):
        self.client.get(f"/offices/{random.choice(OFFICES)}/", name="/offices/[slug]/")

    @task(6)
    def slots(self):
        slug = random.choice(OFFICES)
        first = date.today() + timedelta(days=random.randint(0, 10))
        self.client.get(
            f"/api/v1/offices/{slug}/slots?from={first}&to={first + timedelta(days=13)}",
            name="/api/v1/offices/[slug]/slots",
        )

    @task(3)
    def book(self):
        slug = random.choice(BOOKABLE)
        if slug not in self.terms:
            response = self.client.get(
                f"/api/v1/offices/{slug}/terms/current", name="/api/v1/offices/[slug]/terms/current"
            )
            self.terms[slug] = response.json()["id"]
        first = date.today() + timedelta(days=random.randint(3, 20))
        slots = self.client.get(
            f"/api/v1/offices/{slug}/slots?from={first}&to={first + timedelta(days=6)}",
            name="/api/v1/offices/[slug]/slots",
        ).json()["slots"]
        if not slots:
            return
        n = random.randint(10_000, 99_999)
        body = {
            "start": random.choice(slots[:8])["start"],
            "name": "負荷 試験",
            "name_kana": "フカ シケン",
            "job_seeker_number": f"{n}-{random.randint(1, 9_999_999)}",
            "email": f"load-{n}-{random.randint(0, 10**9)}@example.jp",
            "phone": f"090{random.randint(10_000_000, 99_999_999)}",
            "terms_version": self.terms[slug],
            "agree_terms": True,
        }
        with self.client.post(
            f"/api/v1/offices/{slug}/bookings", json=body, name="/api/v1/offices/[slug]/bookings",
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code == 201:
                data = response.json()
                _created.write(data["reference"] + "\n")
                self.mine.append(re.sub(r"^https?://[^/]+", "", data["manage_url"]))
                response.success()
            elif response.status_code == 409:
                response.success()  # just taken by someone else: a correct answer
            else:
                response.failure(f"{response.status_code}")

    @task(2)
    def manage_page(self):
        if self.mine:
            self.client.get(random.choice(self.mine), name="/bookings/[token]/")

    @task(1)
    def cancel(self):
        if not self.mine:
            return
        path = self.mine.pop()
        page = self.client.get(path + "cancel/", name="/bookings/[token]/cancel/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if not token:
            return
        with self.client.post(
            path + "cancel/", data={"csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": self.host + path + "cancel/"},
            name="/bookings/[token]/cancel/ (POST)", catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code in (200, 302, 409):
                response.success()
            else:
                response.failure(f"{response.status_code}")


@events.quitting.add_listener
def _close(environment, **kwargs):
    _created.close()
