"""Keep a secret out of the logs: a filter that blanks it in every record it sees."""

import logging

MASK = "[redacted]"


class RedactSecret(logging.Filter):
    """Replace ``secret`` in a record's message (and its arguments) with a mask."""

    def __init__(self, secret: str):
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, MASK), ()
        if record.exc_info and self.secret in logging.Formatter().formatException(record.exc_info):
            record.exc_info, record.exc_text = None, None
            record.msg = f"{record.msg} (traceback withheld: it held a secret)"
        return True


def protect(secret: str | None, *loggers: logging.Logger) -> None:
    """Add the filter to every handler of ``loggers`` (and of the root logger)."""
    if not secret:
        return
    for logger in (*loggers, logging.getLogger()):
        for handler in logger.handlers:
            if not any(isinstance(f, RedactSecret) and f.secret == secret for f in handler.filters):
                handler.addFilter(RedactSecret(secret))
