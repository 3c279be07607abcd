"""Isolation of untrusted student code: the child process, its confinement, the warm pool and the wire between them."""
