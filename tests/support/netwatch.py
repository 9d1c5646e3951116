"""Run calm-voice in this process with every network socket it opens written down.

    python -m tests.support.netwatch LOG ARGS...   (like `python -m calm_voice ARGS...`)

LOG gets one line per connection attempt to an IP address, datagram sent, or host name looked
up. Local (AF_UNIX) sockets, which the sound server uses, are not network; nor is creating a
socket without using it (urllib3, imported by vosk, probes IPv6 support that way).
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> int:
    log_path, argv = sys.argv[1], sys.argv[2:]
    log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 (open for the process's life)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
            log.write(f"{event} {args[0]}\n")
        elif event in ("socket.connect", "socket.sendto") and isinstance(args[1], tuple):
            log.write(f"{event} {args[1]}\n")
        else:
            return
        log.flush()

    sys.addaudithook(hook)
    from calm_voice.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
