"""Model output is neutralised before it reaches the page; the tool layer accepts only
declared arguments; secrets stay out of the logs."""

import logging
import re

import pytest

from utils.assistant.base import ToolBox, ToolRefused, Turn
from utils.assistant.history import trim
from utils.assistant.redact import MASK, RedactSecret
from utils.assistant.render import to_html


@pytest.mark.parametrize(
    ("markdown", "absent"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[click](javascript:alert(1))", 'href="javascript'),
        ("[click](JaVaScRiPt:alert(1))", "href="),
        ('<a href="https://e.com" onclick="x()">raw</a>', "<a href"),
        ("<iframe src=//e.com></iframe>", "<iframe"),
        ("<div style='position:fixed'>x</div>", "<div"),
        ("![p](https://e.com/t.png)", "<img"),
        ("[d](data:text/html;base64,PHNjcmlwdD4=)", 'href="data'),
    ],
)
def test_dangerous_output_is_neutralised(markdown, absent):
    html = to_html(markdown)
    assert absent not in html.lower()
    assert not re.search(r"<[^>]+\son\w+=", html)  # no tag keeps an event handler


def test_raw_html_is_shown_as_text_and_links_open_safely():
    assert to_html("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"
    html = to_html("See [the docs](https://example.com/x) and **this**.")
    assert '<a href="https://example.com/x" target="_blank" rel="noopener noreferrer">' in html
    assert "<strong>this</strong>" in html
    table = to_html("| a | b |\n|---|---:|\n| 1 | 2 |")
    assert "<table>" in table and "<td>2</td>" in table  # style="text-align" dropped


def test_toolbox_accepts_only_declared_arguments():
    seen = []

    def get_quote(ticker: str) -> dict:
        seen.append(ticker)
        return {"ticker": ticker}

    def explain_term(term: str) -> dict:
        raise ToolRefused(f"no entry for {term}")

    box = ToolBox([get_quote, explain_term])
    assert box.call("get_quote", {"ticker": "AAPL"}).result == {"ticker": "AAPL"}
    assert "user_id" in box.call("get_quote", {"ticker": "AAPL", "user_id": 2}).result["error"]
    assert box.call("get_quote", {}).result == {"error": "get_quote needs 'ticker'."}
    assert "wrong type" in box.call("get_quote", {"ticker": 5}).result["error"]
    assert box.call("place_order", {"ticker": "AAPL"}).result["error"] == (
        "There is no tool named place_order."
    )
    assert box.call("explain_term", {"term": "zorb"}).result == {"error": "no entry for zorb"}
    assert seen == ["AAPL"]


def test_trim_keeps_the_newest_turns_within_the_budget():
    turns = [Turn("user", "a" * 40), Turn("assistant", "b" * 40), Turn("user", "c" * 8),
             Turn("assistant", "d" * 8)]  # fmt: skip
    assert [t.text[0] for t in trim(turns, 100)] == ["a", "b", "c", "d"]
    assert [t.text[0] for t in trim(turns, 14)] == ["c", "d"]
    assert [t.text[0] for t in trim(turns, 2)] == []  # an answer without its question is dropped


def test_the_key_is_redacted_from_log_records(caplog):
    logger = logging.getLogger("paperdesk.test-redact")
    handler = logging.Handler()
    records = []
    handler.emit = records.append
    handler.addFilter(RedactSecret("sk-secret-123"))
    logger.addHandler(handler)
    try:
        logger.warning("calling with key=%s", "sk-secret-123")
    finally:
        logger.removeHandler(handler)
    assert records[0].getMessage() == f"calling with key={MASK}"


def test_a_tool_that_breaks_is_an_error_result_not_a_crash(caplog):
    def get_quote(ticker: str) -> dict:
        raise ZeroDivisionError("boom")

    result = ToolBox([get_quote]).call("get_quote", {"ticker": "AAPL"}).result
    assert result == {"error": "get_quote failed on our side; it has been logged."}
    assert "ZeroDivisionError" in caplog.text
