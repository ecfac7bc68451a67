#!/usr/bin/env python3
"""Measures the real window: time to first frame, peak memory, CPU and repaints while idle.

Run through scripts/bench-window.sh, which builds the release binary and starts a private
X display (Xvfb) and keyring. Prints medians over RUNS starts."""
import os
import statistics
import subprocess
import sys
import time

binary, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10
env = dict(os.environ, SINCH_TICKET_LOG_FRAMES="1")


def ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


def peak_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


first_frame, rss, idle_cpu, idle_frames = [], [], [], []
for _ in range(runs):
    start = time.monotonic()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    frames = 0
    line = proc.stderr.readline()
    while line and not line.startswith("sinch-ticket: frame"):
        line = proc.stderr.readline()
    first_frame.append((time.monotonic() - start) * 1000)
    os.set_blocking(proc.stderr.fileno(), False)

    def drain():
        count = 0
        while True:
            chunk = proc.stderr.readline()
            if not chunk:
                return count
            count += chunk.count("sinch-ticket: frame")

    time.sleep(3)  # start-up frames, the keyring answer, fonts: let it settle
    drain()
    t0 = ticks(proc.pid)
    time.sleep(5)
    idle_cpu.append((ticks(proc.pid) - t0) / os.sysconf("SC_CLK_TCK") * 1000 / 5)
    idle_frames.append(drain())
    rss.append(peak_rss_kb(proc.pid) / 1024)
    proc.terminate()
    proc.wait()

print(f"first frame after start: median {statistics.median(first_frame):.0f} ms "
      f"(min {min(first_frame):.0f}, max {max(first_frame):.0f}, {runs} runs)")
print(f"peak RSS: median {statistics.median(rss):.1f} MB (max {max(rss):.1f})")
print(f"idle for 5 s: median {statistics.median(idle_cpu):.1f} ms CPU per second, "
      f"median {statistics.median(idle_frames)} repaints (max {max(idle_frames)})")
