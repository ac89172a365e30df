"""The editor pane: the kernel editor and the decorator-options bar above it."""
