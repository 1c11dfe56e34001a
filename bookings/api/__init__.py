"""The JSON API under /api/v1 (django-ninja): endpoints, their schemas and error format."""
