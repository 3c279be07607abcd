"""Where the kit's own course lives, for test parametrization at collection time."""

from pathlib import Path

from cvgrade import paths

ROOT = Path(__file__).resolve().parents[1]
TOPICS = paths.topics(ROOT)
