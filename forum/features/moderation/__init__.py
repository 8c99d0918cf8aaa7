"""Moderators' actions on threads and the audit log read from the event log."""
