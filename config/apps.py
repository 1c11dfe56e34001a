from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Not a domain app: it registers the deployment's own checks (config/checks.py)."""

    name = "config"
    label = "operations"

    def ready(self) -> None:
        from config import checks  # noqa: F401  (registers them)
