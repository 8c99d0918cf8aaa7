"""Replies from the fediverse: remote posts in threads, and the gatekeeping
(domain blocks, per-conference policy and style)."""
