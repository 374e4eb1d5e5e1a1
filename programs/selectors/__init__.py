"""The reads of the programs app that pages and tasks need: keyword-only functions taking
the organisation (or an object already reached through it). A read never writes."""
