"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against the live server."""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("ZHENGCAI_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"找不到 Chromium（{CHROMIUM}）：运行 make browser-deps 安装。")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, live_server):
    """Factory: a fresh browser context (own cookies) logged in as `username`."""
    contexts = []

    def make(username: str | None = None, password: str = "Zc@123456"):
        ctx = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 860})
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15000)
        page.base = live_server.url
        if username:
            login(page, username, password)
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def login(page, username, password="Zc@123456"):
    page.goto(page.base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")


def shot(page, name: str):
    """Screenshots the README names: screenshots/<name>.png."""
    folder = Path(settings.SCREENSHOT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
