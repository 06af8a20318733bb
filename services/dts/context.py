"""What one stream of DTS commands carries between commands: its quote source, event
buffer, the users it knows and which of them may have armed triggers."""

from flask import current_app

from services.dts.events import EventLog
from services.dts.quotes import QuoteError, QuoteSource
from services.dts.users import Directory
from services.errors import ServiceError
from utils.clock import utcnow


class Context:
    """The state of one thread running DTS commands (not shared between threads)."""

    def __init__(self, quotes: QuoteSource, admin: bool = False, log_dir: str | None = None):
        cfg = current_app.config
        self.quotes = quotes
        self.log = EventLog(cfg["DTS_SERVER_NAME"])
        self.users = Directory()
        self.admin = admin
        self.log_dir = log_dir or cfg["DTS_LOG_DIR"]
        self.maybe_armed: dict[int, bool] = {}
        self.new_users: list[str] = []

    def created(self, name: str, user_id: int) -> None:
        """A user this stream created in the current transaction."""
        self.users.remember(name, user_id)
        self.new_users.append(name)

    def armed(self, user_id: int) -> None:
        """The user armed a trigger: check their triggers after their commands."""
        self.maybe_armed[user_id] = True

    def quote(self, cmd, sym: str):
        """The current price of ``sym`` for the command's user, logged as a quote event."""
        try:
            hit = self.quotes.quote(sym, cmd.user, utcnow())
        except QuoteError as exc:
            raise ServiceError(str(exc)) from None
        self.log.quote(cmd, hit, cmd.user)
        return hit

    def forget_transaction(self) -> None:
        """The transaction rolled back: users it created and trigger hints are gone."""
        for name in self.new_users:
            self.users.forget(name)
        self.new_users = []
        self.maybe_armed.clear()


def app_quotes() -> QuoteSource:
    """The app's seeded quote source (one per process, shared by requests)."""
    app = current_app._get_current_object()
    found = app.extensions.get("paperdesk_dts_quotes")
    if found is None:
        found = app.extensions["paperdesk_dts_quotes"] = QuoteSource(app.config["DTS_QUOTE_SEED"])
    return found
