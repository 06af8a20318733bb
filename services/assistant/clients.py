"""The assistant client in use: Gemini (with the offline fallback) when GEMINI_API_KEY is
set, else the offline assistant."""

from flask import current_app

from services import market
from utils.assistant.fallback import WithFallback
from utils.assistant.offline import OfflineAssistant

SDK_KEY = "paperdesk_gemini_sdk"  # tests put a fake google-genai client here


def offline() -> OfflineAssistant:
    """The offline assistant, knowing the tickers the provider can price."""
    return OfflineAssistant(market.known_tickers())


def current():
    """The client for this request."""
    cfg = current_app.config
    if not cfg["GEMINI_API_KEY"]:
        return offline()
    from utils.assistant.gemini import GeminiClient  # google-genai loads only when it is used

    return WithFallback(
        GeminiClient(_sdk(), cfg["GEMINI_MODEL"], cfg["GEMINI_TOOL_ROUNDS"]), offline()
    )


def mode() -> str:
    """``gemini`` or ``offline``, for the page."""
    return "gemini" if current_app.config["GEMINI_API_KEY"] else "offline"


def _sdk():
    app = current_app._get_current_object()
    sdk = app.extensions.get(SDK_KEY)
    if sdk is None:
        from utils.assistant.gemini import make_sdk_client

        cfg = app.config
        sdk = make_sdk_client(
            cfg["GEMINI_API_KEY"],
            cfg["GEMINI_BASE_URL"],
            cfg["GEMINI_TIMEOUT"],
            cfg["GEMINI_RETRIES"],
            cfg["GEMINI_RETRY_DELAY"],
        )
        app.extensions[SDK_KEY] = sdk
    return sdk
