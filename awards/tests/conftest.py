from trading.tests.conftest import tr  # noqa: F401
