"""Notifications: watch levels, the inbox and its unread count."""
