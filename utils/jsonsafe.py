"""JSON parsing that turns every malformed body into a ValueError, never a crash."""

import json


class MalformedJSON(ValueError):
    """The body is not JSON PaperDesk accepts; the message says why."""


def _no_constants(name: str):
    raise MalformedJSON(f"{name} is not a number in JSON.")


def loads(text: str | bytes, **kwargs):
    """``json.loads`` that refuses NaN/Infinity, lone surrogates and nesting too deep."""
    try:
        value = json.loads(text, parse_constant=_no_constants, **kwargs)
    except RecursionError:
        raise MalformedJSON("The JSON is nested too deeply.") from None
    except UnicodeDecodeError:
        raise MalformedJSON("The body is not UTF-8 text.") from None
    _check_text(value)
    return value


def _check_text(value) -> None:
    """Refuse strings that cannot be stored as UTF-8 (a lone ``\\ud800`` escape)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise MalformedJSON("The JSON holds text that is not valid Unicode.") from None
