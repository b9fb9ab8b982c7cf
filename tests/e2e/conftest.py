"""Browser tests: headless Chromium (Debian's package) driven by Playwright.

They run against pytest-django's live server, and are skipped, with the reason shown,
where Chromium is not installed. Each browser session runs in a thread of its own:
Playwright's sync API runs an event loop in its thread, and the test thread keeps
using the ORM (and its transactional set-up) as usual.
"""

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from wagtail.models import Site

from tests.factories import make_home

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1200, "height": 900}
PHONE = {"width": 375, "height": 740}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True)
            )
            if not CHROMIUM:
                item.add_marker(pytest.mark.skip(reason="Chromium is not installed"))


@pytest.fixture
def signing_key(settings, tmp_path):
    """A certificate signing key made for the test, in its own file."""
    from certificates.signing import keys_cache_clear

    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.CERTIFICATE_SIGNING_KEYS_FILE = str(tmp_path / "signing-keys.json")
    settings.CERTIFICATE_SIGNING_KEYS_CREATE = True
    keys_cache_clear()
    yield
    keys_cache_clear()


@pytest.fixture
def live_home(live_server):
    """The catalogue home page, served by the live server's host and port."""
    home = make_home()
    host, port = live_server.url.split("//")[1].rsplit(":", 1)
    Site.objects.filter(is_default_site=True).update(hostname=host, port=int(port))
    return home


@pytest.fixture
def browse(live_server):
    """``browse(flow, viewport=DESKTOP)`` runs ``flow(page)`` in headless Chromium;
    ``javascript=False`` turns the page's scripts off.

    Read what the flow needs from the database before calling: the ORM is not for
    the browser's thread.
    """

    def run_flow(flow, *, viewport=DESKTOP, is_mobile=False, javascript=True):
        from playwright.sync_api import expect, sync_playwright

        # A submit that marks a quiz and renders a certificate can take longer than
        # Playwright's 5 s on a busy machine; waiting longer asserts nothing on time.
        expect.set_options(timeout=20_000)

        def run():
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS
                )
                try:
                    context = browser.new_context(
                        base_url=live_server.url,
                        viewport=viewport,
                        is_mobile=is_mobile,
                        java_script_enabled=javascript,
                    )
                    page = context.new_page()
                    page.set_default_timeout(10_000)
                    flow(page)
                finally:
                    browser.close()

        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(run).result()

    return run_flow


def tab_to(page, locator, limit=80):
    """Press Tab until ``locator`` has focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Could not reach {locator} with Tab")
