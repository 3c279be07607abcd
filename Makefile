# The two commands of the README. Both set everything up first, on a fresh clone too.
PYTHON ?= python3
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup demo test

setup:
	@command -v bwrap >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq >/dev/null && apt-get install -y -qq bubblewrap >/dev/null; } || \
	  echo "note: bubblewrap is not installed; isolated grading falls back to resource limits (see README)"
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { apt-get install -y -qq chromium || { apt-get update -qq && apt-get install -y -qq chromium; }; } >/dev/null 2>&1; } || \
	  echo "note: chromium is not installed; the feedback-page browser check is skipped (see README)"
	$(PYTHON) -m pip install -q --disable-pip-version-check -c constraints.txt -e .

demo: setup
	$(PYTHON) -m cvgrade demo

test: setup
	$(PYTHON) -m pytest
