"""Full-text search over what a reader may see (Whoosh, as a subscriber of the log).

Not built yet: the conferencing core comes first. Callers will use a narrow
interface (index events, query) so the backend can change without them.
"""
