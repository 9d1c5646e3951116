"""Run calm-voice in this process with every network socket it opens written down.

    python -m tests.support.netwatch LOG ARGS...   (like `python -m calm_voice ARGS...`)

LOG gets one line per IPv4/IPv6 socket created or address looked up; local (AF_UNIX) sockets,
which the sound server uses, are not network.
"""

from __future__ import annotations

import socket
import sys
from typing import Any


def main() -> int:
    log_path, argv = sys.argv[1], sys.argv[2:]
    log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 (open for the process's life)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "socket.__new__" and args[1] in (socket.AF_INET, socket.AF_INET6):
            log.write(f"{event} family={args[1]}\n")
        elif event in ("socket.getaddrinfo", "socket.gethostbyname"):
            log.write(f"{event} {args[0]}\n")
        elif event == "socket.connect" and isinstance(args[1], tuple):
            log.write(f"{event} {args[1]}\n")
        else:
            return
        log.flush()

    sys.addaudithook(hook)
    from calm_voice.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
