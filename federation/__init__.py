"""The bridge to the wider world: public pages, feeds, ActivityPub.

Not built yet: it stands on the conferencing core.
"""
