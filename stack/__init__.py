"""The local target: PostgreSQL, gunicorn and the reconciler as local processes.

`make up` calls `python -m stack up`; the test session drives the same code
with its own state folder and ports, so what the tests start is what attendees run.
"""
