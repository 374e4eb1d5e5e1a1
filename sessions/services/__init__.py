"""Writes of the sessions app: keyword-only functions, atomic, validated with full_clean(),
enqueueing e-mail and background work on commit."""
