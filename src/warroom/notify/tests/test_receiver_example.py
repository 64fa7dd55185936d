"""The receiver's signature check printed in docs/notifications.md (and on the subscribe page)
works against what warroom signs."""

import html
import re
import time
from pathlib import Path

import pytest

from warroom.notify.signing import sign

DOCS = Path(__file__).resolve().parents[4] / "docs" / "notifications.md"
BODY = b'{"meta":{},"page":{"id":"abc"},"incident":{"name":"Voice API unavailable"}}'


@pytest.fixture(scope="module")
def example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(), flags=re.DOTALL)
    [source] = [block for block in blocks if "def verify" in block]
    return str(source)


@pytest.fixture(scope="module")
def verify(example):
    namespace: dict[str, object] = {}
    exec(example, namespace)  # noqa: S102 (our own documentation, run as a reader would)
    return namespace["verify"]


def test_it_accepts_what_warroom_signs(verify):
    assert verify("s3cret", BODY, sign("s3cret", BODY, int(time.time())))


def test_it_refuses_another_body_secret_or_an_old_signature(verify):
    now = int(time.time())
    assert not verify("s3cret", BODY + b" ", sign("s3cret", BODY, now))
    assert not verify("other", BODY, sign("s3cret", BODY, now))
    assert not verify("s3cret", BODY, sign("s3cret", BODY, now - 301))
    assert not verify("s3cret", BODY, "garbage")


def test_its_body_is_five_lines(example):
    body = example.split("-> bool:\n", 1)[1].strip().splitlines()
    assert len(body) == 5


def test_the_subscribe_page_shows_the_same_example(example, client, db):
    page = client.get("/status/subscribe/").text
    assert html.escape(example.strip(), quote=False) in page
