"""Reads of the sessions app: keyword-only, taking the organisation or an object already
reached through an access getter; never writing."""
