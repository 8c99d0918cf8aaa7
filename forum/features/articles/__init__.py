"""Publishing: threads and posts proposed, reviewed and published on the blog."""
