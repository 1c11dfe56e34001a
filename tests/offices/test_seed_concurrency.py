"""Two containers starting at once may both seed: each office must still exist once."""

import threading

import pytest
from django.db import connection

from offices.models import Counselor, Office, OpeningHours, Service
from offices.services import offices_seed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_seeds_create_each_office_service_and_counselor_once():
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def seed() -> None:
        try:
            barrier.wait(timeout=10)
            offices_seed(with_demo_counselors=True)
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=seed) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Office.objects.count() == 5
    assert Service.objects.count() == 6
    assert OpeningHours.objects.count() == 10 + 5 + 6 + 10 + 5 + 5
    assert Counselor.objects.count() == 10
