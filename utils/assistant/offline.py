"""The offline assistant: answers the common questions from the same tools, no model.

It recognises what is asked with plain rules (keywords, tickers and company names from
the catalog), calls the tools bound to the asking user and writes the figures they
return. What it does not understand it declines instead of guessing.
"""

import re
from collections.abc import Callable, Iterator

from utils.assistant import offline_answers as account
from utils.assistant import offline_market as markets
from utils.assistant.base import Event, Result, ToolBox, ToolCall, Turn
from utils.assistant.entities import Recogniser, number_of_days, order_in
from utils.assistant.glossary import find_in

INTRO = "*Offline assistant:* "
REFUSAL = (
    "I can't do that. I'm the offline assistant: I answer questions about quotes, your cash "
    "and holdings, your P&L and open orders, a stock's risk, a Monte Carlo outlook, indicator "
    "readings, what an order type or metric means, and how to deposit."
)
FORBIDDEN = re.compile(
    r"system prompt|your instructions|ignore (all|previous|the)|api key|secret|password|"
    r"other users?|another user|user[_ ]?id|everyone'?s|all users",
    re.I,
)


def _has(text: str, *words: str) -> bool:
    return any(re.search(rf"\b{w}", text) for w in words)


class OfflineAssistant:
    """The AssistantClient used without a key, or when Gemini fails."""

    name = "offline"

    def __init__(self, known_tickers: set[str]):
        self.recogniser = Recogniser(known_tickers)

    def stream(
        self, history: list[Turn], message: str, tools: ToolBox, context: dict | None = None
    ) -> Iterator[Event]:
        """Answer ``message`` and yield it in a few pieces, then the Result."""
        calls: list[ToolCall] = []

        def call(name: str, **args) -> dict:
            made = tools.call(name, args)
            calls.append(made)
            return made.result

        text = INTRO + self.answer(message, call, context)
        for piece in re.split(r"(?<=\n)", text):
            yield Event("text", text=piece)
        proposal = next(
            (c.result for c in calls if c.name == "propose_order" and "error" not in c.result),
            None,
        )
        yield Event(
            "done", result=Result(text=text, client=self.name, tool_calls=calls, proposal=proposal)
        )

    def answer(self, message: str, call: Callable[..., dict], context: dict | None) -> str:
        """The Markdown answer to one message."""
        text = message.lower()
        if FORBIDDEN.search(message):
            return REFUSAL
        if context:
            return markets.explain_figures(context)
        tickers = self.recogniser.tickers(message)
        order = order_in(message)
        if order:
            return account.proposal(call, order, tickers)
        for matches, respond in self._rules():
            if matches(text, tickers):
                return respond(call, text, tickers)
        return REFUSAL

    def _rules(self) -> list:
        asks_meaning = re.compile(r"what('s| is| are| does)|explain|mean|define|how does")
        first = lambda t: t[0] if t else ""  # noqa: E731
        return [
            (
                lambda s, t: _has(s, "deposit", "add money", "add funds", "top up"),
                lambda c, s, t: account.deposit(),
            ),
            (
                lambda s, t: not t and not _personal(s) and asks_meaning.search(s) and find_in(s),
                lambda c, s, t: markets.term(c, find_in(s)[0]),
            ),
            (
                lambda s, t: _has(s, "monte carlo", "simulat", "outlook", "forecast", "scenario"),
                lambda c, s, t: markets.monte_carlo(c, first(t), number_of_days(s) or 252),
            ),
            (
                lambda s, t: (
                    t
                    and _has(
                        s,
                        "rsi",
                        "macd",
                        "indicator",
                        "moving average",
                        "sma",
                        "ema",
                        "bollinger",
                        "overbought",
                        "oversold",
                    )
                ),
                lambda c, s, t: markets.indicators(c, t[0]),
            ),
            (
                lambda s, t: (
                    t
                    and _has(
                        s,
                        "risk",
                        "volatil",
                        "sharpe",
                        "beta",
                        "drawdown",
                        "var\\b",
                        "sortino",
                        "risky",
                    )
                ),
                lambda c, s, t: markets.risk(c, t[0]),
            ),
            (
                lambda s, t: _has(s, "order"),
                lambda c, s, t: account.orders(c),
            ),
            (
                lambda s, t: _has(
                    s,
                    "p&l",
                    "pnl",
                    "profit",
                    "loss",
                    "gain",
                    "how am i doing",
                    "performance",
                    "return",
                ),
                lambda c, s, t: account.pnl(c),
            ),
            (
                lambda s, t: _has(s, "cash", "balance", "buying power", "how much money"),
                lambda c, s, t: account.cash(c),
            ),
            (
                lambda s, t: _has(s, "portfolio", "holding", "position", "own", "shares do i"),
                lambda c, s, t: account.portfolio(c),
            ),
            (
                lambda s, t: t and _has(s, "history", "over the last", "past", "year", "month"),
                lambda c, s, t: markets.history(c, t[0]),
            ),
            (
                lambda s, t: _has(s, "find", "search", "look up", "which compan", "stocks? in"),
                lambda c, s, t: markets.search(c, _search_words(s)),
            ),
            (
                lambda s, t: bool(t),
                lambda c, s, t: markets.quotes(c, t[:3]),
            ),
            (
                lambda s, t: asks_meaning.search(s) and find_in(s),
                lambda c, s, t: markets.term(c, find_in(s)[0]),
            ),
        ]


def _personal(text: str) -> bool:
    """Whether the question is about the user's own account ("my P&L", "do I ...")."""
    return bool(re.search(r"\b(my|me|i|mine)\b", text))


def _search_words(text: str) -> str:
    cleaned = re.sub(
        r"\b(find|search|for|look up|which|companies|company|stocks?|in|the|me)\b", " ", text
    )
    return re.sub(r"[^\w&\- ]", " ", cleaned).strip()
