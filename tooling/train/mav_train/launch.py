"""A minimal torchrun for one machine: `python3 -m mav_train.launch --nproc 2 train <stage> ...` starts N
workers of `python3 -m mav_train ...` with the environment torchrun sets (MASTER_ADDR, MASTER_PORT, RANK,
LOCAL_RANK, WORLD_SIZE). Debian's torch 1.13 `torchrun` crashes under Python 3.11 while parsing its log
redirects; on other installs `torchrun --standalone --nproc_per_node N -m mav_train train ...` is the same."""

from __future__ import annotations

import os
import socket
import subprocess
import sys


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "--nproc":
        print("usage: python3 -m mav_train.launch --nproc N <mav_train arguments>", file=sys.stderr)
        return 2
    count = int(argv[1])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workers = []
    for rank in range(count):
        env = {**os.environ, "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "RANK": str(rank),
               "LOCAL_RANK": str(rank), "WORLD_SIZE": str(count)}
        workers.append(subprocess.Popen([sys.executable, "-m", "mav_train", *argv[2:]], env=env))
    codes = [worker.wait() for worker in workers]
    return max(codes, key=abs)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
