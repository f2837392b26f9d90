#!/usr/bin/env python3
"""Writes docs/BENCHMARKS.md from one bench/run results folder (bench/target/run-*/).

Usage: python3 bench/report.py RESULTS_DIR OUT_MD
Every figure is the median over the rounds, with its spread (min-max) beside it.
"""
import glob
import json
import os
import statistics
import subprocess
import sys
from collections import Counter, defaultdict

out_dir, out_md = sys.argv[1], sys.argv[2]
machine = json.load(open(os.path.join(out_dir, "machine.json")))
rounds = sorted(glob.glob(os.path.join(out_dir, "round-*")), key=lambda p: int(p.rsplit("-", 1)[1]))
load_end = open(os.path.join(out_dir, "load-at-end")).read().strip() if os.path.exists(
    os.path.join(out_dir, "load-at-end")) else "?"


def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values, fmt="{:.0f}"):
    values = [v for v in values if v is not None]
    if not values:
        return "not measured"
    m = statistics.median(values)
    if len(values) == 1:
        return fmt.format(m)
    return f"{fmt.format(m)} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def get(d, *keys):
    for k in keys:
        if d is None:
            return None
        d = d.get(k) if isinstance(d, dict) else None
    return d


# ---- throughput ---------------------------------------------------------------------------------
http = defaultdict(list)  # (system, kind, connections) -> [result per round]
for r in rounds:
    for f in glob.glob(os.path.join(r, "http", "*.json")):
        res = load(f)
        if res:
            http[(res["system"], res["kind"], res["connections"])].append(res)

SYSTEMS = ["preflight", "bolt-jetty", "bare-vertx"]
NAMES = {"preflight": "Preflight", "bolt-jetty": "Bolt-Jetty", "bare-vertx": "bare Vert.x"}
KINDS = {"slash": "slash command (`/checklist list`)", "deploys": "slash command (`/deploys`, reads the database)", "action": "block action (Rollback, unknown run)",
         "rejected": "rejected (bad signature, 401)"}


def after(rs):
    """What a run left behind: seconds until the server was idle again, and that CPU per request."""
    rs = [x for x in rs if "settle_s" in x]
    if not rs:
        return "not measured"
    cpu = [1000 * x["settle_cpu_s"] / x["requests"] for x in rs if x["requests"]]
    return f"{spread([x['settle_s'] for x in rs], '{:.1f}')} ({spread(cpu, '{:.2f}')})"


def rps(system, kind, c):
    return med([x["rps"] for x in http.get((system, kind, c), [])])


def ratio(a, b):
    return a / b if a and b else None


targets = []  # (target, measured, met: True/False/None)


def target(text, measured, met):
    targets.append((text, measured, met))


lines = []
w = lines.append
w("# Benchmarks")
w("")
w("Written by `bash bench/run` (issue 13); do not edit by hand. Reproduce with `bash bench/run`")
w("(three rounds, about 30 minutes) or `bash bench/run --quick` (one short round, a smoke test).")
w("")
w("## Machine and run")
w("")
w(f"- CPU: {machine['cpu']}, `nproc` = {machine['nproc']}, memory {machine['mem_total_kb'] // 1024} MB, "
  f"kernel {machine['kernel']}")
w(f"- JDK: {machine['java']}; load: {machine['wrk']}")
done_rounds = sum(1 for r in rounds if glob.glob(os.path.join(r, "*.json")) or glob.glob(os.path.join(r, "http", "*.json")))
w(f"- date: {machine['started']}; commit {machine['commit']}; {done_rounds} of {machine['rounds']} round(s) ran, "
  f"{machine['duration_s']} s of load per wrk run")
w(f"- load average (1, 5, 15 min) at the start: {machine['load_at_start']}; at the end: "
  f"{load_end.replace('load at the end: ', '')} (the benchmark's own processes count: wrk, the fakes "
  f"and the servers share the 2 cores). Absolute figures move with whatever else runs on the machine; "
  f"the ratios come from the same rounds.")
w(f"- JVM flags of all three servers: `{machine['bot_flags'].strip()}` (the image's `jvmFlags` from "
  f"`bot/pom.xml`, with `MaxRAM` set to the pod's memory limit from `deploy/kubernetes/deployment.yaml`)")
preflight_flags = machine.get("preflight_flags", machine["bot_flags"]).strip()
if preflight_flags != machine["bot_flags"].strip():
    w(f"- Preflight alone also starts with its class-data archive (opt-in; left out of the one run recorded with JFR): "
      f"`{preflight_flags[len(machine['bot_flags'].strip()):].strip()}` (docs/packaging.md, \"Start-up\")")
w("")
w("Figures are medians over the rounds, with the spread (lowest–highest round) in brackets.")
w("")

w("## Ack throughput and latency (wrk, pre-signed requests, 2 threads)")
w("")
w("| request | conns | system | requests/s | p50 ms | p99 ms | p99.9 ms | answers | server CPU ms / request | after the load: s until idle (CPU ms / request) |")
w("|---|---|---|---|---|---|---|---|---|---|")
for kind in KINDS:
    for c in ((32,) if kind == "deploys" else (32, 128)):
        for s in SYSTEMS:
            rs = http.get((s, kind, c), [])
            if not rs:
                w(f"| {KINDS[kind]} | {c} | {NAMES[s]} | not measured | | | | | | |")
                continue
            answers = Counter()
            for x in rs:
                answers["200"] += x["status_200"]
                answers["401"] += x["status_401"]
                answers["other"] += x["status_other"]
                answers["socket errors"] += x["socket_errors"]
            ans = ", ".join(f"{k}: {v}" for k, v in answers.items() if v)
            cpu = [1000 * x["server_cpu_s"] / x["requests"] for x in rs if x["requests"]]
            w(f"| {KINDS[kind]} | {c} | {NAMES[s]} | {spread([x['rps'] for x in rs])} | "
              f"{spread([x['p50_ms'] for x in rs], '{:.1f}')} | {spread([x['p99_ms'] for x in rs], '{:.1f}')} | "
              f"{spread([x['p999_ms'] for x in rs], '{:.1f}')} | {ans} | {spread(cpu, '{:.2f}')} | {after(rs)} |")
w("")
w("Ratios of the median throughputs:")
w("")
w("| request | conns | Preflight / Bolt-Jetty | Preflight / bare Vert.x |")
w("|---|---|---|---|")
for kind in KINDS:
    for c in ((32,) if kind == "deploys" else (32, 128)):
        a = ratio(rps("preflight", kind, c), rps("bolt-jetty", kind, c))
        b = ratio(rps("preflight", kind, c), rps("bare-vertx", kind, c))
        w(f"| {KINDS[kind]} | {c} | {'%.2f×' % a if a else '–'} | {'%.2f×' % b if b else '–'} |")
w("")
slash_bolt = [ratio(rps("preflight", "slash", c), rps("bolt-jetty", "slash", c)) for c in (32, 128)]
slash_bare = [ratio(rps("preflight", "slash", c), rps("bare-vertx", "slash", c)) for c in (32, 128)]
action_bolt = [ratio(rps("preflight", "action", c), rps("bolt-jetty", "action", c)) for c in (32, 128)]


def all_at_least(values, bound):
    values = [v for v in values if v is not None]
    return (min(values) >= bound) if values else None


def fmt_ratios(values):
    return ", ".join("%.2f×" % v if v else "–" for v in values) + " (32, 128 connections)"


target("slash-command ack throughput ≥ 2× Bolt-Jetty", fmt_ratios(slash_bolt), all_at_least(slash_bolt, 2.0))
target("slash-command ack throughput ≥ 0.5× bare Vert.x", fmt_ratios(slash_bare), all_at_least(slash_bare, 0.5))
target("block-action ack throughput ≥ Bolt-Jetty", fmt_ratios(action_bolt), all_at_least(action_bolt, 1.0))

# ---- lifecycle ----------------------------------------------------------------------------------
life = [load(os.path.join(r, "lifecycle.json")) for r in rounds]
life = [x for x in life if x]
w("## The bot as a process")
w("")
w("The packaged jar with the container flags, against the test fakes (Slack, ECS) over HTTP and a")
w("PostgreSQL of its own (`bench/harness/.../Lifecycle.java`). Runs in flight are `/checklist` runs")
w("whose one HTTP check is held open by the harness; the ack probe sends 20 signed `/checklist list`")
w("commands a second for 8 s, not at saturation, and times each answer; one such probe warms the")
w("bot up before the idle figures.")
w("")
w("| figure | value |")
w("|---|---|")


def lrow(label, key, fmt="{:.0f}", unit=""):
    w(f"| {label} | {spread([get(x, *key) if isinstance(key, tuple) else x.get(key) for x in life], fmt)}{unit} |")


lrow("start → ready, external PostgreSQL, already migrated (ms)", "ready_external_ms")
lrow("the same start's CPU time until ready (ms, user + system)", "ready_external_cpu_ms")
lrow("start → ready, external PostgreSQL, first start: runs every migration (ms)", "ready_external_first_ms")
lrow("start → ready, embedded PostgreSQL, data directory exists (ms)", "ready_embedded_ms")
lrow("the same start's CPU time until ready (ms, user + system)", "ready_embedded_cpu_ms")
lrow("start → ready, embedded PostgreSQL, first start with initdb (ms)", "ready_embedded_first_ms")
lrow("RSS idle (MB)", "idle_rss_mb")
lrow("live heap idle (MB, after a full GC)", "idle_live_heap_mb", "{:.1f}")
lrow("RSS with 500 runs in flight (MB)", "loaded_rss_mb")
lrow("live heap with 500 runs in flight (MB)", "loaded_live_heap_mb", "{:.1f}")
for label, key in (("0 runs in flight", "ack_0_runs"), ("100 runs in flight", "ack_100_runs"),
                   ("500 runs in flight", "ack_500_runs"), ("while 250 results land at once", "ack_while_250_land")):
    w(f"| ack latency, {label}: p50 / p99 / p99.9 / max ms | "
      f"{spread([get(x, key, 'p50_ms') for x in life], '{:.1f}')} / "
      f"{spread([get(x, key, 'p99_ms') for x in life], '{:.1f}')} / "
      f"{spread([get(x, key, 'p999_ms') for x in life], '{:.1f}')} / "
      f"{spread([get(x, key, 'max_ms') for x in life], '{:.1f}')} "
      f"(failed answers: {sum(get(x, key, 'failed') or 0 for x in life)}) |")
w(f"| Rollback click → `UpdateService` at the fake ECS, p50 / p99 / max ms "
  f"({sum(get(x, 'rollback', 'count') or 0 for x in life)} rollbacks in all) | "
  f"{spread([get(x, 'rollback', 'p50_ms') for x in life], '{:.1f}')} / "
  f"{spread([get(x, 'rollback', 'p99_ms') for x in life], '{:.1f}')} / "
  f"{spread([get(x, 'rollback', 'max_ms') for x in life], '{:.1f}')} |")
w("")
errors = [(i + 1, x["rollback_error"]) for i, x in enumerate(life) if x.get("rollback_error")]
for i, e in errors:
    w(f"- round {i}: the rollback benchmark failed: `{e}`")
if not life:
    w("No round of the process benchmarks finished; see `lifecycle.log` in the results folder.")
w("")
rb = [get(x, "rollback", "p99_ms") for x in life]
target("Rollback click → UpdateService p99 < 100 ms with 500 runs in flight and results landing",
       spread(rb, "{:.1f}") + " ms", (max(v for v in rb if v is not None) < 100) if any(rb) else None)
rss = [x.get("loaded_rss_mb") for x in life]
heap = [x.get("loaded_live_heap_mb") for x in life]
target("RSS < 300 MB with 500 runs in flight", spread(rss) + " MB", (med(rss) < 300) if med(rss) else None)
target("live heap < 64 MB with 500 runs in flight", spread(heap, "{:.1f}") + " MB",
       (med(heap) < 64) if med(heap) else None)
ext = [x.get("ready_external_ms") for x in life]
emb = [x.get("ready_embedded_ms") for x in life]
target("start → ready < 2 s with an external database (already migrated)", spread(ext) + " ms",
       (med(ext) < 2000) if med(ext) else None)
target("start → ready < 3 s with the embedded database (data directory exists)", spread(emb) + " ms",
       (med(emb) < 3000) if med(emb) else None)

# ---- in process ---------------------------------------------------------------------------------
fan = [x for x in (load(os.path.join(r, "fanout.json")) for r in rounds) if x]
ecs = [x for x in (load(os.path.join(r, "ecs.json")) for r in rounds) if x]
chk = [x for x in (load(os.path.join(r, "checks.json")) for r in rounds) if x]
w("## In process")
w("")
w("The bot's own classes against the test fakes, in one JVM (`bench/harness/src/main/java/dev/preflight/`).")
w("")
w("| figure | value |")
w("|---|---|")
if fan:
    w(f"| fan-out: {fan[0]['runs']} runs × {fan[0]['results_per_run']} results, tiers per scaled minute of "
      f"{fan[0]['scaled_minute_s']} s: seconds until every message is final | "
      f"{spread([x['seconds_to_all_final'] for x in fan], '{:.1f}')} |")
    w(f"| fan-out: `chat.postMessage` / `chat.update` calls | {spread([x['chat_postMessage'] for x in fan])} / "
      f"{spread([x['chat_update'] for x in fan])} |")
    w(f"| fan-out: HTTP 429 answers | {spread([x['http_429'] for x in fan])} |")
    w(f"| fan-out: most edits of one message in any second | "
      f"{spread([x['max_edits_per_message_in_any_second'] for x in fan])} |")
    w(f"| fan-out: messages final | {spread([x['final_messages'] for x in fan])} of {fan[0]['runs']} |")
else:
    w("| fan-out | not measured |")
if ecs:
    w(f"| ECS: {ecs[0]['services']} deploys of one cluster followed at once (poll every 1 s): "
      f"most `DescribeServices` calls in one round | {spread([x['max_describe_calls_per_round'] for x in ecs])} |")
    w(f"| ECS: `DescribeServices` calls in each 1 s poll round of the first run, in order | "
      f"{' '.join(str(n) for n in ecs[0]['describe_calls_per_round'])} |")
    if all(x.get("services_per_describe_call") for x in ecs):
        w(f"| ECS: services named per `DescribeServices` call (10 is full batches) | "
          f"{spread([x['services_per_describe_call'] for x in ecs], '{:.2f}')} |")
    if all("max_calls_over_full_batches" in x for x in ecs):
        w(f"| ECS: calls in a round beyond ceil(services it described ÷ 10), worst round (0 is full batches) | "
          f"{spread([x['max_calls_over_full_batches'] for x in ecs])} |")
        w(f"| ECS: services described twice in one round | "
          f"{spread([x['services_named_twice_in_a_round'] for x in ecs])} |")
    w(f"| ECS: `DescribeServices` calls in all / seconds until every deploy ended | "
      f"{spread([x['describe_services_calls'] for x in ecs])} / {spread([x['seconds'] for x in ecs], '{:.1f}')} |")
    w(f"| ECS: deploys succeeded of {ecs[0]['services']} (failures by reason, all rounds) | "
      f"{spread([x['succeeded'] for x in ecs])} "
      f"({'; '.join(f'{k}: {v}' for k, v in sum((Counter(x.get('failures', {})) for x in ecs), Counter()).items()) or 'none'}) |")
else:
    w("| ECS following | not measured |")
if chk:
    w(f"| {chk[0]['checks']} HTTP checks at once: wall time ms / slowest single check alone ms | "
      f"{spread([x['wall_ms'] for x in chk])} / {spread([x['slowest_alone_ms'] for x in chk])} |")
    w(f"| {chk[0]['checks']} HTTP checks at once: wall time ÷ slowest single check | "
      f"{spread([x['ratio'] for x in chk], '{:.2f}')} |")
    if all("cpu_ms" in x for x in chk):
        w(f"| the same: CPU time of the batch, the endpoint's included (ms, {chk[0]['cores']} cores) | "
          f"{spread([x['cpu_ms'] for x in chk])} |")
    if all("endpoint_cpu_ms" in x for x in chk):
        w(f"| the same: the endpoint's share of that CPU time (ms; its own event loops) | "
          f"{spread([x['endpoint_cpu_ms'] for x in chk])} |")
    if all("jit_ms" in x and "gc_ms" in x for x in chk):
        w(f"| the same: JIT compiling / garbage collection during the batch (ms) | "
          f"{spread([x['jit_ms'] for x in chk])} / {spread([x['gc_ms'] for x in chk])} |")
    if all("last_request_received_ms" in x for x in chk):
        w(f"| the same: the endpoint had the last request after (ms) | "
          f"{spread([x['last_request_received_ms'] for x in chk])} |")
    if all("warmup_batches" in x for x in chk):
        w(f"| the same: warm-up batches before it (until the JIT settled) | "
          f"{spread([x['warmup_batches'] for x in chk])} |")
    if all("cold_ratio" in x for x in chk):
        w(f"| the same, first batch of the process (JIT still compiling) | "
          f"{spread([x['cold_ratio'] for x in chk], '{:.2f}')} |")
else:
    w("| 1,000 checks | not measured |")
w("")
if fan:
    target("fan-out: 0 HTTP 429", spread([x["http_429"] for x in fan]), all(x["http_429"] == 0 for x in fan))
    target("fan-out: ≤ 1 edit per message per second",
           spread([x["max_edits_per_message_in_any_second"] for x in fan]),
           all(x["max_edits_per_message_in_any_second"] <= 1 for x in fan))
    target("fan-out: every message final", spread([x["final_messages"] for x in fan]) + f" of {fan[0]['runs']}",
           all(x["all_final"] for x in fan))
if ecs:
    # The busiest 1 s round; the table also gives how full the batches were on average (the last
    # polls of a rollout that ends early make a few partial batches).
    per10 = [x["max_describe_calls_per_round"] / (x["services_per_cluster"] / 10) for x in ecs]
    # Where the harness counts it, no round may make more calls than its services in tens need.
    full = all(x.get("max_calls_over_full_batches", 0) == 0 for x in ecs)
    followed = all(x["succeeded"] == x["services"] for x in ecs)
    target("ECS following: ≤ 1 DescribeServices call per 10 services per cluster per round",
           spread(per10, "{:.1f}") + " calls per 10 services"
           + ("" if followed else f"; but only {spread([x['succeeded'] for x in ecs])} of {ecs[0]['services']} "
              "deploys were followed to the end (the others failed, see the table above), so the rounds were "
              "not the rounds of 1,000 rollouts"),
           followed and full and all(v <= 1 for v in per10))
if chk:
    target("1,000 checks finish within 1.5× the slowest single check", spread([x["ratio"] for x in chk], "{:.2f}") + "×",
           all(x["ratio"] <= 1.5 for x in chk))

# ---- targets ------------------------------------------------------------------------------------
w("## Targets (issue 13, line 3)")
w("")
w("| target | measured | |")
w("|---|---|---|")
for text, measured, met in targets:
    w(f"| {text} | {measured} | {'met' if met else ('**missed**' if met is False else 'not measured')} |")
w("")


# ---- profiles -----------------------------------------------------------------------------------
def top_frames(jfr, limit=15, skip_threads=frozenset()):
    """Counts samples by top frame, by the first Preflight frame, by package on the stack and by thread,
    leaving out the samples of the threads whose Java ids are in skip_threads."""
    try:
        text = subprocess.run(["jfr", "print", "--stack-depth", "40", "--events", "jdk.ExecutionSample", jfr],
                              capture_output=True, text=True, timeout=600).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None, None
    import re
    tops, ours, packages, threads, samples = Counter(), Counter(), Counter(), Counter(), 0
    in_stack, frames, skipped = False, [], False

    def close(frames):
        if not frames:
            return
        tops[frames[0]] += 1
        own = next((f for f in frames if f.startswith("dev.preflight.")), None)
        ours[own or "(no Preflight frame in the top 40)"] += 1
        for pkg in {".".join(f.split("(")[0].split(".")[:3]) for f in frames}:
            packages[pkg] += 1

    for line in text.splitlines():
        st = line.strip()
        if st.startswith("sampledThread = "):
            name = st.split("=", 1)[1].strip().split('"')[1] if '"' in st else st
            thread_id = re.search(r"javaThreadId = (\d+)", st)
            skipped = bool(thread_id) and thread_id.group(1) in skip_threads
            if not skipped:
                threads[re.sub(r"\d+", "N", name)] += 1
        elif st.startswith("stackTrace = ["):
            in_stack, frames = True, []
            if not skipped:
                samples += 1
        elif in_stack:
            if st.startswith("]"):
                in_stack = False
                if not skipped:
                    close(frames)
            elif st and st != "...":
                frames.append(st.split("line:")[0].strip())
    return samples, (tops.most_common(limit), ours.most_common(limit), packages.most_common(limit),
                     threads.most_common(8))


missed = [t for t in targets if t[2] is False]
w("## Profiles")
w("")
if missed:
    w("Targets were missed, so here is what the bot spent its CPU on, from flight")
    w("recordings (`-XX:StartFlightRecording`, settings=profile) of the bot under the wrk load and")
    w("during the process benchmarks, and of five warm batches after the 1,000 checks' measured one:")
    w("`jfr print --events jdk.ExecutionSample`, counted by the top")
    w("frame of each sample and by the packages anywhere on the stack.")
else:
    w("Every measured target was met; the last round's flight recordings are summarised anyway.")
w("")
if not glob.glob(os.path.join(out_dir, "profile-*.jfr")):
    w("No flight recording of the process benchmarks in this results folder: it is made in the last round, which did not finish.")
    w("")
for name, label in (("profile-http-preflight.jfr", "under the wrk load (all request kinds)"),
                    ("profile-loaded-preflight.jfr", "process benchmarks (runs in flight, rollbacks, landing)"),
                    ("profile-checks.jfr", "1,000 HTTP checks (five warm batches, the endpoint's threads left out)")):
    path = os.path.join(out_dir, name)
    if not os.path.exists(path):
        continue
    skip = frozenset()
    if os.path.exists(path + ".endpoint-threads"):
        with open(path + ".endpoint-threads") as ids:
            skip = frozenset(ids.read().split())
    samples, summary = top_frames(path, skip_threads=skip)
    if not samples:
        continue
    tops, ours, packages, threads = summary
    w(f"### {label}: {samples} samples")
    w("")
    w("| thread | share of samples |")
    w("|---|---|")
    for name, n in threads:
        w(f"| `{name}` | {100 * n / samples:.1f}% |")
    w("")
    w("| top frame | share |")
    w("|---|---|")
    for frame, n in tops:
        w(f"| `{frame}` | {100 * n / samples:.1f}% |")
    w("")
    w("| first Preflight frame on the stack | share |")
    w("|---|---|")
    for frame, n in ours:
        w(f"| `{frame}` | {100 * n / samples:.1f}% |")
    w("")
    w("| package on the stack | share of samples |")
    w("|---|---|")
    for pkg, n in packages:
        w(f"| `{pkg}` | {100 * n / samples:.1f}% |")
    w("")

w("## How the figures are made")
w("")
w("- **One command**: `bash bench/run` builds `bench/pom.xml` (the four modules, so the jar and the")
w("  test fakes' test-jars, plus `bench/harness`), then runs every figure once per round, three")
w("  rounds, the three servers one after another inside each round in an order rotated per round.")
w("  Raw results: `bench/target/run-*/`; this file is written by `bench/report.py` from them.")
w("- **Preflight** is `bot/target/preflight.jar` with the container flags and an external")
w("  PostgreSQL (zonky's embedded build, started apart from the bot), against the test `FakeSlack`.")
w("- **Bolt-Jetty**: `bench/harness/.../BoltJetty.java`, a Bolt for Java 1.51.0 `App` whose command")
w("  and block-action listeners only `ack()`, with Bolt's own signature check, served by Jetty 12")
w("  (ee10 servlet). `bolt-jetty` and `bolt-servlet` 1.51.0 do not resolve from the Maven mirror here,")
w("  so a 60-line servlet does what their adapter does (servlet request → `SlackRequestParser` →")
w("  `App.run` → response).")
w("- **bare Vert.x**: `bench/harness/.../BareVertx.java`, a Vert.x 5 HTTP server, one verticle per")
w("  core, that checks the v0 signature and the timestamp window and answers 200 or 401.")
w("- **Load**: wrk (Debian's package) with `bench/wrk/slack.lua`, 2 threads, 32 and 128 connections,")
w("  on 127.0.0.1. The requests are signed as Slack signs them (v0 HMAC-SHA256 over")
w("  `v0:timestamp:body`, by the tests' `SlackRequests`) right before each system's load, 2,000")
w("  distinct requests per kind (own trigger ids; a fresh unknown run id per click); the rejected")
w("  kind is the same commands signed with the wrong secret. Each system gets a warm-up first.")
w("- **CPU per request** is the server process's user+system time over the run (from /proc) divided")
w("  by the requests answered; wrk and the fake Slack share the same 2 cores.")
w("- **After the load**: the bot does part of its work after the ack (a click's database lookup and")
w("  its answer through the `response_url`, a command's answer), so when wrk stops it may still be")
w("  busy. Before the next run (and after each warm-up) the harness waits until the server uses")
w("  under 5% of a core over two half-second looks in a row (at most 180 s); the last column is that")
w("  wait and the CPU spent in it per request of the run. Every run therefore starts on an idle server.")
w("- **Fan-out** scales Slack's per-minute tiers to a 4 s minute for the bot's budget and the fake")
w("  alike (15× faster), so a round takes seconds; the one-edit-per-second rule is not scaled.")
w("- **Profiles**: in the last round the bot runs with a flight recorder (`settings=profile`) during")
w("  the wrk load and the process benchmarks (not during a timed start); that costs it a little CPU")
w("  and memory in that round. The 1,000 checks are recorded in five batches of their own after the")
w("  measured one (one sample a millisecond), so the recording changes none of their figures.")
w("- **Start → ready** is from starting the bot's process to `/readyz` first answering 200 (polled")
w("  every 10 ms), with the container flags and the class-data archive. The external database is")
w("  created empty for the process benchmarks; the bot's first start on it runs every migration and")
w("  is its own row, then the bot is stopped and started again on the migrated database, as a")
w("  deploy or a rescheduled pod restarts it: that second start is the target's figure, as the")
w("  embedded database's figure is the start whose data directory exists. No start figure comes")
w("  from a recorded process: in the last round the flight recording is made by a third start,")
w("  without the archive, which then carries the runs in flight. `bash bench/run --only")
w("  lifecycle --starts N` times N starts of each kind with their phase times (`starts.json`).")
w("- **Rollbacks**: 32 services are deployed to the fake ECS (Launch → Succeeded), then Rollback is")
w("  clicked on each in turn, 250 ms apart, while 5 held results land every 100 ms; the time is from")
w("  sending the signed click to the fake ECS recording that service's `UpdateService`.")
w("- **1,000 checks**: the endpoint answers check n after 50 + (n mod 16)·10 ms; the slowest (200 ms)")
w("  is first timed alone (best of three), then all 1,000 start at once on one `CheckRunner`: a first")
w("  batch is timed cold; it and more warm the JIT until three batches in a row make it compile for")
w("  less than 20 ms each (at least 4, at most 60 batches; after each, the runner's connections are")
w("  closed and the compiler's queue drained), and the figure is the batch after them, on a new")
w("  runner, so it opens every connection. Four warm-up batches, as before, left most of the")
w("  per-connection code to C2 still: the compiler threads took more CPU during the measured batch")
w("  than the checks did. The endpoint runs on a Vert.x of its own with one event loop per core, as a")
w("  real service would; its threads' CPU time is reported apart, and so are the JIT's and the GC's")
w("  time during the batch. `BENCH_CHECKS_JFR=FILE` records five more warm batches with JFR.")
w("- **ECS rounds**: the fake ECS records when each `DescribeServices` came and which services it")
w("  named; a round is one poll interval from a whole second, as the target's poll rounds are.")
w("")
w("## Closing note")
w("")
met = sum(1 for t in targets if t[2] is True)
miss = [t[0] for t in targets if t[2] is False]
unmeasured = [t[0] for t in targets if t[2] is None]
w(f"In this run Preflight acknowledged slash commands at {fmt_ratios(slash_bolt)} of Bolt-Jetty's "
  f"throughput and {fmt_ratios(slash_bare)} of the bare Vert.x server's; block actions at "
  f"{fmt_ratios(action_bolt)} of Bolt-Jetty's. {met} of {len(targets)} targets were met"
  + (f"; missed: {'; '.join(miss)}" if miss else "")
  + (f"; not measured: {'; '.join(unmeasured)}" if unmeasured else "") + ".")
w("")
w(f"Reproduce: `bash bench/run` ({done_rounds} rounds here; `--quick` for one short round). "
  f"Raw results of this run: `bench/target/{os.path.basename(os.path.normpath(out_dir))}/` (not committed).")
open(out_md, "w").write("\n".join(lines) + "\n")
