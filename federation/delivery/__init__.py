"""Talking to other servers: the outbox, the delivery worker, signatures, keys and remote
actors. No Flask here: each part takes an engine and the site's origin explicitly."""
