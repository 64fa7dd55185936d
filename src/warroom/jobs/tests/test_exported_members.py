"""The worker's public surface: the CLI and the management command depend on it."""

from warroom.jobs import worker


def test_the_worker_module_exports_its_public_functions():
    assert set(worker.__all__) == {
        "LEASE",
        "RENEW_EVERY",
        "backoff",
        "retry_delay",
        "claim",
        "claim_next",
        "requeue_orphans",
        "requeue_stale",
        "run_job",
        "run_once",
        "run_worker",
    }
    assert all(hasattr(worker, name) for name in worker.__all__)
