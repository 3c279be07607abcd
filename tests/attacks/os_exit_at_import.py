"""A correct module that calls os._exit(0) at import, skipping every cleanup."""
import os as _os

_os._exit(0)
