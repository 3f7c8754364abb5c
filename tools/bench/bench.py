#!/usr/bin/python3
# gst-apigo: the benchmark of docs/performance.md
# Copyright (C) 2026 gst-apigo authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Measures apigovideosrc against curl, souphttpsrc + filesrc and a plain
1 s polling loop, side by side on this machine, and prints a Markdown table
of medians and ratios.  Started by tools/bench/run-bench.sh, which builds
and installs what this needs; Python 3 standard library only.

Everything talks to 127.0.0.1: the bundled emulator (one instance per
setting), and nginx serving the test clips from a configuration written in
a temporary directory.  Times inside the programs are CLOCK_MONOTONIC, the
clock of the emulator's request log, so both can be compared."""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

KEY = "bench-key"
MIB = 1024 * 1024
# The clips: (name, width, height, frames, kbit/s).  Snow does not
# compress: x264 fills the bitrate, so size = seconds x bitrate.
BIG = ("clip200.mp4", 1280, 720, 480, 100000)       # 16 s, ~200 MB
SMALL = ("clip10.mp4", 640, 360, 120, 20000)        # 4 s, ~10 MB
TINY = ("clip1.mp4", 320, 240, 120, 2000)           # 4 s, ~1 MB
HUGE = ("clip500.mp4", 1280, 720, 480, 250000)      # 16 s, ~500 MB
THROTTLE = "2m"                                     # nginx: 2 MiB/s
THROTTLE_TEXT = "2 MiB/s"
ELEMENT = ("apigovideosrc size=64x64 seconds=1 reuse=false "
           "cache-dir={cache} prompt=\"{prompt}\"")
# What a user types: default settings (cache on, reuse on), as arguments
# of gst-launch-1.0 (a prompt without spaces: gst-launch joins them).
LAUNCH = ("apigovideosrc size=64x64 seconds=1 cache-dir={cache} "
          "prompt={prompt}")


def log(text):
    print(text, file=sys.stderr, flush=True)


def median(values):
    return statistics.median(values) if values else float("nan")


def monotonic_us():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000


def realtime_offset_us():
    """CLOCK_REALTIME minus CLOCK_MONOTONIC: nginx logs the first."""
    a = monotonic_us()
    r = time.time_ns() // 1000
    b = monotonic_us()
    return r - (a + b) // 2


class Bench:
    def __init__(self, args):
        self.args = args
        self.src = os.path.abspath(args.source)
        self.build = os.path.abspath(args.build)
        self.runs = args.runs
        self.quick = args.quick
        self.media = os.path.join(self.build, "bench-media")
        self.out_dir = os.path.join(self.build, "bench")
        self.tmp = tempfile.mkdtemp(prefix="apigo-bench-")
        self.emulator = os.path.join(self.build, "tools", "emulator",
                                     "apigo-emulator")
        self.bench_run = os.path.join(self.build, "tools", "bench",
                                      "bench-run")
        self.hints_prog = os.path.join(self.build, "tools", "bench",
                                        "bench-hints")
        self.render_cache = os.path.join(self.media, "emulator-cache")
        self.procs = []
        self.n = 0
        self.lock = threading.Lock()    # 3 runs in a thread of its own
        self.results = {}
        self.env = self.make_env()

    def make_env(self):
        env = {k: v for k, v in os.environ.items()
               if not k.lower().endswith("_proxy")}
        env.update({
            "GST_PLUGIN_PATH_1_0": os.path.join(self.build, "gst", "apigo"),
            "GST_REGISTRY_1_0": os.path.join(self.tmp, "registry.bin"),
            "GIO_USE_PROXY_RESOLVER": "dummy",
            "XDG_CACHE_HOME": os.path.join(self.tmp, "xdg-cache"),
            "XDG_STATE_HOME": os.path.join(self.tmp, "xdg-state"),
            "APIGO_API_KEY": KEY,
            "no_proxy": "*",
        })
        return env

    def fresh_dir(self, what):
        with self.lock:
            self.n += 1
            path = os.path.join(self.tmp, "%s-%d" % (what, self.n))
        os.makedirs(path)
        return path

    # --- servers -----------------------------------------------------

    def make_media(self):
        os.makedirs(self.media, exist_ok=True)
        for name, width, height, frames, kbps in (BIG, SMALL, TINY, HUGE):
            path = os.path.join(self.media, name)
            if os.path.exists(path):
                continue
            log("Making %s (once; kept in %s)" % (name, self.media))
            part = path + ".part"
            subprocess.run([
                "gst-launch-1.0", "-q", "videotestsrc", "pattern=snow",
                "num-buffers=%d" % frames, "!",
                "video/x-raw,width=%d,height=%d,framerate=30/1" % (width,
                                                                   height),
                "!", "x264enc", "speed-preset=ultrafast",
                "bitrate=%d" % kbps, "key-int-max=30", "!",
                "mp4mux", "faststart=true", "!",
                "filesink", "location=%s" % part], check=True,
                env=self.env)
            os.rename(part, path)
        self.big_size = os.path.getsize(os.path.join(self.media, BIG[0]))
        self.small_size = os.path.getsize(os.path.join(self.media, SMALL[0]))
        self.tiny_size = os.path.getsize(os.path.join(self.media, TINY[0]))
        self.huge_size = os.path.getsize(os.path.join(self.media, HUGE[0]))

    def free_port(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def start_nginx(self):
        root = os.path.join(self.tmp, "nginx")
        os.makedirs(os.path.join(root, "temp"))
        port = self.free_port()
        # Where the build is may be unreadable to nginx's usual worker user.
        user = "user root root;\n" if os.geteuid() == 0 else ""
        conf = os.path.join(root, "nginx.conf")
        with open(conf, "w") as f:
            f.write("""%(user)sworker_processes 1;
events { worker_connections 256; }
http {
  log_format bench '$msec $request_time $status $body_bytes_sent $request_uri';
  access_log %(root)s/access.log bench;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path %(root)s/temp/body;
  proxy_temp_path %(root)s/temp/proxy;
  fastcgi_temp_path %(root)s/temp/fastcgi;
  uwsgi_temp_path %(root)s/temp/uwsgi;
  scgi_temp_path %(root)s/temp/scgi;
  types { video/mp4 mp4; }
  server {
    listen 127.0.0.1:%(port)d;
    root %(media)s;
    location /slow/ { alias %(media)s/; limit_rate %(rate)s; }
  }
}
""" % {"user": user, "root": root, "port": port, "media": self.media,
                "rate": THROTTLE})
        proc = subprocess.Popen(
            ["nginx", "-p", root, "-c", conf, "-g",
             "daemon off; pid %s/nginx.pid; error_log stderr;" % root],
            stdout=subprocess.DEVNULL, stderr=open(
                os.path.join(root, "error.log"), "w"))
        self.procs.append(proc)
        self.nginx = "http://127.0.0.1:%d" % port
        self.nginx_log = os.path.join(root, "access.log")
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), 0.1):
                    return
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError("nginx did not start: see %s/error.log" % root)

    def nginx_request(self, tag):
        """When nginx began to answer the request whose URL ends with
        @tag, on the monotonic clock, in µs."""
        offset = realtime_offset_us()
        with open(self.nginx_log) as f:
            for line in f:
                msec, took, status, size, uri = line.split()[:5]
                if uri.endswith(tag):
                    return int(round((float(msec) - float(took)) * 1e6)) - \
                        offset
        raise RuntimeError("nginx saw no request for %s" % tag)

    def run_process(self, cmd, base=None):
        """Runs @cmd to its exit; returns (start, exit) on the monotonic
        clock and its peak RSS in KiB (wait4's rusage)."""
        env = dict(self.env)
        if base:
            env["APIGO_BASE_URL"] = base
        with tempfile.TemporaryFile() as err:
            start = monotonic_us()
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                    stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            end = monotonic_us()
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                err.seek(0)
                raise RuntimeError("%s: exit %d: %s" % (
                    " ".join(cmd), proc.returncode, err.read().decode()))
        return start, end, usage.ru_maxrss

    def launch(self, prompt, cache, sink="fakesink"):
        return ["gst-launch-1.0", "-q"] + LAUNCH.format(
            cache=cache, prompt=prompt).split() + ["!", sink]

    def kept_clip(self, cache):
        clips = os.path.join(cache, "clips")
        found = [os.path.join(clips, n) for n in os.listdir(clips)
                 if n.endswith(".mp4")]
        if len(found) != 1:
            raise RuntimeError("no clip kept in %s: %s" % (clips, found))
        return found[0]

    def start_emulator(self, *options):
        """A new emulator; returns (base URL, log file, process)."""
        logfile = os.path.join(self.fresh_dir("emulator"), "requests.jsonl")
        with self.lock:
            proc = subprocess.Popen(
                [self.emulator, "--port", "0", "--api-key", KEY, "--quiet",
                 "--any-size", "--cache-dir", self.render_cache, "--log",
                 logfile] + list(options),
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                env=self.env)
            self.procs.append(proc)
        base = proc.stdout.readline().strip()
        if not base.startswith("http://"):
            raise RuntimeError("the emulator did not start")
        return base, logfile, proc

    def stop(self, proc):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def read_log(self, logfile):
        with open(logfile) as f:
            return [json.loads(line) for line in f if line.strip()]

    def api(self, base, method, path, body=None, agent="bench-orchestrator"):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(base + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + KEY)
        req.add_header("User-Agent", agent)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=60) as answer:
            return answer.read()

    # --- measuring programs ------------------------------------------

    def run_pipeline(self, desc, base=None, cancel=None, timeout=300,
                     first=False):
        env = dict(self.env)
        if base:
            env["APIGO_BASE_URL"] = base
        cmd = [self.bench_run, "--timeout", str(timeout)]
        if first:
            cmd += ["--first-buffer"]
        if cancel:
            cmd += ["--cancel-phase", cancel[0], "--cancel-after-ms",
                    str(cancel[1])]
        answer = subprocess.run(cmd + [desc], env=env, capture_output=True,
                                text=True, timeout=timeout + 30)
        try:
            result = json.loads(answer.stdout)
        except ValueError:
            raise RuntimeError("bench-run failed: %s" % answer.stderr)
        if result["result"] not in ("eos", "cancelled", "first-buffer"):
            raise RuntimeError("%s: %s %s" % (desc, result["result"],
                                              result.get("error", "")))
        return result

    def element(self, prompt, extra="", cache=None):
        return ELEMENT.format(cache=cache or self.fresh_dir("element-cache"),
                              prompt=prompt) + " " + extra

    def run_element(self, prompt, extra, base):
        """One element run whose kept clip is deleted right after: the
        next run must not share the disk with its write-back."""
        cache = self.fresh_dir("element-cache")
        try:
            return self.run_pipeline(self.element(prompt, extra, cache), base)
        finally:
            shutil.rmtree(cache, ignore_errors=True)

    def curl(self, url, output="/dev/null"):
        answer = subprocess.run(
            ["curl", "-sS", "--noproxy", "*", "-o", output, "-w",
             "%{size_download} %{time_total}", url],
            capture_output=True, text=True, check=True)
        size, total = answer.stdout.split()
        return int(size), float(total)

    # --- 1: fetch and keep, 4: memory ------------------------------------

    def content_request(self, logfile, after, before):
        """When the element asked for the content within a run."""
        times = [r["monotonic_time"] for r in self.read_log(logfile)
                 if r["route"] == "content" and after <= r["monotonic_time"]
                 <= before]
        if not times:
            raise RuntimeError("no content request in the run")
        return min(times)

    def bench_fetch_keep(self):
        runs = self.runs if self.quick else max(self.runs, 7)
        log("1. Fetch and keep, to process exit: %d runs of each client on "
            "a %.0f MB clip" % (runs, self.big_size / 1e6))
        big = "%s/%s" % (self.nginx, BIG[0])
        base, logfile, emu = self.start_emulator(
            "--generation-time", "0", "--content-redirect", big)
        ours, soup, curl = [], [], []
        # Loopback rates swing by 2x from run to run (where the scheduler
        # puts nginx and the client on 2 cores): at least 7 runs each.
        # Every file written is removed right after its run: the next run
        # must not share the disk with its write-back.
        for i in range(runs + 1):
            cache = self.fresh_dir("element-cache")
            start, end, _ = self.run_process(
                self.launch("bench-keep", cache), base)
            got = os.path.getsize(self.kept_clip(cache))
            assert got == self.big_size, got
            asked = self.content_request(logfile, start, end)
            shutil.rmtree(cache)
            # The first run of each warms up (GStreamer's registry).
            if i > 0:
                ours.append(self.big_size / ((end - asked) / 1e6) / 1e6)

            out = os.path.join(self.fresh_dir("souphttpsrc"), "clip.mp4")
            tag = "?bench=%d" % self.n
            start, end, _ = self.run_process([
                "gst-launch-1.0", "-q", "souphttpsrc", "location=" + big +
                tag, "!", "filesink", "location=" + out])
            assert os.path.getsize(out) == self.big_size
            asked = self.nginx_request(tag)
            os.unlink(out)
            if i > 0:
                soup.append(self.big_size / ((end - asked) / 1e6) / 1e6)

            out = os.path.join(self.fresh_dir("curl"), "clip.mp4")
            tag = "?bench=%d" % self.n
            start, end, _ = self.run_process([
                "curl", "-sS", "--noproxy", "*", "-o", out, big + tag])
            assert os.path.getsize(out) == self.big_size
            asked = self.nginx_request(tag)
            os.unlink(out)
            if i > 0:
                curl.append(self.big_size / ((end - asked) / 1e6) / 1e6)
        self.stop(emu)
        self.results["fetch_keep"] = {
            "ours_MBps": ours, "souphttpsrc_MBps": soup, "curl_MBps": curl}

    def bench_memory(self):
        log("4. Peak RSS of gst-launch-1.0 apigovideosrc: %d runs each of "
            "a %.0f MB and a %.0f MB clip" % (self.runs, self.tiny_size / 1e6,
                                              self.huge_size / 1e6))
        found = {}
        for name, clip in (("tiny", TINY), ("huge", HUGE)):
            base, logfile, emu = self.start_emulator(
                "--generation-time", "0", "--content-redirect",
                "%s/%s" % (self.nginx, clip[0]))
            found[name] = []
            for i in range(self.runs):
                cache = self.fresh_dir("element-cache")
                _, _, rss = self.run_process(
                    self.launch("bench-memory", cache), base)
                shutil.rmtree(cache)
                found[name].append(rss / 1024)
            self.stop(emu)
        self.results["memory"] = {"peak_rss_MiB_tiny": found["tiny"],
                                  "peak_rss_MiB_huge": found["huge"]}

    # --- 2: replay -------------------------------------------------------

    def bench_replay(self):
        runs = max(self.runs, 5)
        log("2. Replay, process start to first buffer: %d runs of each" %
            runs)
        found = {}
        for name, clip in (("big", BIG), ("small", SMALL)):
            base, logfile, emu = self.start_emulator(
                "--generation-time", "0", "--content-redirect",
                "%s/%s" % (self.nginx, clip[0]))
            cache = self.fresh_dir("replay-cache")
            self.run_process(self.launch("bench-replay", cache), base)
            kept = self.kept_clip(cache)
            requests = len(self.read_log(logfile))
            ours, theirs = [], []
            for i in range(runs + 1):
                start = monotonic_us()
                r = self.run_pipeline(
                    LAUNCH.format(cache=cache, prompt="bench-replay") +
                    " ! fakesink name=sink", base, first=True)
                if i > 0:
                    ours.append((r["t_first_buffer"] - start) / 1e3)
                start = monotonic_us()
                r = self.run_pipeline("filesrc location=%s ! fakesink "
                                      "name=sink" % kept, first=True)
                if i > 0:
                    theirs.append((r["t_first_buffer"] - start) / 1e3)
            # Played from the cache: not one request.
            assert len(self.read_log(logfile)) == requests
            self.stop(emu)
            shutil.rmtree(cache)
            found[name] = {"bytes": os.path.getsize(
                os.path.join(self.media, clip[0])), "ours_ms": ours,
                "filesrc_ms": theirs}
        self.results["replay"] = found

    # --- 3: noticing completion ---------------------------------------

    def baseline_poller(self, base, prompt, offset):
        """What the SDK helpers do: poll every second, then download.
        The emulator completes a task exactly generation-time after its
        create, a whole number of seconds: a loop started with the create
        would look just then, which no real service's random generation
        times allow.  Each loop is shifted by @offset (a share of the
        second, spread evenly over the loops) to stand for that."""
        agent = "bench-poll-1s"
        task = json.loads(self.api(base, "POST", "/videos", {
            "model": "sora-2", "prompt": prompt, "size": "64x64",
            "seconds": "1"}, agent))
        time.sleep(offset)
        while task["status"] not in ("completed", "failed"):
            time.sleep(1.0)
            task = json.loads(self.api(base, "GET", "/videos/" + task["id"],
                                       agent=agent))
        self.api(base, "GET", "/videos/%s/content" % task["id"], agent=agent)

    def notice_settings(self):
        """(generation seconds, progress stuck at 0) of comparison 3."""
        # Half a second more than whole: the emulator completes a task
        # exactly that long after its create, and a poll every 2 s from
        # the create would otherwise fall on that very moment.
        if self.quick:
            return [(20.5, False), (20.5, True)]
        return [(20.5, False), (60.5, False), (20.5, True), (60.5, True)]

    def bench_notice_one(self, gen, stuck):
        tasks = 2 if self.quick else 4
        base, logfile, emu = self.start_emulator(
            "--generation-time", str(gen), *(
                ["--progress-stuck"] if stuck else []))
        threads, errors = [], []
        # With progress stuck at 0 the element goes by the times earlier
        # generations of the kind took, kept in its cache: one generation
        # first (reported apart), then the measured ones, all with that
        # cache.  With moving progress, each has a fresh cache.
        learning = set()
        cache = self.fresh_dir("notice-cache") if stuck else None
        if stuck:
            self.run_pipeline(self.element(
                "bench notice first", "! fakesink name=sink", cache), base)
            learning = {r["video_id"] for r in self.read_log(logfile)
                        if r["route"] == "create" and r["video_id"]}

        def guard(fn, *a):
            try:
                fn(*a)
            except Exception as e:      # reported after the join
                errors.append(e)

        for k in range(tasks):
            threads.append(threading.Thread(target=guard, args=(
                self.run_pipeline, self.element(
                    "bench notice %d" % k, "! fakesink name=sink", cache),
                base)))
            threads.append(threading.Thread(target=guard, args=(
                self.baseline_poller, base, "bench baseline %d" % k,
                k / tasks)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]

        entries = self.read_log(logfile)
        created = {}
        for r in entries:
            if r["route"] == "create" and r["video_id"]:
                who = "theirs" if r["user_agent"] == "bench-poll-1s" else \
                    "first" if r["video_id"] in learning else "ours"
                created[r["video_id"]] = who
        found = {who: {"delay_s": [], "polls": []}
                 for who in ("ours", "theirs", "first")}
        for vid, who in created.items():
            task = json.loads(self.api(base, "GET", "/videos/" + vid))
            done = task["x_emulator"]["completed_monotonic"]
            mine = [r for r in entries if r["video_id"] == vid
                    and r["user_agent"] != "bench-orchestrator"]
            polls = sum(1 for r in mine if r["route"] == "retrieve")
            fetch = min(r["monotonic_time"] for r in mine
                        if r["route"] == "content")
            found[who]["delay_s"].append((fetch - done) / 1e6)
            found[who]["polls"].append(polls)
        self.stop(emu)
        found["generation_s"] = gen
        found["stuck"] = stuck
        found["tasks_each"] = tasks
        return found

    def bench_notice(self):
        results, errors = [], []

        def one(gen, stuck):
            try:
                results.append(self.bench_notice_one(gen, stuck))
            except Exception as e:
                errors.append(e)

        threads = [threading.Thread(target=one, args=setting)
                   for setting in self.notice_settings()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        results.sort(key=lambda f: (f["stuck"], f["generation_s"]))
        self.results["notice"] = results

    def bench_hints(self):
        answer = subprocess.run(
            [self.hints_prog, self.fresh_dir("hints"), self.render_cache],
            env=self.env, capture_output=True, text=True, timeout=180)
        if answer.returncode != 0:
            raise RuntimeError("bench-hints failed: %s" % answer.stderr)
        self.results["hints"] = json.loads(answer.stdout)

    # --- 6: time to first frame ---------------------------------------

    def bench_first_frame(self):
        log("6. First frame over a %s link: %d runs each" % (
            THROTTLE_TEXT, self.runs))
        slow = "%s/slow/%s" % (self.nginx, SMALL[0])
        base, logfile, emu = self.start_emulator(
            "--generation-time", "0", "--content-redirect", slow)
        ours, ours_dl, theirs = [], [], []
        for i in range(self.runs):
            r = self.run_pipeline(self.element(
                "bench first frame",
                "poll-interval=100 ! decodebin ! fakesink name=sink"), base)
            start = r["t_downloading"]
            ours.append((r["t_first_buffer"] - start) / 1e6)
            ours_dl.append((r["t_done"] - start) / 1e6)

            path = os.path.join(self.fresh_dir("download"), SMALL[0])
            size, total = self.curl(slow, path)
            assert size == self.small_size
            r = self.run_pipeline("filesrc location=%s ! decodebin ! "
                                  "fakesink name=sink" % path)
            theirs.append(total + (r["t_first_buffer"] - r["t_play"]) / 1e6)
            os.unlink(path)
        self.stop(emu)
        self.results["first_frame"] = {"ours_s": ours, "ours_download_s":
                                       ours_dl, "theirs_s": theirs}

    # --- 7: stopping -----------------------------------------------------

    def bench_cancel(self):
        log("7. Stopping in each phase: %d runs each" % self.runs)
        slow = "%s/slow/%s" % (self.nginx, BIG[0])
        setups = [
            ("create", "creating", 300, ("--create-delay", "30")),
            ("poll", "generating", 700, ("--generation-time", "60")),
            ("download", "downloading", 500, (
                "--generation-time", "0", "--content-redirect", slow)),
        ]
        found = {}
        for name, phase, after, options in setups:
            base, logfile, emu = self.start_emulator(*options)
            found[name] = []
            for i in range(self.runs):
                # Staggered, to stop in different moments of the phase.
                r = self.run_pipeline(self.element(
                    "bench cancel", "poll-interval=%d ! fakesink name=sink"
                    % 1000), base, cancel=(phase, after + 250 * i))
                assert r["result"] == "cancelled", r
                found[name].append(r["cancel_us"] / 1000)
            self.stop(emu)
        self.results["cancel_ms"] = found

    # --- 5: many elements ----------------------------------------------

    def bench_many(self):
        count = 16
        log("5. %d elements in one pipeline vs one: %d runs each" % (
            count, self.runs))
        small = "%s/%s" % (self.nginx, SMALL[0])
        base, logfile, emu = self.start_emulator(
            "--generation-time", "5", "--content-redirect", small)
        one, many = [], []
        for i in range(self.runs):
            r = self.run_pipeline(self.element("bench many 0",
                                               "! fakesink name=sink"), base)
            one.append((r["t_eos"] - r["t_play"]) / 1e6)
            desc = " ".join(self.element("bench many %d" % k, "! fakesink")
                            for k in range(count))
            r = self.run_pipeline(desc, base)
            many.append((r["t_eos"] - r["t_play"]) / 1e6)
        self.stop(emu)
        self.results["many"] = {"count": count, "one_s": one, "many_s": many}

    # --- the report ------------------------------------------------------

    def version(self, cmd, pattern):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True).stdout
            out += subprocess.run(cmd, capture_output=True, text=True).stderr
        except OSError:
            return "?"
        m = re.search(pattern, out)
        return m.group(1) if m else "?"

    def package(self, name):
        try:
            return subprocess.run(
                ["dpkg-query", "-W", "-f=${Version}", name],
                capture_output=True, text=True).stdout or "?"
        except OSError:
            return "?"

    def machine(self):
        model, mem = "?", "?"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    mem = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
        buildtype = "?"
        try:
            with open(os.path.join(self.build, "meson-info",
                                   "intro-buildoptions.json")) as f:
                for o in json.load(f):
                    if o["name"] == "buildtype":
                        buildtype = o["value"]
        except (OSError, ValueError):
            pass
        return {
            "date": datetime.datetime.now().astimezone().strftime(
                "%Y-%m-%d %H:%M %Z"),
            "cpu": "%s, %d cores" % (model, os.cpu_count()),
            "ram": mem,
            "kernel": platform.release(),
            "load average before": self.load,
            "GStreamer": self.version(["gst-launch-1.0", "--version"],
                                      r"GStreamer (\S+)"),
            "libsoup": self.package("libsoup-3.0-0"),
            "curl": self.version(["curl", "--version"], r"curl (\S+)"),
            "nginx": self.version(["nginx", "-v"], r"nginx/(\S+)"),
            "build": "%s (%s)" % (buildtype, self.build),
        }

    def table(self):
        res = self.results
        rows = []

        def row(what, ours, theirs, value, floor, met):
            rows.append("| %s | %s | %s | %s | %s | %s |" % (
                what, ours, theirs, value, floor, "yes" if met else "**no**"))

        t = res["fetch_keep"]
        o, sp, c = (median(t[k]) for k in ("ours_MBps", "souphttpsrc_MBps",
                                           "curl_MBps"))
        mb = self.big_size / 1e6
        row("1. fetch and keep %.0f MB, request to exit, vs souphttpsrc ! "
            "filesink" % mb, "%.0f MB/s" % o, "%.0f MB/s" % sp,
            "%.2fx" % (o / sp), ">= 1.0x", o >= sp)
        row("1. fetch and keep %.0f MB, request to exit, vs curl -o FILE" %
            mb, "%.0f MB/s" % o, "%.0f MB/s" % c, "%.2fx" % (o / c),
            ">= 0.9x", o >= 0.9 * c)
        for name in ("big", "small"):
            r = res["replay"][name]
            ob, fb = median(r["ours_ms"]), median(r["filesrc_ms"])
            row("2. replay kept %.0f MB clip: process start to first buffer"
                % (r["bytes"] / 1e6), "%.0f ms" % ob,
                "%.0f ms (filesrc)" % fb, "%+.0f ms" % (ob - fb),
                "<= +50 ms", ob - fb <= 50)
        for n in res["notice"]:
            what = "%g s generation%s" % (n["generation_s"], (
                ", progress stuck at 0" if n["stuck"] else ""))
            od = median(n["ours"]["delay_s"])
            td = median(n["theirs"]["delay_s"])
            op = median(n["ours"]["polls"])
            tp = median(n["theirs"]["polls"])
            row("3. %s: completion noticed after" % what, "%.2f s" % od,
                "%.2f s (1 s loop)" % td, "%.2f s" % od, "<= 0.5 s",
                od <= 0.5)
            row("3. %s: polls" % what, "%g" % op, "%g (1 s loop)" % tp,
                "%.2fx" % (op / tp), "<= 0.5x", op <= tp / 2)
            if n["first"]["polls"]:
                row("3. %s, first of its kind (nothing learned yet)" % what,
                    "%.2f s late, %g polls" % (
                        median(n["first"]["delay_s"]),
                        median(n["first"]["polls"])), "—", "", "(none)",
                    True)
        h = res["hints"]
        row("3. server hints honoured", "%d ms after Retry-After: %s; "
            "%d ms min gap with poll-after-ms %d" % (
                h["retry_after_gap_ms"], h["retry_after_s"],
                h["poll_after_min_gap_ms"], h["poll_after_ms"]), "—",
            "", "waits >= hint",
            h["retry_after_gap_ms"] >= h["retry_after_s"] * 1000 - 10 and
            h["poll_after_min_gap_ms"] >= h["poll_after_ms"] - 10)
        m = res["memory"]
        huge, tiny = median(m["peak_rss_MiB_huge"]), median(
            m["peak_rss_MiB_tiny"])
        row("4. peak RSS, gst-launch-1.0, %.0f MB vs %.0f MB clip" % (
            self.huge_size / 1e6, self.tiny_size / 1e6), "%.1f MiB" % huge,
            "%.1f MiB" % tiny, "%+.1f MiB" % (huge - tiny), "<= +16 MiB",
            huge - tiny <= 16)
        g = res["many"]
        one, many = median(g["one_s"]), median(g["many_s"])
        row("5. %d elements vs 1, to EOS" % g["count"], "%.2f s" % many,
            "%.2f s (one)" % one, "%.2fx" % (many / one), "<= 1.5x",
            many <= 1.5 * one)
        f = res["first_frame"]
        of, od, tf = (median(f[k]) for k in ("ours_s", "ours_download_s",
                                             "theirs_s"))
        row("6. first frame, %.0f MB faststart at %s" % (
            self.small_size / 1e6, THROTTLE_TEXT), "%.2f s" % of,
            "%.2f s (curl, then filesrc)" % tf, "%.2fx; download %.2f s" % (
                of / tf, od), "before the download ends, and ahead",
            max(f["ours_s"]) < min(f["ours_download_s"]) and of < tf)
        for phase, values in res["cancel_ms"].items():
            row("7. stop during %s" % phase, "%.1f ms (max %.1f)" % (
                median(values), max(values)), "—", "", "<= 100 ms",
                max(values) <= 100)
        return rows

    def report(self, elapsed):
        info = self.machine()
        lines = ["## Results", "",
                 "`tools/bench/run-bench.sh%s`: median of %d runs (%d for "
                 "1, %d for 2, %d tasks of each kind for 3), %.0f s in "
                 "all." % (
                     " --quick" if self.quick else "", self.runs,
                     len(self.results["fetch_keep"]["ours_MBps"]),
                     len(self.results["replay"]["big"]["ours_ms"]),
                     self.results["notice"][0]["tasks_each"], elapsed), "",
                 "| comparison | ours | theirs | ratio / value | floor | "
                 "met |", "|---|---|---|---|---|---|"]
        lines += self.table()
        lines += ["", "| machine | |", "|---|---|"]
        lines += ["| %s | %s |" % (k, v) for k, v in info.items()]
        text = "\n".join(lines) + "\n"
        os.makedirs(self.out_dir, exist_ok=True)
        with open(os.path.join(self.out_dir, "results.md"), "w") as f:
            f.write(text)
        with open(os.path.join(self.out_dir, "raw.json"), "w") as f:
            json.dump({"machine": info, "results": self.results}, f,
                      indent=1)
        print(text)
        log("Written to %s/results.md (every run: raw.json)" % self.out_dir)

    def main(self):
        begin = time.monotonic()
        with open("/proc/loadavg") as f:
            self.load = " ".join(f.read().split()[:3])
        try:
            self.make_media()
            self.start_nginx()
            # Quiet first: throughput and latency want the machine.
            self.bench_fetch_keep()
            self.bench_replay()
            self.bench_memory()
            # The long waits of 3 beside the rest: they are mostly sleep.
            log("3. Completion noticed: %s, beside 5-7" % ", ".join(
                "%g s%s" % (g, " (progress stuck)" if st else "")
                for g, st in self.notice_settings()))
            errors = []

            def notice():
                try:
                    self.bench_notice()
                    self.bench_hints()
                except Exception as e:
                    errors.append(e)

            waiting = threading.Thread(target=notice)
            waiting.start()
            self.bench_first_frame()
            self.bench_cancel()
            self.bench_many()
            waiting.join()
            if errors:
                raise errors[0]
            self.report(time.monotonic() - begin)
        finally:
            for proc in self.procs:
                self.stop(proc)
            shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", required=True, help="the build directory")
    parser.add_argument("--source", required=True, help="the source tree")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs of each measurement (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="20.5 s generations only for comparison 3, "
                        "1 run of each (5 of comparison 2)")
    args = parser.parse_args()
    if args.quick and args.runs == 3:
        args.runs = 1
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    Bench(args).main()


if __name__ == "__main__":
    main()
