"""Entry point of the isolated process that runs a submission: `python -I -m cvgrade.child`.

It speaks length-prefixed `cvgrade.wire` frames on two inherited file
descriptors; the student's stdout and stderr go wherever the parent pointed
them, never into the protocol. The first frame out says whether the import
worked. Everything this process sends is untrusted by the parent.

Before the student's module is imported, the child confines itself
(`cvgrade.sandbox.apply_limits`) and drops the cvgrade modules from
`sys.modules`: a submission that imports `cvgrade.tripwire` or
`cvgrade.server` gets fresh copies, and patching them changes nothing the
server uses.
"""

import argparse
import json
import os
import sys


def _forget_cvgrade_modules() -> None:
    for name in [n for n in sys.modules if n == "cvgrade" or n.startswith("cvgrade.")]:
        del sys.modules[name]


def serve(fd_in: int, fd_out: int, module: str, name: str, reference_calls: dict, limits_json: str | None) -> int:
    """Confine this process, import the submission and answer requests until the input closes."""
    requests = os.fdopen(fd_in, "rb")
    replies = os.fdopen(fd_out, "wb")
    from cvgrade import sandbox, wire
    from cvgrade.server import Server

    if limits_json:
        sandbox.apply_limits(limits_json)
    _forget_cvgrade_modules()
    server = Server(module, name, reference_calls)
    wire.write_frame(replies, wire.dumps({"ok": True, "value": {"import_error": server.import_error}}))
    while True:
        frame = wire.read_frame(requests)
        if not frame:
            return 0
        wire.write_frame(replies, server.handle_frame(frame))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="cvgrade.child")
    parser.add_argument("--module", required=True, help="path of the student module")
    parser.add_argument("--name", required=True, help="module name (the topic)")
    parser.add_argument("--reference-calls", default="{}", help="JSON: graded name -> forbidden callables")
    parser.add_argument("--fd-in", type=int, required=True)
    parser.add_argument("--fd-out", type=int, required=True)
    parser.add_argument("--limits", default=None, help="JSON of cvgrade.sandbox.Limits to apply to this process")
    args = parser.parse_args(argv)
    return serve(args.fd_in, args.fd_out, args.module, args.name, json.loads(args.reference_calls), args.limits)


if __name__ == "__main__":
    sys.exit(main())
