"""Error pages in PaperDesk's words, each with a way on."""

from tests.conftest import AuthActions


def test_404_in_our_words_with_a_way_on(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.text
    assert "PaperDesk has no such page" in page
    assert "The requested URL was not found" not in page  # not Werkzeug's stock text
    assert 'id="error-way-on"' in page and 'href="/"' in page


def test_403_for_a_user_on_an_admin_page_points_home(user_client):
    response = user_client.get("/admin/dashboard")
    assert response.status_code == 403
    page = response.text
    assert "This page is not open to you" in page
    assert "You don&#39;t have the permission" not in page
    assert 'href="/user/dashboard"' in page and 'href="/auth/admin-login"' in page


def test_400_says_what_was_wrong_and_changes_nothing(trader, client, market):
    AuthActions(client).login("trader")
    response = client.get("/admin/audit")  # a user: 403 first
    assert response.status_code == 403
    response = client.get("/user/api/market_data?ticker=AAPL&period=7y", headers={})
    assert response.status_code == 400  # JSON under /api/


def test_a_400_page_keeps_the_specific_message(admin_client):
    referrer = "http://localhost/admin/audit"
    response = admin_client.get("/admin/audit?since=not-a-date", headers={"Referer": referrer})
    assert response.status_code == 400
    page = response.text
    assert "That request did not make sense to PaperDesk" in page
    assert "since must be a date such as 2026-03-02." in page
    assert f'href="{referrer}" id="error-back"' in page and 'href="/admin/dashboard"' in page
    elsewhere = {"Referer": "https://evil.example/"}
    page = admin_client.get("/admin/audit?since=x", headers=elsewhere).text
    assert "evil.example" not in page  # no way back to another site


def test_an_unknown_ticker_offers_search_and_the_list(user_client):
    response = user_client.get("/user/stock_chart?ticker=APPL")
    assert response.status_code == 404
    page = response.text
    assert "PaperDesk does not trade" in page and "APPL" in page
    assert 'id="ticker-search"' in page and 'action="/user/markets"' in page
    assert 'value="APPL"' in page
    assert 'id="ticker-list"' in page
    suggestions = (
        page[page.index('id="ticker-suggestions"') :] if "ticker-suggestions" in page else ""
    )
    assert "AAPL" in suggestions or 'href="/user/markets"' in page


def test_a_malformed_ticker_is_also_404_with_search(user_client):
    response = user_client.get("/user/stock_chart?ticker=%24%24%24")
    assert response.status_code == 404
    assert 'id="ticker-search"' in response.text


def test_markets_search_arrives_prefilled(user_client):
    page = user_client.get("/user/markets?q=bank").text
    assert 'id="markets-q" name="q" type="search"' in page and 'value="bank"' in page
