"""Reading: read markers, honest unread counts, next unread, who read a post."""
