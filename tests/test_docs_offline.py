"""`/docs` works with no internet access: every asset it loads is served by the service."""

from __future__ import annotations

import re

from tests.conftest import Table


def _loaded(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)


def test_the_docs_page_loads_nothing_from_another_host(table: Table) -> None:
    page = table.client.get("/docs")
    assert page.status_code == 200
    urls = _loaded(page.text)
    assert len(urls) == 4  # script, style, icon, the OpenAPI document
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert '"validatorUrl": null' in page.text  # no badge from the online validator


def test_every_asset_of_the_docs_page_is_served(table: Table) -> None:
    for url in _loaded(table.client.get("/docs").text):
        response = table.client.get(url)
        assert response.status_code == 200, url
        assert response.content, url
    script = table.client.get("/docs/assets/swagger-ui-bundle.js")
    assert "javascript" in script.headers["content-type"]
    assert b"SwaggerUIBundle" in script.content


def test_the_licence_of_swagger_ui_ships_beside_it(table: Table) -> None:
    assert "Apache License" in table.client.get("/docs/assets/LICENSE").text


def test_there_is_no_page_that_loads_from_a_cdn(table: Table) -> None:
    assert table.client.get("/redoc").status_code == 404
