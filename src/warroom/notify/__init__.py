"""The outbox: every e-mail and webhook warroom sends, sent once, retried, with its history.

    outbox.send_email(...) / send_webhook(...)   queue a message under an idempotency key
    tasks.deliver                                the `notify.deliver` job: send, record
    signing.sign / verify                        the webhook signature (HMAC-SHA256)
    testing                                      real SMTP and webhook servers for tests

docs/notifications.md states the contract: exactly once by key, retries, signatures.
"""
