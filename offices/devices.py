"""
What each video platform needs of the person's device and connection, as data: which
browsers on a computer can join in the browser, whether a phone or tablet joins in the
browser or needs the platform's app, and the bandwidth of a one-to-one video call. The
device check page reads it for the office's platform; a new platform adds one entry.

The figures follow the platforms' own published needs for a one-to-one video call (Zoom:
600 kbit/s each way for good video, 1.2 Mbit/s for HD; Microsoft Teams: 1.5 Mbit/s for
HD video between two people), rounded to one threshold each: below the minimum the call
will stutter, from the good figure it holds.
"""

from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from offices.models import Platform

BROWSER_NAMES = {
    "edge": "Microsoft Edge",
    "chrome": "Google Chrome",
    "firefox": "Firefox",
    "safari": "Safari",
}


@dataclass(frozen=True)
class PlatformNeeds:
    platform: str
    computer_browsers: tuple[str, ...]
    phone_browsers: tuple[str, ...]  # empty: phones and tablets join with the app
    app_name: str
    app_url: str = ""  # where the platform's own page offers its app
    min_kbps: int = 600
    good_kbps: int = 1500
    max_round_trip_ms: int = 300
    max_jitter_ms: int = 100

    def as_data(self) -> dict:
        return asdict(self)


NEEDS = {
    Platform.TEAMS: PlatformNeeds(
        platform=Platform.TEAMS,
        computer_browsers=("edge", "chrome"),
        phone_browsers=(),
        app_name="Microsoft Teams",
        app_url="https://www.microsoft.com/microsoft-teams/download-app",
    ),
    Platform.ZOOM: PlatformNeeds(
        platform=Platform.ZOOM,
        computer_browsers=("chrome", "edge", "firefox", "safari"),
        phone_browsers=(),
        app_name="Zoom Workplace",
        app_url="https://zoom.us/download",
    ),
    Platform.TELEOFFICE: PlatformNeeds(
        platform=Platform.TELEOFFICE,
        computer_browsers=("chrome", "edge", "safari"),
        phone_browsers=("chrome", "safari", "edge"),
        app_name="",
    ),
}


def platform_needs(platform: str) -> PlatformNeeds:
    return NEEDS.get(platform) or PlatformNeeds(
        platform=platform, computer_browsers=("chrome", "edge"), phone_browsers=(), app_name=""
    )


def _names(ids: tuple[str, ...]) -> str:
    return _(", ").join(BROWSER_NAMES[i] for i in ids)


def platform_needs_lines(platform: str, platform_label: str) -> list[str]:
    """The same needs in words, for the page without JavaScript and for the checklist."""
    needs = platform_needs(platform)
    lines = [
        _("On a computer: %(platform)s works in %(browsers)s.")
        % {"platform": platform_label, "browsers": _names(needs.computer_browsers)}
    ]
    if needs.phone_browsers:
        lines.append(
            _("On a smartphone or tablet: in the browser (%(browsers)s); no app is needed.")
            % {"browsers": _names(needs.phone_browsers)}
        )
    else:
        lines.append(
            _("On a smartphone or tablet: install the %(app)s app before the day.")
            % {"app": needs.app_name}
        )
    lines.append(
        _(
            "A video call needs at least %(min)s Mbit/s each way; %(good)s Mbit/s or more "
            "holds well."
        )
        % {"min": f"{needs.min_kbps / 1000:g}", "good": f"{needs.good_kbps / 1000:g}"}
    )
    return lines
