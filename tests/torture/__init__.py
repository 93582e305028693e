"""The torture suite (issue 14): hostile specs, hostile requests, aborted connections, concurrent writers, kill -9.

Run it with `make torture` (full) or `make torture MODE=short` (CI), or `python -m tests.torture [--short]`.
Its modules are not tests pytest collects: none is named test_*.py.
"""
