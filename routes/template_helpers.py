"""Jinja filters and globals: every figure on a page goes through utils.formatting, and
every time is shown in the viewer's time zone."""

from urllib.parse import unquote

from flask import Flask, request
from flask_login import current_user
from markupsafe import Markup

from services import market_clock
from utils import formatting
from utils.order_labels import describe, status_label
from utils.sparkline import HEIGHT, WIDTH, points

TZ_COOKIE = "tz"


def viewer_zone() -> str:
    """The viewer's time zone: their profile's, else the browser's (cookie), else UTC."""
    chosen = getattr(current_user, "time_zone", None) if current_user.is_authenticated else None
    if chosen and formatting.is_zone(chosen):
        return chosen
    from_browser = unquote(request.cookies.get(TZ_COOKIE, ""))  # the page writes it encoded
    return from_browser if formatting.is_zone(from_browser) else formatting.DEFAULT_ZONE


def sparkline(values, tone: str = "") -> Markup:
    """An inline SVG sparkline of ``values`` (nothing when there are too few)."""
    line = points(values)
    if not line:
        return Markup('<span class="text-body-secondary small">no history</span>')
    return Markup(
        f'<svg class="sparkline {tone}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="30-day closes" preserveAspectRatio="none">'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{line}"/></svg>'
    )


def tone(value) -> str:
    """The Bootstrap text class of a signed figure: green up, red down, none when flat."""
    if value is None or value == 0:
        return ""
    return "text-success" if value > 0 else "text-danger"


def register(app: Flask) -> None:
    """Install the filters on ``app``."""
    env = app.jinja_env
    env.filters["usd"] = formatting.money
    env.filters["price"] = formatting.price
    env.filters["pct"] = formatting.percent
    env.filters["shares"] = formatting.shares
    env.filters["number"] = formatting.number
    env.filters["iso"] = formatting.iso
    env.filters["when"] = lambda value, seconds=False: formatting.when(
        value, viewer_zone(), seconds
    )
    env.filters["sparkline"] = sparkline
    env.filters["tone"] = tone
    env.filters["order_status"] = status_label
    env.globals["viewer_zone"] = viewer_zone
    env.globals["market_status"] = market_clock.status
    env.globals["order_labels"] = describe
