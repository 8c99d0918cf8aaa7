"""The search page and API over what the reader may see (the index is search/)."""
