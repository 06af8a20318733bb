"""Errors a service raises; routes turn them into 4xx answers."""


class ServiceError(Exception):
    """Bad input or a refused operation (HTTP 400). Nothing was changed."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    status_code = 404


class Conflict(ServiceError):
    """The target is no longer in a state that allows the operation (HTTP 409)."""

    status_code = 409


class Throttled(ServiceError):
    status_code = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(ServiceError):
    """An outside service failed and nothing stored can stand in (HTTP 503)."""

    status_code = 503
