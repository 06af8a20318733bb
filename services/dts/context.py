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
        self.triggers: dict[int, list] = {}  # user_id -> armed triggers, as last read
        self.new_users: list[str] = []
        self.savepoints = False  # a savepoint per command (the slow, always-safe path)
        self.writes = None  # the current group's WriteCounter

    def created(self, name: str, user_id: int) -> None:
        """A user this stream created in the current transaction."""
        self.users.remember(name, user_id)
        self.new_users.append(name)

    def armed(self, user_id: int) -> None:
        """The user armed a trigger (their triggers are read again after the command)."""
        self.triggers.pop(user_id, None)

    def armed_triggers(self, user_id: int) -> list:
        """The user's armed triggers, read once and kept until a command changes them."""
        found = self.triggers.get(user_id)
        if found is None:
            from services.dts.triggers import armed

            found = self.triggers[user_id] = armed(user_id)
        return found

    def forget_triggers(self, name: str) -> None:
        """Read the user's triggers again before the next check."""
        user_id = self.users.ids.get(name)
        if user_id is not None:
            self.triggers.pop(user_id, None)

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
        self.triggers.clear()


def app_quotes() -> QuoteSource:
    """The app's seeded quote source (one per process, shared by requests)."""
    app = current_app._get_current_object()
    found = app.extensions.get("paperdesk_dts_quotes")
    if found is None:
        found = app.extensions["paperdesk_dts_quotes"] = QuoteSource(app.config["DTS_QUOTE_SEED"])
    return found
