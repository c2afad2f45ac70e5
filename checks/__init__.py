"""The workshop grader: black-box checks per OWASP stage (`python -m checks`)."""
