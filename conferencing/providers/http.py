"""
What Zoom's and Microsoft Graph's HTTP APIs have in common: a bearer token refreshed once
when refused, `Retry-After` in any of its forms, and one mapping of answers to errors
(429 RateLimited, 5xx and connection failures TransientError, 404 NotFound, 403
NotAuthorized, other 4xx InvalidRequest). Error messages name the platform, the method
and the status or code, never anything about a person.
"""

import email.utils
from collections.abc import Callable
from datetime import UTC, datetime

import requests
from django.conf import settings

from common import clock
from conferencing.types import (
    AuthError,
    InvalidRequest,
    NotAuthorized,
    NotFound,
    RateLimited,
    TransientError,
)


def retry_after_seconds(value: str | None, default: float = 60.0) -> float:
    """`Retry-After` as seconds, an HTTP date, or an ISO 8601 timestamp (Zoom sends both)."""
    if not value:
        return default
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    moment = None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return default
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - clock.now()).total_seconds())


def authorized_request(
    session: requests.Session,
    method: str,
    url: str,
    *,
    platform: str,
    token: Callable[[], str],
    drop_token: Callable[[], None],
    token_refused: Callable[[requests.Response], bool] = lambda r: r.status_code == 401,
    not_found: Callable[[requests.Response], bool] = lambda r: r.status_code == 404,
    detail: Callable[[requests.Response], str] = lambda r: str(r.status_code),
    **kwargs,
) -> requests.Response:
    """One call, with the token fetched again once if the platform refuses it."""
    for attempt in (1, 2):
        try:
            response = session.request(
                method,
                url,
                headers={"Authorization": f"Bearer {token()}"},
                timeout=settings.CONFERENCING_HTTP_TIMEOUT,
                **kwargs,
            )
        except requests.RequestException as error:
            raise TransientError(f"{platform} {method} {type(error).__name__}") from None
        if token_refused(response):
            drop_token()
            if attempt == 1:
                continue
            raise AuthError(f"{platform} refused a fresh token")
        if response.status_code == 429:
            raise RateLimited(
                f"{platform} rate limit",
                retry_after_seconds=retry_after_seconds(response.headers.get("Retry-After")),
            )
        if not_found(response):
            raise NotFound(f"{platform} {method}: not found ({detail(response)})")
        if response.status_code == 403:
            raise NotAuthorized(f"{platform} {method}: not allowed ({detail(response)})")
        if response.status_code >= 500:
            raise TransientError(f"{platform} {method}: {response.status_code}")
        if response.status_code >= 400:
            raise InvalidRequest(f"{platform} {method}: {response.status_code} {detail(response)}")
        return response
    raise AuthError(f"{platform} refused a fresh token")  # not reached: the loop returns
