"""
A web process is readied at its boot (config/warmup.py), not by the first request of each
kind it serves (issue 28: the mix's tail): the URLconf, the public templates and the rest
loaded, nothing connected, the loaded heap set aside from the garbage collector, and LINE's
SDK (1.7 s of CPU to import) not loaded to learn that no office has a LINE account.
Run in a fresh interpreter: this test process has imported everything already.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

SCRIPT = """
import json, os, sys
import django
django.setup()
from django.db import connections
from django.template import engines
from config.warmup import warm
from notifications.contacts import line_offered, sms_offered

seconds = warm()
offered = [line_offered("kawagoe"), sms_offered()]
import gc
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({
    "seconds": seconds,
    "linebot": any(name.startswith("linebot") for name in sys.modules),
    "urlconf": "bookings.public.urls" in sys.modules,
    "templates": len(getattr(loader, "get_template_cache", {})),
    "frozen": gc.get_freeze_count(),
    "connected": [c.alias for c in connections.all() if c.connection is not None],
    "offered": offered,
}))
"""


def test_a_web_process_is_warmed_without_connecting_or_loading_line():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LINE_", "SMS_", "PYTEST"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    result = subprocess.run(  # noqa: S603 (the suite's own interpreter and code)
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["urlconf"] and found["templates"] > 20, found
    assert found["frozen"] > 100_000, found
    assert found["connected"] == [], found
    assert found["offered"] == [False, False]
    assert not found["linebot"], "LINE's SDK was imported with no LINE account configured"
