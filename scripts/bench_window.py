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
env = dict(os.environ, SINCH_TICKET_LOG_FRAMES="1", SINCH_TICKET_LOG_STARTUP="1")
# The start-up steps the window marks (src/app/mod.rs, startup_mark), in order: each is
# the time since the one before, the first since the process was started.
STEPS = ["main", "icon", "window-and-gl-context", "settings", "clipboard-and-folders", "app",
         "fonts-and-first-pass", "first-layout"]


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
steps = {step: [] for step in STEPS}
for _ in range(runs):
    start = time.monotonic()
    started_at = time.time() * 1000
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    frames = 0
    marks = {}
    line = proc.stderr.readline()
    while line and "startup first-layout" not in line:
        if line.startswith("sinch-ticket: startup "):
            step, at = line.split()[2], float(line.split()[-1])
            marks[step] = at
        line = proc.stderr.readline()
    first_frame.append((time.monotonic() - start) * 1000)
    marks["first-layout"] = float(line.split()[-1]) if line else started_at
    before = started_at
    for step in STEPS:
        if step in marks:
            steps[step].append(marks[step] - before)
            before = marks[step]
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
print("  of which (medians; the keyring is asked on a worker thread, after the first frame):")
names = {"main": "process start to main (loading, clap)", "icon": "the icon decoded",
         "window-and-gl-context": "window and GL context (eframe, winit, glutin)",
         "settings": "settings read (eframe's storage)",
         "clipboard-and-folders": "clipboard connection, folders",
         "app": "the app built (worker thread started)",
         "fonts-and-first-pass": "fonts and egui's first pass",
         "first-layout": "the first layout (our first frame)"}
for step in STEPS:
    if steps[step]:
        print(f"    {names[step]}: {statistics.median(steps[step]):.1f} ms")
print(f"peak RSS: median {statistics.median(rss):.1f} MB (max {max(rss):.1f})")
print(f"idle for 5 s: median {statistics.median(idle_cpu):.1f} ms CPU per second, "
      f"median {statistics.median(idle_frames)} repaints (max {max(idle_frames)})")
