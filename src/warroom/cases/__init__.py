"""The case: incident, timeline, assets, indicators, evidence, tasks and actions."""
