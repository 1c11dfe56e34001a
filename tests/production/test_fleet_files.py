"""
The files for a fleet on several machines (deploy/nodes/: app.yml on every app machine,
data.yml on the data machine, haproxy.cfg in front, nodes.env.example for all) say what
`make cluster` proves on one machine: a worker per queue, one beat for the fleet,
migrations once per release, gunicorn and Django trusting the load balancer only, the
health check on /healthz. `.ci/run` also has docker-compose parse both files.
"""

import ipaddress
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import RequestFactory, override_settings

from common.http import client_ip
from tests.test_settings_safety import _production

NODES = Path(settings.BASE_DIR) / "deploy" / "nodes"


def _compose(name: str) -> dict:
    return yaml.safe_load((NODES / name).read_text())["services"]


def _env() -> dict[str, str]:
    lines = (NODES / "nodes.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_every_app_node_runs_one_worker_per_queue_the_settings_route_to():
    services = _compose("app.yml")
    queues = {}
    for name, service in services.items():
        command = service["command"]
        if "worker" in command:
            queues[command[command.index("-Q") + 1]] = name
    assert set(queues) == {queue.name for queue in settings.CELERY_TASK_QUEUES}
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed <= set(queues)


def test_beat_and_migrations_run_only_where_asked_never_on_every_node():
    services = _compose("app.yml")
    assert services["beat"]["profiles"] == ["beat"]
    assert services["migrate"]["profiles"] == ["release"]
    always = [name for name, service in services.items() if not service.get("profiles")]
    assert not any("beat" in str(services[name]["command"]) for name in always)
    assert not any("migrate" in str(services[name]["command"]) for name in always)


def test_the_web_process_trusts_forwarding_headers_from_the_load_balancers_only():
    web = _compose("app.yml")["web"]
    shell, flag, script = web["command"]
    # One line: a break inside the script would end `sh`'s command before the flag (an
    # outside review found the flag silently dropped by a folded YAML block).
    assert (shell, flag) == ("sh", "-c") and "\n" not in script
    assert script.endswith('--forwarded-allow-ips "$$TRUSTED_PROXIES"')
    assert "migrate" not in script
    assert [port.rsplit(":", 2)[1:] for port in web["ports"]] == [["8000", "8000"]]
    assert "/healthz" in str(web["healthcheck"]["test"]) and "Host" in str(web["healthcheck"])


def test_the_load_balancer_checks_healthz_with_the_sites_name_and_sends_to_the_nodes_port():
    config = (NODES / "haproxy.cfg").read_text()
    check = re.search(r"http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host (\S+)", config)
    # Django answers 400 to a Host outside ALLOWED_HOSTS: the check names the site.
    assert check and check[1] in _env()["ALLOWED_HOSTS"].split(",")
    assert "option forwardfor" in config
    servers = re.findall(r"^\s+server \S+ (\S+):(\d+) check", config, re.M)
    assert len(servers) >= 2 and {port for _address, port in servers} == {"8000"}
    # The app machines are not trusted proxies: nothing running there can forge an address.
    trusted = ipaddress.ip_network(_env()["TRUSTED_PROXIES"])
    assert not any(ipaddress.ip_address(address) in trusted for address, _port in servers)


def test_the_data_machine_publishes_on_the_private_address_and_redis_asks_a_password():
    services = _compose("data.yml")
    for service in services.values():
        assert all(port.startswith("${PRIVATE_ADDRESS:?") for port in service["ports"])
    assert "--requirepass" in str(services["redis"]["command"])
    env = _env()
    assert env["REDIS_URL"].startswith(f"redis://:{env['REDIS_PASSWORD']}@")


def test_production_starts_with_the_fleet_env_file_and_trusts_the_load_balancers_network(
    monkeypatch,
):
    env = _env()
    assert env["TRUSTED_PROXIES"]
    keys = ("ALLOWED_HOSTS", "TRUSTED_PROXIES", "SECURE_SSL_REDIRECT", "DB_POOL")
    production = _production(monkeypatch, **{key: env[key] for key in keys})
    assert [env["TRUSTED_PROXIES"]] == production.TRUSTED_PROXIES
    # The private network's load balancer is trusted, a visitor's own address is not.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    with override_settings(TRUSTED_PROXIES=production.TRUSTED_PROXIES):
        assert client_ip(request) == "203.0.113.9"
        forged = RequestFactory().get(
            "/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
        assert client_ip(forged) == "198.51.100.4"


@pytest.mark.parametrize("name", ["app.yml", "data.yml"])
def test_the_fleet_files_publish_ports_on_the_private_address_only(name):
    ports = [port for service in _compose(name).values() for port in service.get("ports", [])]
    assert ports and all(port.startswith("${PRIVATE_ADDRESS:?") for port in ports)
