"""Views of the sessions app: one module per area (see sessions/urls/)."""
