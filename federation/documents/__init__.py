"""ActivityPub and ActivityStreams documents, built from plain values: no IO, no Flask."""
