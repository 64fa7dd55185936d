"""People and access: per-case roles, API tokens, the one access helper every view uses."""
