"""Live-quote streams cannot take every request thread: beyond their slots they poll."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from extensions import db
from models import User
from routes.market.slots import StreamSlots, slots
from services import tokens
from tests.servers.gunicorn import gunicorn


def test_slots_cap_the_total_and_each_owner():
    pool = StreamSlots()
    assert pool.take("user:1", total=3, per_owner=2)
    assert pool.take("user:1", total=3, per_owner=2)
    assert not pool.take("user:1", total=3, per_owner=2)
    assert pool.take("user:2", total=3, per_owner=2)
    assert not pool.take("user:3", total=3, per_owner=2)
    pool.give_back("user:1")
    assert pool.take("user:3", total=3, per_owner=2)
    assert pool.open_streams() == 3


def test_a_stream_without_a_free_slot_answers_at_once_with_a_snapshot(app, user_client):
    app.config.update(STREAM_SLOTS_PER_USER=1, STREAM_BUSY_RETRY=7)
    assert slots.take("user:1", total=100, per_owner=100)  # alice's one stream is open
    try:
        response = user_client.get("/stream/quotes?tickers=AAPL")
        text = response.get_data(as_text=True)
    finally:
        slots.give_back("user:1")
    assert text.startswith("retry: 7000") and "event: busy" in text
    assert text.count("event: quote") == 1 and '"ticker": "AAPL"' in text


def test_a_finished_stream_gives_its_slot_back(app, user_client):
    app.config["STREAM_MAX_SECONDS"] = 0.5
    before = slots.open_streams()  # streams of earlier tests may still be winding down
    text = user_client.get("/stream/quotes?tickers=KO").get_data(as_text=True)
    assert "event: busy" not in text and "event: quote" in text
    assert slots.open_streams() <= before


def _token_for(app, user_id: int) -> str:
    with app.app_context():
        _, plaintext = tokens.create_token(db.session.get(User, user_id), "streams")
        db.session.remove()
    return plaintext


def test_more_streams_than_threads_leave_the_api_answering(app, app_settings, make_user):
    """On gunicorn with 4 threads, 12 open streams from 4 people do not starve /api/price."""
    owners = [make_user(f"viewer{i}") for i in range(4)]
    headers = [{"Authorization": f"Bearer {_token_for(app, uid)}"} for uid in owners]
    stop = threading.Event()
    settings = {"STREAM_SLOTS": 2, "STREAM_SLOTS_PER_USER": 3, "STREAM_MAX_SECONDS": 30}

    def hold_stream(url, header):
        with requests.get(
            f"{url}/stream/quotes?tickers=AAPL", headers=header, stream=True, timeout=30
        ) as response:
            first = next(response.iter_content(chunk_size=None))
            stop.wait(20)
            return first

    with gunicorn(app_settings, threads=4, **settings) as url, ThreadPoolExecutor(12) as pool:
        opened = [pool.submit(hold_stream, url, headers[i % 4]) for i in range(12)]
        try:
            price = requests.get(f"{url}/api/price?ticker=MSFT", headers=headers[0], timeout=5)
        except requests.Timeout:
            pytest.fail("the API did not answer while streams were open")
        finally:
            stop.set()
        firsts = [future.result(timeout=30) for future in opened]
    assert price.status_code == 200 and price.json()["ticker"] == "MSFT"
    assert all(first.startswith(b"retry: ") for first in firsts)
