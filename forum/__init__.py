"""Commonroom: a FirstClass-style, event-sourced conferencing forum."""
