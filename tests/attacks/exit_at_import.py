"""A correct module that calls sys.exit(3) at import."""
import sys as _sys

_sys.exit(3)
