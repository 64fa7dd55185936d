"""Background jobs: rows in the database that `warroom worker` claims and runs.

No broker: a job is claimed with a conditional UPDATE, so any number of workers on SQLite or
PostgreSQL never run the same job twice at once.

    queue.enqueue(kind, payload, run_at=...)   add a job, inside the caller's transaction
    registry.HANDLERS                          kind -> dotted path of its handler, explicit
    errors.PermanentError                      raised by a handler: fail now, do not retry
    worker.run_worker(stop)                    the loop behind `warroom worker`
"""
