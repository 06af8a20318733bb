"""The shapes every assistant client shares, and the ToolBox that runs tools for them."""

import inspect
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger("paperdesk.assistant")
MAX_RESULT_CHARS = 6000  # what one tool result may add to the conversation


@dataclass
class ToolCall:
    """One call the assistant made: the tool, its arguments and what it answered."""

    name: str
    args: dict
    result: dict

    def as_json(self) -> dict:
        return {"name": self.name, "args": self.args, "result": self.result}


@dataclass
class Turn:
    """One message of the conversation so far."""

    role: str  # "user" or "assistant"
    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)


@dataclass
class Result:
    """The finished answer: its text, the tool calls behind it and what it cost."""

    text: str
    client: str
    model: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    proposal: dict | None = None
    prompt_tokens: int = 0
    output_tokens: int = 0
    notice: str | None = None


@dataclass
class Event:
    """``text`` (a piece of the answer), ``tool`` (a call made) or ``done`` (the Result)."""

    kind: str
    text: str = ""
    tool: ToolCall | None = None
    result: Result | None = None


class AssistantClient(Protocol):
    name: str

    def stream(
        self, history: list[Turn], message: str, tools: "ToolBox", context: dict | None = None
    ) -> Iterator[Event]:
        """Answer ``message``; the last event is ``done`` with the Result."""
        ...


class ToolBox:
    """Typed tool functions by name. ``call`` accepts only the declared parameters, so
    a model cannot pass anything the function does not declare (a user id, say)."""

    def __init__(self, functions: list[Callable[..., dict]]):
        self.functions = {fn.__name__: fn for fn in functions}

    def names(self) -> list[str]:
        """The tools' names, in declaration order."""
        return list(self.functions)

    def call(self, name: str, args: dict | None) -> ToolCall:
        """Run one tool; every failure becomes ``{"error": ...}`` in the result."""
        args = dict(args or {})
        fn = self.functions.get(name)
        if fn is None:
            return ToolCall(name, args, {"error": f"There is no tool named {name}."})
        problem = _check_args(fn, args)
        if problem:
            return ToolCall(name, args, {"error": problem})
        try:
            result = fn(**args)
        except ToolRefused as exc:
            result = {"error": str(exc)}
        except Exception:
            log.exception("The assistant's tool %s failed", name)
            result = {"error": f"{name} failed on our side; it has been logged."}
        return ToolCall(name, args, _bounded(result))


class GeminiUnavailable(Exception):
    """Gemini could not answer; ``str()`` is a message fit to show the user."""


class ToolRefused(Exception):
    """A tool could not answer (bad argument, no data); the message says why."""


def _check_args(fn: Callable, args: dict) -> str | None:
    params = inspect.signature(fn).parameters
    extra = [key for key in args if key not in params]
    if extra:
        return f"{fn.__name__} takes no argument {extra[0]!r}; it only reads your own data."
    for pname, param in params.items():
        if param.default is inspect.Parameter.empty and pname not in args:
            return f"{fn.__name__} needs {pname!r}."
        if pname in args:
            value = _coerce(args[pname], param.annotation)
            if value is None:
                return f"{pname!r} of {fn.__name__} has the wrong type."
            args[pname] = value
    return None


def _coerce(value: Any, annotation) -> Any:
    if annotation is int:
        if isinstance(value, bool):
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value if isinstance(value, int) else None
    if annotation is str:
        return value if isinstance(value, str) else None
    if annotation is float:
        return (
            float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        )
    return value


def _bounded(result: dict) -> dict:
    text = json.dumps(result, default=str)
    if len(text) <= MAX_RESULT_CHARS:
        return json.loads(text)
    return {"error": "The result was too long to send; ask for less."}
