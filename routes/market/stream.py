"""Server-Sent Events: one stream per page, with live quotes (and the open 10-second
candle) for a few tickers, account changes and the bell's notifications.

``/stream/quotes?tickers=AAPL,MSFT`` sends ``quote`` events; with ``account=1`` a
user's stream also sends ``account`` when their account changed, and with
``notify=1`` the bell's ``unread``, ``notification`` and ``fill`` events (see
routes.market.feeds), so a page's live data and its bell share one stream and one
stream slot. The stream ends after STREAM_MAX_SECONDS; EventSource reconnects by
itself. Without a free slot (routes.market.slots) the answer is one snapshot and a
``retry:`` delay.
"""

from flask import request
from flask_login import current_user

from routes.market import bp
from routes.market.feeds import AccountFeed, NoteFeed, QuoteFeed, page_stream
from services import market, universe
from services.errors import ServiceError

MAX_TICKERS = 20


@bp.get("/stream/quotes")
def stream_quotes():
    raw = [t for t in request.args.get("tickers", "").split(",") if t.strip()]
    account_id, notify_id = _user_flag("account"), _user_flag("notify")
    if (not raw and account_id is None and notify_id is None) or len(raw) > MAX_TICKERS:
        raise ServiceError(f"Give 1 to {MAX_TICKERS} tickers: ?tickers=AAPL,MSFT", "tickers")
    tickers = sorted({_ticker(t) for t in raw})
    for ticker in tickers:
        universe.mark_viewed(ticker)
    feeds = [QuoteFeed(tickers)] if tickers else []
    feeds += [AccountFeed(account_id)] if account_id is not None else []
    feeds += [NoteFeed(notify_id)] if notify_id is not None else []
    return page_stream(feeds)


def _ticker(raw: str) -> str:
    """One ticker of ``?tickers=``; a bad one is refused naming that parameter."""
    try:
        return market.check_ticker(raw)
    except ServiceError as exc:
        raise ServiceError(exc.message, "tickers") from None


def _user_flag(name: str) -> int | None:
    """The signed-in user's id when ``?<name>=1`` asks for a user's feed (account
    changes, notifications); None otherwise (admins and the flag absent)."""
    if request.args.get(name) != "1" or getattr(current_user, "role", None) != "user":
        return None
    return current_user.user_id
