"""Entry point of the isolated process that runs a submission: `python -I -m cvgrade.sandbox.child`.

It speaks length-prefixed `cvgrade.sandbox.wire` frames on two inherited file
descriptors; the student's stdout and stderr go wherever the parent pointed
them, never into the protocol. The first frame out says whether the import
worked. Everything this process sends is untrusted by the parent.

Before anything beyond the standard library and `cvgrade.sandbox.isolation` is imported
(NumPy could start threads, which Landlock would not confine), the child
confines itself (`cvgrade.sandbox.isolation.confine`); before the student's module is
imported it drops the cvgrade modules from `sys.modules`: a submission that
imports `cvgrade.sandbox.tripwire` or `cvgrade.sandbox.server` gets fresh copies, and patching
them changes nothing the server uses.
"""

import argparse
import json
import os
import sys


def _forget_cvgrade_modules() -> None:
    for name in [n for n in sys.modules if n == "cvgrade" or n.startswith("cvgrade.")]:
        del sys.modules[name]


def serve(fd_in: int, fd_out: int, module: str, name: str, reference_calls: dict, confinement_json: str | None) -> int:
    """Confine this process, import the submission and answer requests until the input closes."""
    requests = os.fdopen(fd_in, "rb")
    replies = os.fdopen(fd_out, "wb")
    from cvgrade.sandbox import isolation

    deny_imports = isolation.confine(confinement_json)["deny_imports"] if confinement_json else ()
    from cvgrade.sandbox import wire
    from cvgrade.sandbox.server import Server

    _forget_cvgrade_modules()
    server = Server(module, name, reference_calls, deny_imports)
    wire.write_frame(replies, wire.dumps({"ok": True, "value": {"import_error": server.import_error}}))
    while True:
        frame = wire.read_frame(requests)
        if not frame:
            return 0
        wire.write_frame(replies, server.handle_frame(frame))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="cvgrade.sandbox.child")
    parser.add_argument("--module", required=True, help="path of the student module")
    parser.add_argument("--name", required=True, help="module name (the topic)")
    parser.add_argument("--reference-calls", default="{}", help="JSON: graded name -> forbidden callables")
    parser.add_argument("--fd-in", type=int, required=True)
    parser.add_argument("--fd-out", type=int, required=True)
    parser.add_argument("--confinement", default=None, help="JSON plan of cvgrade.sandbox.isolation.confinement to apply")
    args = parser.parse_args(argv)
    return serve(args.fd_in, args.fd_out, args.module, args.name, json.loads(args.reference_calls), args.confinement)


if __name__ == "__main__":
    sys.exit(main())
