"""The feedback page in a real headless Chromium: it renders, its pictures load, and it runs no script.

The browser is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
JSON messages ending in NUL on descriptors 3 and 4), so no extra package is needed.
The page holds no script of its own; the test's own probe runs through
`Runtime.evaluate`, from outside the page.
"""

import json
import os
import shutil
import subprocess

import numpy as np
import pytest

from cvgrade.compare import Mismatch, assert_close
from cvgrade.workflow import feedback

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None and os.geteuid() != 0,
                                reason="no Chromium here (`make setup` installs it when run as root)")


class Browser:
    """A headless Chromium answering DevTools commands on a pipe."""

    def __init__(self, profile):
        commands_r, self._commands = os.pipe()
        self._replies, replies_w = os.pipe()
        argv = [CHROMIUM, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}", "about:blank"]

        def onto_3_and_4():  # in the child: the pipe ends on the descriptors the DevTools pipe uses
            os.dup2(commands_r, 3)
            os.dup2(replies_w, 4)

        # close_fds=False: Python's own descriptors are not inheritable anyway, and 3 and 4 must survive
        self.process = subprocess.Popen(argv, preexec_fn=onto_3_and_4, close_fds=False,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in (commands_r, replies_w):
            os.close(fd)
        self._buffer, self._next_id, self.events = b"", 0, []

    def _message(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, session: str | None = None, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str) -> dict:
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        while True:
            event = self._message()
            if event.get("method") == method:
                return event
            self.events.append(event)

    def close(self):
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError):
            pass
        self.process.wait(timeout=30)
        for fd in (self._commands, self._replies):
            os.close(fd)


PROBE = """JSON.stringify({
  images: Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight]),
  scripts: document.scripts.length,
  handlers: Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length,
  title: document.title,
  sections: Array.from(document.querySelectorAll('h2')).map(h => h.textContent),
  width: document.body.scrollWidth
})"""


def _report_with_a_picture() -> dict:
    expected = np.linspace(0, 1, 30 * 40).reshape(30, 40)
    actual = expected.copy()
    actual[10:14, 20:25] += 0.3
    with pytest.raises(Mismatch) as caught:
        assert_close(actual, expected, image="HW", name="blurred")
    failed = {"name": "test_blur[seed=1]", "function": "correlate2d", "points": 0, "max_points": 2,
              "outcome": "failed", "message": str(caught.value) + "<script>alert(1)</script>",
              "picture": caught.value.picture}
    passed = {"name": "test_sobel", "function": "sobel_gradients", "points": 1, "max_points": 1, "outcome": "passed",
              "message": ""}
    return {"score": 1, "max_score": 3, "status": "ok", "tests": [failed, passed]}


def test_feedback_page_renders_in_chromium_with_its_pictures_and_no_script(tmp_path):
    assert CHROMIUM, "Chromium is needed for this check: apt-get install chromium (make setup does it as root)"
    page = tmp_path / "autograder.html"
    page.write_text(feedback.render(_report_with_a_picture(), feedback.CvgradeFeedback(), student="ada",
                                    topic="image_filtering"))
    browser = Browser(tmp_path / "profile")
    try:
        target = browser.send("Target.createTarget", url="about:blank")["targetId"]
        session = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        browser.send("Page.enable", session)
        browser.send("Page.navigate", session, url=page.as_uri())
        browser.wait_for("Page.loadEventFired")
        found = json.loads(browser.send("Runtime.evaluate", session, expression=PROBE, returnByValue=True)["result"]["value"])
    finally:
        browser.close()
    assert found["title"] == "image_filtering: autograder feedback for ada"
    assert found["sections"] == ["correlate2d: 0 / 2 points", "sobel_gradients: 1 / 1 points"]
    assert found["images"] and all(complete and w > 100 and h > 50 for complete, w, h in found["images"]), found["images"]
    assert found["scripts"] == 0 and found["handlers"] == 0
