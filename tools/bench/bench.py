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
THROTTLE = "2m"                                     # nginx: 2 MiB/s
THROTTLE_TEXT = "2 MiB/s"
ELEMENT = ("apigovideosrc size=64x64 seconds=1 reuse=false "
           "cache-dir={cache} prompt=\"{prompt}\"")


def log(text):
    print(text, file=sys.stderr, flush=True)


def median(values):
    return statistics.median(values) if values else float("nan")


def monotonic_us():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000


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
        for name, width, height, frames, kbps in (BIG, SMALL):
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
  access_log off;
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
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), 0.1):
                    return
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError("nginx did not start: see %s/error.log" % root)

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

    def run_pipeline(self, desc, base=None, cancel=None, timeout=300):
        env = dict(self.env)
        if base:
            env["APIGO_BASE_URL"] = base
        cmd = [self.bench_run, "--timeout", str(timeout)]
        if cancel:
            cmd += ["--cancel-phase", cancel[0], "--cancel-after-ms",
                    str(cancel[1])]
        answer = subprocess.run(cmd + [desc], env=env, capture_output=True,
                                text=True, timeout=timeout + 30)
        try:
            result = json.loads(answer.stdout)
        except ValueError:
            raise RuntimeError("bench-run failed: %s" % answer.stderr)
        if result["result"] not in ("eos", "cancelled"):
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

    # --- 1 and 2: throughput and memory -------------------------------

    def content_request(self, logfile, after, before):
        """When the element asked for the content within a run."""
        times = [r["monotonic_time"] for r in self.read_log(logfile)
                 if r["route"] == "content" and after <= r["monotonic_time"]
                 <= before]
        if not times:
            raise RuntimeError("no content request in the run")
        return min(times)

    def bench_throughput(self):
        log("1/2. Throughput and memory: %d runs of each client on a %.0f MB "
            "clip" % (self.runs if self.quick else max(self.runs, 7),
                      self.big_size / 1e6))
        big = "%s/%s" % (self.nginx, BIG[0])
        small = "%s/%s" % (self.nginx, SMALL[0])
        base, logfile, emu = self.start_emulator(
            "--generation-time", "0", "--content-redirect", big)
        ours, soup, curl, rss_big = [], [], [], []
        # Loopback rates swing by 2x from run to run (where the scheduler
        # puts nginx and the client on 2 cores): at least 7 runs each.
        for i in range(self.runs if self.quick else max(self.runs, 7)):
            r = self.run_element("bench throughput",
                                 "poll-interval=100 ! fakesink name=sink", base)
            assert r["bytes"] == self.big_size, r
            start = self.content_request(logfile, r["t_play"], r["t_eos"])
            ours.append(r["bytes"] / ((r["t_eos"] - start) / 1e6) / 1e6)
            rss_big.append(r["peak_rss_kib"] / 1024)

            r = self.run_pipeline("souphttpsrc location=%s ! fakesink "
                                  "name=sink" % big)
            assert r["bytes"] == self.big_size, r
            soup.append(r["bytes"] / ((r["t_eos"] - r["t_play"]) / 1e6) / 1e6)

            size, total = self.curl(big)
            assert size == self.big_size
            curl.append(size / total / 1e6)
        self.stop(emu)

        base, logfile, emu = self.start_emulator(
            "--generation-time", "0", "--content-redirect", small)
        rss_small = []
        for i in range(self.runs):
            r = self.run_element("bench throughput",
                                 "poll-interval=100 ! fakesink name=sink", base)
            assert r["bytes"] == self.small_size, r
            rss_small.append(r["peak_rss_kib"] / 1024)
        self.stop(emu)

        self.results["throughput"] = {
            "ours_MBps": ours, "souphttpsrc_MBps": soup, "curl_MBps": curl}
        self.results["memory"] = {"peak_rss_MiB_big": rss_big,
                                  "peak_rss_MiB_small": rss_small}

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

    def bench_notice(self):
        gen = 20 if self.quick else 60
        tasks = 2 if self.quick else 4
        base, logfile, emu = self.start_emulator("--generation-time",
                                                 str(gen))
        threads, errors = [], []

        def guard(fn, *a):
            try:
                fn(*a)
            except Exception as e:      # reported after the join
                errors.append(e)

        for k in range(tasks):
            threads.append(threading.Thread(target=guard, args=(
                self.run_pipeline, self.element(
                    "bench notice %d" % k, "! fakesink name=sink"), base)))
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
                    "ours"
                created[r["video_id"]] = who
        found = {"ours": {"delay_s": [], "polls": []},
                 "theirs": {"delay_s": [], "polls": []}}
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
        found["tasks_each"] = tasks
        self.results["notice"] = found

    def bench_hints(self):
        answer = subprocess.run(
            [self.hints_prog, self.fresh_dir("hints"), self.render_cache],
            env=self.env, capture_output=True, text=True, timeout=180)
        if answer.returncode != 0:
            raise RuntimeError("bench-hints failed: %s" % answer.stderr)
        self.results["hints"] = json.loads(answer.stdout)

    # --- 4: time to first frame ---------------------------------------

    def bench_first_frame(self):
        log("4. First frame over a %s link: %d runs each" % (
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

    # --- 5: stopping -----------------------------------------------------

    def bench_cancel(self):
        log("5. Stopping in each phase: %d runs each" % self.runs)
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

    # --- 6: many elements ----------------------------------------------

    def bench_many(self):
        count = 16
        log("6. %d elements in one pipeline vs one: %d runs each" % (
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

        t = res["throughput"]
        o, s, c = (median(t[k]) for k in ("ours_MBps", "souphttpsrc_MBps",
                                          "curl_MBps"))
        mb = self.big_size / 1e6
        row("1. download %.0f MB, vs souphttpsrc" % mb, "%.0f MB/s" % o,
            "%.0f MB/s" % s, "%.2fx" % (o / s), ">= 1.0x", o >= s)
        row("1. download %.0f MB, vs curl" % mb, "%.0f MB/s" % o,
            "%.0f MB/s" % c, "%.2fx" % (o / c), ">= 0.9x", o >= 0.9 * c)
        m = res["memory"]
        big, small = median(m["peak_rss_MiB_big"]), median(
            m["peak_rss_MiB_small"])
        row("2. peak RSS, %.0f MB vs %.0f MB clip" % (
            mb, self.small_size / 1e6), "%.1f MiB" % big,
            "%.1f MiB" % small, "%+.1f MiB" % (big - small), "<= +16 MiB",
            big - small <= 16)
        n = res["notice"]
        od, td = median(n["ours"]["delay_s"]), median(n["theirs"]["delay_s"])
        op, tp = median(n["ours"]["polls"]), median(n["theirs"]["polls"])
        row("3. completion noticed after (%d s generation)" %
            n["generation_s"], "%.2f s" % od, "%.2f s (1 s loop)" % td,
            "%.2f s" % od, "<= 0.5 s", od <= 0.5)
        row("3. polls per generation", "%g" % op, "%g" % tp,
            "%.2fx" % (op / tp), "<= 0.5x", op <= tp / 2)
        h = res["hints"]
        row("3. server hints honoured", "%d ms after Retry-After: %s; "
            "%d ms min gap with poll-after-ms %d" % (
                h["retry_after_gap_ms"], h["retry_after_s"],
                h["poll_after_min_gap_ms"], h["poll_after_ms"]), "—",
            "", "waits >= hint",
            h["retry_after_gap_ms"] >= h["retry_after_s"] * 1000 - 10 and
            h["poll_after_min_gap_ms"] >= h["poll_after_ms"] - 10)
        f = res["first_frame"]
        of, od, tf = (median(f[k]) for k in ("ours_s", "ours_download_s",
                                             "theirs_s"))
        row("4. first frame, %.0f MB faststart at %s" % (
            self.small_size / 1e6, THROTTLE_TEXT), "%.2f s" % of,
            "%.2f s (curl, then filesrc)" % tf, "%.2fx; download %.2f s" % (
                of / tf, od), "before the download ends, and ahead",
            max(f["ours_s"]) < min(f["ours_download_s"]) and of < tf)
        for phase, values in res["cancel_ms"].items():
            row("5. stop during %s" % phase, "%.1f ms (max %.1f)" % (
                median(values), max(values)), "—", "", "<= 100 ms",
                max(values) <= 100)
        g = res["many"]
        one, many = median(g["one_s"]), median(g["many_s"])
        row("6. %d elements vs 1, to EOS" % g["count"], "%.2f s" % many,
            "%.2f s (one)" % one, "%.2fx" % (many / one), "<= 1.5x",
            many <= 1.5 * one)
        return rows

    def report(self, elapsed):
        info = self.machine()
        lines = ["## Results", "",
                 "`tools/bench/run-bench.sh%s`: median of %d runs (%d for "
                 "1, %d tasks of each kind for 3), %.0f s in all." % (
                     " --quick" if self.quick else "", self.runs,
                     len(self.results["throughput"]["ours_MBps"]),
                     self.results["notice"]["tasks_each"], elapsed), "",
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
            # Quiet first: throughput wants the machine to itself.
            self.bench_throughput()
            # The long wait of 3 runs beside the rest: it is mostly sleep.
            log("3. Completion noticed: %s s generations, beside 4-6" % (
                20 if self.quick else 60))
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
                        help="a 20 s generation for comparison 3, 1 run")
    args = parser.parse_args()
    if args.quick and args.runs == 3:
        args.runs = 1
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    Bench(args).main()


if __name__ == "__main__":
    main()
