"""The outbox's public surface: the status page, the clocks and receivers' docs depend on it."""

from warroom.notify import outbox, signing


def test_the_outbox_exports_its_verbs():
    assert set(outbox.__all__) == {
        "DELIVER",
        "JOB_MAX_ATTEMPTS",
        "MAX_ATTEMPTS",
        "send_email",
        "send_webhook",
    }
    assert all(hasattr(outbox, name) for name in outbox.__all__)


def test_signing_exports_sign_and_verify():
    assert set(signing.__all__) == {"HEADER", "TOLERANCE_SECONDS", "sign", "verify"}
    assert all(hasattr(signing, name) for name in signing.__all__)
