"""The machinery of inline projections: the registry, driver-level statements,
the rebuild's bulk load and Markdown rendered once."""
