#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Stop one thread of a process for a while, the others running on: a stuck worker, as a test makes one.

  stall.py TID SECONDS

ptrace(PTRACE_SEIZE) and PTRACE_INTERRUPT act on the thread TID alone (SIGSTOP would stop every thread of
the process); PTRACE_DETACH lets it run again. Run as root.
"""
import ctypes
import os
import sys
import time

PTRACE_DETACH, PTRACE_SEIZE, PTRACE_INTERRUPT = 17, 0x4206, 0x4207
WALL = 0x40000000


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    tid, secs = int(sys.argv[1]), float(sys.argv[2])
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    if libc.ptrace(PTRACE_SEIZE, tid, None, None) != 0 or libc.ptrace(PTRACE_INTERRUPT, tid, None, None) != 0:
        sys.exit("stall: ptrace %d: %s" % (tid, os.strerror(ctypes.get_errno())))
    os.waitpid(tid, WALL)  # the thread has stopped
    print("stall: thread %d stopped for %.1f s" % (tid, secs), flush=True)
    time.sleep(secs)
    libc.ptrace(PTRACE_DETACH, tid, None, None)
    print("stall: thread %d runs again" % tid, flush=True)


if __name__ == "__main__":
    main()
