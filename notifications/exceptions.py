from common.errors import DomainError


class ChannelInvalid(DomainError):
    """A channel the person asked for that cannot be added as given (a number that is not
    a Japanese mobile number, LINE not offered by this office, a link that lapsed)."""

    code = "channel_invalid"
    http_status = 400
