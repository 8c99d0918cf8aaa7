"""The bridge to the wider world: public pages, feeds, ActivityPub.

``documents`` builds ActivityStreams JSON (pure); ``http`` answers the fediverse
and the people who run the bridge (Flask); ``delivery`` sends to other servers
and fetches from them (no Flask); ``follows`` and ``inbound`` are federation's
own features (followers; replies from outside and their gatekeeping), listed in
forum.features.FEATURES like any other. Nothing happens at import.
"""
