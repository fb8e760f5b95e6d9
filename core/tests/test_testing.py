"""The test kit's JSON helpers (core.testing)."""

from core.testing import json_request


class Recorder:
    """A client that says what it was asked to send."""

    def generic(self, method, url, data, content_type):
        return method, url, data, content_type

    def post(self, url, data=None, content_type=None):
        return "POST", url, data, content_type


def test_raw_is_sent_as_it_is_and_replaces_the_body():
    assert json_request(Recorder(), "put", "/api/x", {"a": 1}, raw="not json") == (
        "PUT", "/api/x", "not json", "application/json")
    assert json_request(Recorder(), "post", "/api/x", raw="") == ("POST", "/api/x", "", "application/json")
    assert json_request(Recorder(), "post", "/api/x", {"a": 1}) == ("POST", "/api/x", '{"a": 1}', "application/json")

