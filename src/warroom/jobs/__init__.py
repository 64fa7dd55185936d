"""Background jobs: rows in the database that `warroom worker` claims and runs.

No broker: a job is claimed with a conditional UPDATE, so any number of workers on SQLite or
PostgreSQL never run the same job twice at once.
"""
