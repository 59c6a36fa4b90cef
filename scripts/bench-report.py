#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py OUT

Read the console logs of 'make bench' (OUT/runs.tsv lists them, with the
side A = baseline or B = the kernel measured against it) and write
OUT/results.md, the gnuplot data and OUT/*.png; print the table.

Every figure is the median over the boots of one kernel, with min-max: one
boot gives one value per figure (the guest already relates tagged to
untagged runs within a boot, and takes the median of a synthetic class's
repeated passes). Targets are printed as pass/miss, never
asserted: timings under emulation on a shared machine are evidence, not a
test.
"""
import json
import os
import re
import statistics
import subprocess
import sys

CLASSES = ["zero", "uniform", "runs", "heap", "glibc", "random"]
PROGS = ["zstd", "xz"]
FIO_JOBS = ["pagecache", "shmem"]
# The synthetic throughputs: key suffix and a short name for the rows
# relative to the untagged control.
THROUGHPUTS = [("out", "swap-out"), ("in", "swap-in, settled"),
               ("in_hot", "swap-in, at once")]

# BENCH_PROFILE=1: what each kernel calls to save, restore and free a page's
# tags (upstream's hooks on one side, mtetag's on the other), and the swap
# paths around them. (row, candidate functions: the first a kernel has).
PROFILE_ROWS = [
    ("save the tags (swap-out)", ["__mtetag_save_folio", "arch_prepare_to_swap"]),
    ("restore the tags (swap-in, PTE lock)", ["__mtetag_restore_folio", "arch_swap_restore"]),
    ("free the tags (slot freed)", ["__mtetag_invalidate", "mte_invalidate_tags"]),
    ("swap_writepage()", ["swap_writepage"]),
    ("do_swap_page()", ["do_swap_page"]),
    ("swap_entry_range_free()", ["swap_entry_range_free"]),
]

# Target kinds: ("max", r) ratio B/A must be <= r; ("min", r) >= r.
HIGHER = "higher"
LOWER = "lower"


def metric_specs():
    """(key, workload, figure, unit, better, target) in table order."""
    specs = []
    for c in CLASSES:
        tgt = ("max", 1.02) if c == "random" else None
        specs.append((f"syn.{c}.tag_b", f"synthetic {c}", "tag memory (SUnreclaim - control)",
                      "B/page", LOWER, tgt))
        specs.append((f"syn.{c}.slab_b", f"synthetic {c}", "tag memory (all slab - control)",
                      "B/page", LOWER, None))
        specs.append((f"syn.{c}.mt_b", f"synthetic {c}", "tag memory (mtetag counters)",
                      "B/page", LOWER, None))
    for c in ["untagged"] + CLASSES:
        specs.append((f"syn.{c}.out", f"synthetic {c}", "swap-out throughput", "MiB/s",
                      HIGHER, None if c == "untagged" else ("min", 0.98)))
        specs.append((f"syn.{c}.in", f"synthetic {c}",
                      "swap-in throughput (after compression settled)", "MiB/s",
                      HIGHER, None if c == "untagged" else ("min", 0.98)))
        specs.append((f"syn.{c}.in_hot", f"synthetic {c}",
                      "swap-in throughput (at once after swap-out)", "MiB/s",
                      HIGHER, None if c == "untagged" else ("min", 0.98)))
    # The same throughputs divided by the untagged control's of the same
    # boot: that cancels how fast the host ran during each boot, which
    # spreads the absolute figures far more than the kernels differ, and
    # leaves what tagged pages cost on top of the swap path. Evidence for
    # reading the rows above, not a target of their own.
    for c in CLASSES:
        for key, what in THROUGHPUTS:
            specs.append((f"syn.{c}.{key}_rel", f"synthetic {c}",
                          f"{what} / untagged control in the same boot", "ratio",
                          HIGHER, None))
    for p in PROGS:
        w = f"{p} (glibc heap tagging)"
        specs.append((f"prog.{p}.tag_b", w, "tag memory per swapped tagged page (SUnreclaim)",
                      "B/page", LOWER, ("max", 1 / 15)))
        specs.append((f"prog.{p}.slab_b", w, "tag memory per swapped tagged page (all slab)",
                      "B/page", LOWER, None))
        specs.append((f"prog.{p}.mt_b", w, "tag memory per swapped tagged page (mtetag)",
                      "B/page", LOWER, None))
        specs.append((f"prog.{p}.ctl_b", w, "untagged run: SUnreclaim rise per swapped page",
                      "B/page", None, None))
        specs.append((f"prog.{p}.wall", w, "wall time under memcg pressure", "s", LOWER, None))
        specs.append((f"prog.{p}.swapouts", w, "pages swapped out in the pressure run", "pages",
                      None, None))
        specs.append((f"prog.{p}.swap_mib", w, "tagged memory pushed to swap (paused run)", "MiB",
                      None, None))
    for j in FIO_JOBS:
        w = f"fio {j}"
        specs.append((f"fio.{j}.read_bw", w, "read bandwidth", "MiB/s", HIGHER, ("min", 0.98)))
        specs.append((f"fio.{j}.write_bw", w, "write bandwidth", "MiB/s", HIGHER, ("min", 0.98)))
        for d in ["read", "write"]:
            for pc in ["p50", "p99"]:
                specs.append((f"fio.{j}.{d}_{pc}", w, f"{d} completion latency {pc}", "us",
                              LOWER, ("max", 1 / 0.98)))
        specs.append((f"fio.{j}.hog", w, "tagged hog: pages rewritten", "pages/s", HIGHER,
                      None))
        specs.append((f"fio.{j}.swapouts", w, "pages swapped out during fio", "pages",
                      None, None))
    return specs


def kv(line):
    return dict(m.groups() for m in re.finditer(r"(\w+)=(\S*)", line))


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def results_section(text):
    m = re.search(r"===MTETAG-RESULTS-BEGIN===(.*?)===MTETAG-RESULTS-END===", text, re.S)
    return m.group(1).replace("\r", "") if m else None


def parse_log(path):
    """One boot: ({metric: value}, [problems], info)."""
    vals, problems, info = {}, [], {}
    try:
        text = open(path, errors="replace").read()
    except OSError as e:
        return vals, [f"cannot read {path}: {e}"], info
    sec = results_section(text)
    if sec is None:
        return vals, ["no results section (the guest crashed or timed out)"], info
    snap, controls, slab_controls, syn = {}, [], [], {}
    spoiled = set()
    for line in sec.splitlines():
        if line.startswith("bench_info:"):
            info.update(kv(line))
        elif line.startswith("bench_swap: class="):
            d = kv(line)
            c = d["class"]
            if c == "untagged" and num(d.get("rise_per_page")) is not None:
                controls.append(num(d["rise_per_page"]))
                slab_controls.append(num(d.get("slab_rise_per_page")))
            for k, key in (("out_mibps", "out"), ("in_mibps", "in"),
                           ("hot_in_mibps", "in_hot"),
                           ("tag_bytes_per_page", "tag_b"), ("mt_bytes_per_page", "mt_b"),
                           ("slab_tag_bytes_per_page", "slab_b"),
                           ("rise_per_page", "rise_pp")):
                if num(d.get(k)) is not None:
                    syn.setdefault(f"syn.{c}.{key}", []).append(num(d[k]))
            if d.get("bad_pages", "0") != "0":
                problems.append(f"synthetic {c}: {d['bad_pages']} pages came back wrong")
            if "too_few_evicted" in d:
                problems.append(f"synthetic {c}: only {d['out']} of {d['pages']} pages evicted")
        elif line.startswith("bench_profile:"):
            d = kv(line)
            if "error" in d:
                problems.append(f"profile: {d['error']}")
            elif num(d.get("hits")):
                vals[f"prof.{d['fn']}.calls"] = num(d["hits"])
                vals[f"prof.{d['fn']}.us"] = num(d["us"]) / num(d["hits"])
        elif line.startswith("bench_prog:"):
            d = kv(line)
            p = d["prog"]
            if "skipped" in d:
                problems.append(f"{p}: skipped ({d['skipped']})")
                continue
            if d.get("rc") not in (None, "0") or d.get("ok") == "0" or "error" in d:
                problems.append(f"{p} {d.get('run')}: rc={d.get('rc')} ok={d.get('ok')} "
                                f"{d.get('error', '')}".strip())
            if d.get("run") == "pressure":
                vals[f"prog.{p}.wall"] = num(d["wall_s"])
                vals[f"prog.{p}.swapouts"] = num(d.get("swapouts"))
            elif d.get("run") == "snapshot" and "error" not in d:
                snap[(p, d["tagging"])] = d
        elif line.startswith("bench_fio:"):
            d = kv(line)
            if "skipped" in d:
                problems.append(f"fio {d.get('job', '')}: skipped ({d['skipped']})")
                continue
            j = d["job"]
            # A job whose fio or hog failed, or that saw an OOM kill, ran
            # another workload than the other boots: it gives no figure.
            if d.get("rc") != "0" or d.get("hog_rc") != "0":
                problems.append(f"fio {j}: rc={d.get('rc')} hog_rc={d.get('hog_rc')}, "
                                "figures dropped")
                spoiled.add(j)
            if d.get("oom_kills", "0") != "0":
                problems.append(f"fio {j}: {d['oom_kills']} OOM kill(s) in the cgroup, "
                                "figures dropped (the kernel's report: bench_fio_oom lines)")
                spoiled.add(j)
            if j in spoiled:
                continue
            vals[f"fio.{j}.swapouts"] = num(d.get("swapouts"))
            vals[f"fio.{j}.hog"] = num(d.get("hog_touches_per_s"))
    for m in re.finditer(r"bench_fio_json_begin: (\w+)\n(.*?)bench_fio_json_end", sec, re.S):
        j = m.group(1)
        if j in spoiled:
            continue
        try:
            job = json.loads(m.group(2))["jobs"][0]
        except (ValueError, KeyError, IndexError):
            problems.append(f"fio {j}: unreadable JSON")
            continue
        for d in ("read", "write"):
            vals[f"fio.{j}.{d}_bw"] = job[d]["bw"] / 1024
            pct = job[d]["clat_ns"].get("percentile", {})
            vals[f"fio.{j}.{d}_p50"] = pct.get("50.000000", 0) / 1000
            vals[f"fio.{j}.{d}_p99"] = pct.get("99.000000", 0) / 1000
    # bench_swap -r repeats every class within the boot: its median is the
    # boot's figure, so one slow pass (host scheduling) does not decide it.
    for key, v in syn.items():
        vals[key] = statistics.median(v)
    for c in CLASSES:
        for key, _ in THROUGHPUTS:
            ctl_v = vals.get(f"syn.untagged.{key}")
            if ctl_v and vals.get(f"syn.{c}.{key}") is not None:
                vals[f"syn.{c}.{key}_rel"] = vals[f"syn.{c}.{key}"] / ctl_v
    ctl = statistics.mean(controls) if controls else None
    slab_controls = [c for c in slab_controls if c is not None]
    slab_ctl = statistics.mean(slab_controls) if slab_controls else None
    for p in PROGS:
        tag_memory_of_program(p, snap, vals, problems, ctl, slab_ctl)
    return vals, problems, info


def tag_memory_of_program(p, snap, vals, problems, ctl, slab_ctl):
    """Tag bytes per swapped tagged page of a paused program.

    The SUnreclaim rise of the tagged run, less what the swap layer takes
    per page (times all the pages the tagged run swapped), over the tagged
    pages swapped (smaps VmFlags mt). The swap layer's share per page is
    the program's own untagged run's: as many pages of the same kind
    (guest/bench.sh). On zram that share depends on how the data
    compresses, so the synthetic untagged control of the boot (@ctl,
    @slab_ctl), whose pseudo-random pages zram stores one to a zspage at
    about 60 B each, stands in only for logs without an untagged run.
    """
    t, c = snap.get((p, "1")), snap.get((p, "0"))
    if not t:
        return
    tagged_pages = num(t["tagged_swap_kb"]) / 4
    if tagged_pages <= 0:
        problems.append(f"{p}: no tagged page swapped (is glibc heap tagging on?)")
        return
    vals[f"prog.{p}.swap_mib"] = tagged_pages * 4 / 1024
    if c and num(c["swap_kb"]) > 0:
        ctl_pages = num(c["swap_kb"]) / 4
        ctl = vals[f"prog.{p}.ctl_b"] = num(c["sunreclaim_rise"]) / ctl_pages
        slab_ctl = None
        if num(c.get("slab_rise")) is not None:
            slab_ctl = num(c["slab_rise"]) / ctl_pages
    all_pages = num(t["swap_kb"]) / 4
    if ctl is not None:
        vals[f"prog.{p}.tag_b"] = (num(t["sunreclaim_rise"]) - ctl * all_pages) / tagged_pages
    if slab_ctl is not None and num(t.get("slab_rise")) is not None:
        vals[f"prog.{p}.slab_b"] = (num(t["slab_rise"]) - slab_ctl * all_pages) / tagged_pages
    if "mt1_total_bytes" in t:
        pages = num(t["mt1_stored_pages"]) - num(t["mt0_stored_pages"])
        if pages > 0:
            vals[f"prog.{p}.mt_b"] = (num(t["mt1_total_bytes"]) - num(t["mt0_total_bytes"])) / pages


def summary(values):
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def fmt(x):
    if x is None:
        return "-"
    a = abs(x)
    if a >= 1000:
        return f"{x:.0f}"
    if a >= 100:
        return f"{x:.1f}"
    if a >= 1 or a == 0:
        return f"{x:.2f}"
    # a profiled call of a few hundred instructions (BENCH_ICOUNT): 0.275 us
    return f"{x:.3f}"


def fmt_summary(s):
    if s is None:
        return "-"
    med, lo, hi = s
    return f"{fmt(med)} [{fmt(lo)}-{fmt(hi)}]"


def verdict(ratio, target):
    if target is None or ratio is None:
        return "", ""
    kind, r = target
    if kind == "max":
        text = f"<= {'1/15' if abs(r - 1 / 15) < 1e-9 else f'{r:.2f}'}x"
        return text, "pass" if ratio <= r else "miss"
    return f">= {r:.2f}x", "pass" if ratio >= r else "miss"


TARGET_GROUPS = [
    ("tag memory of the tagged-heap programs <= 1/15 of the baseline's (SUnreclaim)",
     lambda k: k.startswith("prog.") and k.endswith(".tag_b")),
    ("tag memory on random tags <= 1.02x the baseline (SUnreclaim)",
     lambda k: k == "syn.random.tag_b"),
    ("swap-out/in throughput >= 0.98x the baseline",
     lambda k: k.startswith("syn.") and (k.endswith(".out") or k.endswith(".in"))),
    ("fio bandwidth and p50/p99 >= 0.98x the baseline (latency: <= 1/0.98x)",
     lambda k: k.startswith("fio.")),
]


def target_summary(checks):
    """One line per target of the issue: how many of its rows pass."""
    lines = []
    for text, match in TARGET_GROUPS:
        rows = [c for c in checks if match(c[0])]
        if not rows:
            lines.append(f"{text}: no figure")
            continue
        npass = sum(1 for c in rows if c[3] == "pass")
        verdict = "pass" if npass == len(rows) else "miss"
        missed = [f"{c[1]} {c[2]}{' (in noise)' if 'overlap' in c[3] else ''}"
                  for c in rows if c[3] != "pass"]
        lines.append(f"{verdict}: {text} ({npass}/{len(rows)} rows)"
                     + (f"; missed: {', '.join(missed)}" if missed else ""))
    return lines


def profile_row(what, per_side, fns):
    """A row of profile_table() for the first of @fns each side has, or None
    if neither has one."""
    cells, per_call = [], []
    for side in ("A", "B"):
        fn = next((f for f in fns if any(f"prof.{f}.us" in v for v in per_side[side])),
                  None)
        us = summary([v[f"prof.{fn}.us"] for v in per_side[side] if f"prof.{fn}.us" in v])
        calls = summary([v[f"prof.{fn}.calls"] for v in per_side[side]
                         if f"prof.{fn}.calls" in v])
        cells += [f"`{fn}`" if fn else "-", fmt_summary(us),
                  f"{calls[0]:.0f}" if calls else "-"]
        per_call.append(us[0] if us else None)
    if all(c is None for c in per_call):
        return None
    a, b = per_call
    diff = f"{b - a:+.3f}" if a is not None and b is not None else "-"
    return f"| {what} | " + " | ".join(cells) + f" | {diff} |"


def profile_table(per_side, names):
    """Markdown rows of PROFILE_ROWS, then of any other function profiled
    (BENCH_PROFILE_FUNCS): microseconds per call and calls per boot on each
    side (medians over the boots), or [] without profile data."""
    known = {f for _, fns in PROFILE_ROWS for f in fns}
    extra = sorted({k.split(".")[1] for side in ("A", "B") for v in per_side[side]
                    for k in v if k.startswith("prof.") and k.endswith(".us")} - known)
    rows = [profile_row(what, per_side, fns) for what, fns in PROFILE_ROWS]
    rows += [profile_row(f"{fn}()", per_side, [fn]) for fn in extra]
    rows = [r for r in rows if r]
    if not rows:
        return []
    head = (f"| | {names[0]} function | us per call [min-max] | calls | "
            f"{names[1]} function | us per call [min-max] | calls | difference, us |")
    return [head, "|" + "---|" * 8] + rows


PROFILE_NOTE = """\
## Cost per call (function profiler, BENCH_PROFILE=1)

Both kernels built with `configs/profile.config`; during the synthetic
runs the function profiler times the functions below (wall time from entry
to return, children and waits included; medians over the boots). Each
kernel has only its own hooks: upstream's `arch_*`/`mte_*` on 6.12,
mtetag's `__mtetag_*` on the patched tree; both are called for every
page, tagged or not. The profiler's entry and exit cost falls on every
timed call alike, and slows the whole run: the throughput figures of a
profiled run are not the ones to quote. Rows named after a function are
those `BENCH_PROFILE_FUNCS` added, on each kernel that has it; the caller
of such a function pays the profiler's cost once more.
"""


def read_runs(out):
    runs = []
    with open(os.path.join(out, "runs.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            runs.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return runs


def write_plots(out, rows_by_key, names):
    """gnuplot histograms with min-max error bars; PNG next to results.md."""
    a_name, b_name = names

    def dat(fname, items):
        with open(os.path.join(out, fname), "w") as f:
            f.write(f"# label {a_name}(med min max) {b_name}(med min max)\n")
            for label, key in items:
                a, b = rows_by_key.get(key, (None, None))[:2]
                cols = []
                for s in (a, b):
                    cols += [fmt_num(v) for v in (s if s else (0, 0, 0))]
                f.write(f'"{label}" ' + " ".join(cols) + "\n")

    def fmt_num(v):
        return f"{v:.4f}"

    dat("tagmem.dat", [(c, f"syn.{c}.tag_b") for c in CLASSES] +
        [(p, f"prog.{p}.tag_b") for p in PROGS])
    dat("swapout.dat", [(c, f"syn.{c}.out") for c in ["untagged"] + CLASSES])
    dat("swapin.dat", [(c, f"syn.{c}.in") for c in ["untagged"] + CLASSES])
    dat("fio-bw.dat", [(f"{j} {d}", f"fio.{j}.{d}_bw") for j in FIO_JOBS for d in ("read", "write")])
    dat("fio-p99.dat", [(f"{j} {d}", f"fio.{j}.{d}_p99") for j in FIO_JOBS for d in ("read", "write")])
    dat("wall.dat", [(p, f"prog.{p}.wall") for p in PROGS])

    common = f"""
set terminal pngcairo size 900,480 noenhanced
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.7 border -1
set key top left
set grid ytics
set yrange [0:*]
"""

    def plot(png, dat_file, title, ylabel, extra=""):
        return f"""
set output '{os.path.join(out, png)}'
set title '{title}'
set ylabel '{ylabel}'
{extra}
plot '{os.path.join(out, dat_file)}' using 2:3:4:xtic(1) title '{a_name}', \\
     '' using 5:6:7 title '{b_name}'
"""
    script = common
    script += plot("tagmem.png", "tagmem.dat",
                   "Tag memory per swapped tagged page (SUnreclaim rise - untagged control)",
                   "bytes per page", "set yrange [*<0:*]")
    script += plot("swapout.png", "swapout.dat", "Swap-out throughput (MADV_PAGEOUT + reclaim)",
                   "MiB/s", "set yrange [0:*]")
    script += plot("swapin.png", "swapin.dat", "Swap-in throughput (fault all back)", "MiB/s")
    script += plot("fio-bw.png", "fio-bw.dat", "fio bandwidth under memcg pressure", "MiB/s")
    script += plot("fio-p99.png", "fio-p99.dat", "fio completion latency p99", "microseconds")
    script += plot("wall.png", "wall.dat", "Tagged-heap programs under memcg pressure: wall time",
                   "seconds")
    gp = os.path.join(out, "plots.gp")
    with open(gp, "w") as f:
        f.write(script)
    try:
        subprocess.run(["gnuplot", gp], check=True, capture_output=True, text=True)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"bench-report: gnuplot failed: {getattr(e, 'stderr', e)}", file=sys.stderr)
        return False


EMULATION_NOTE = """\
## What emulation distorts, and what it does not

The guest runs under QEMU's TCG emulation of arm64 with MTE on an x86 host
shared with other work (see the host load of each boot below).

- **Distorted: absolute times.** Every guest instruction is translated, and
  every access to tagged memory goes through a tag-check helper: tagged
  programs run 3-4 times slower than untagged ones here, far from the few
  percent of real MTE hardware. Swap-out/in throughput, program wall times
  and fio's bandwidth and latencies are therefore only comparable with each
  other, not with any real machine; the virtio disk is a host file whose
  speed is the host page cache's. Their spread across boots (min-max) shows
  how much a single figure can be trusted: a ratio inside that spread is
  no difference.
- **Not distorted: memory.** Slab use, tag-store sizes and mtetag's counters
  are what the same kernel would allocate on hardware: the emulator changes
  speed, not the kernel's data structures. The tag-memory figures are the
  robust result of this benchmark.
- **Ratios within one run.** Both kernels boot alternately on the same host
  with identical QEMU settings, so host drift and emulation overhead fall on
  both sides alike; the mtetag/baseline ratio of medians cancels most of
  what emulation does to absolute times, but not the noise of a shared
  2-core host, hence the medians over several rounds.
- **Instruction counts (`BENCH_ICOUNT`, zram swap).** With QEMU's `-icount`
  the guest's clocks advance by the instructions it executes, so times no
  longer depend on the host: an A/A run reads 1.000x on every row. Such a
  time is a count of instructions, each weighing the same (a division as
  much as a move, an access to tagged memory as much as one to untagged
  memory), which is closer to what a real core spends than TCG's host time
  but not the same; without a disk, there is no I/O to overlap with.
"""

# BENCH_ICOUNT: what the times of such a run are
ICOUNT_NOTE = ("by instruction count ({}): times are executed guest "
               "instructions, whatever the host's load")

METHOD_NOTE = """\
## How the figures are obtained

- **synthetic** (`bench_swap`): N PROT_MTE pages per tag class (zero; one
  non-zero tag; 1-6 runs; heap: 16-144 byte chunks with no header, each
  tagged other than its neighbour; glibc: glibc's layout, a tag-0 header
  granule before each 16-144 byte chunk, 4 in 5 chunks in use with a
  random non-zero tag; random), each page pushed to swap and out of the
  swap cache (MADV_PAGEOUT, then `memory.reclaim` on the test cgroup),
  then faulted back and every tag checked. Tag memory = SUnreclaim rise
  per evicted page, less the same figure for an untagged control of the
  same size in the same boot (what the swap layer itself takes per page).
  Before each reading every slab cache is shrunk, so that freed objects
  in partial slabs do not count, and
  the swap devices are emptied (swapoff/swapon) between runs, so that one
  run's lingering swap-cache entries are not freed during the next. On
  mtetag also total_bytes / stored_pages from its own counters (payload
  plus allocator rounding and xarray nodes). Every class runs
  `BENCH_REPEATS` times per boot ({repeats} here; `bench_swap -r`) and the
  boot's figure is the median of the passes, so that one pass slowed by
  the host does not decide a round. The "/ untagged control" rows divide
  each boot's throughput by the untagged control's in the same boot before
  taking the medians over boots: that cancels the host's speed during
  each boot, and leaves what tagged pages cost beyond the swap path.
- **SUnreclaim against all slab**: both stores index their entries with an
  xarray, whose nodes (`radix_tree_node`) are *reclaimable* slab: the
  SUnreclaim figure holds the baseline's 128-byte kmalloc but neither
  store's index (about 9 bytes per page in both, one 576-byte node per 64
  entries). The "all slab" rows add SReclaimable, which includes it, at
  the price of more noise (dentries, inodes); mtetag's counters include it
  too. For pages held inline (no blob) the index is all mtetag pays.
- **zstd, xz**: Debian's programs with `GLIBC_TUNABLES=glibc.mem.tagging=3`
  (every heap chunk tagged, synchronous tag checks: a lost tag crashes
  them, and every output is decompressed and compared). Wall time: one run
  with `memory.max` well below the heap. Tag memory: a second run is paused
  with its heap built (blocked reading its input pipe), its whole cgroup
  pushed to swap, and the SUnreclaim rise is divided by the tagged pages
  swapped (smaps `Swap` of the VMAs with `VmFlags mt`), less the swap
  layer's share per page, measured on the same program run untagged. As
  glibc writes the tags of every chunk it allocates, the tagged heap is
  resident in full; the untagged run has malloc() fill its chunks
  (`glibc.malloc.perturb`) so that as many pages go to swap, and of the
  same kind for zram: one byte repeated, stored without a compressed
  copy like the tagged run's unwritten pages. (bench_swap's control is
  no stand-in on zram: its pseudo-random pages take about 60 B of
  SUnreclaim each, one to a zspage.)
- **fio** (3.33, static): random 4 KiB psync read/write (75% reads) while a
  heap-tagged hog larger than the cgroup's `memory.max` rewrites its pages,
  so tagged pages keep going to swap and back. `pagecache`: buffered I/O on
  a zram block device (zram0, or a second one when swap is on zram0; its
  page cache charged to the cgroup); `shmem`: a
  tmpfs file, swapped out like the hog. fio reports its own bandwidth and
  completion-latency percentiles. fio's file is 32 MiB (`BENCH_FIO_MIB`)
  against a 64 MiB `memory.max` and a 72 MiB hog. At 48 MiB the shmem job
  settled either with fio's file resident or with it thrashing, whatever
  the kernel (the same 6.12 kernel read 635 and 51 MiB/s in two runs with
  `-icount`); at 32 MiB it stays resident with `-icount` and zram swap, but
  with disk swap in host time it still thrashes in most boots, so its
  spread there is wide (1-85 MiB/s). The page-cache job limits the cgroup
  with `memory.high`, the shmem job with `memory.max`: under `memory.max`
  6.12 OOM-killed the page-cache job's hog in every boot once fio's clean
  page cache was reclaimed and only the hog's pages, all active, were
  left. A job with an OOM kill, or whose fio or hog failed, gives no
  figure and is listed under Problems.
"""


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "build/bench"
    runs = read_runs(out)
    names = []
    for side in ("A", "B"):
        names.append(next((r["kernel"] for r in runs if r["side"] == side), side))
    if names[0] == names[1]:
        names = [f"{names[0]} (A)", f"{names[1]} (B)"]
    per_side = {"A": [], "B": []}
    problems = []
    info = {}
    for r in runs:
        vals, probs, inf = parse_log(r["log"])
        # the B side's boot line names mtetag's codec
        if not info or (r["side"] == "B" and inf):
            info = inf
        per_side[r["side"]].append(vals)
        problems += [f"round {r['round']} {r['kernel']}: {p}" for p in probs]
        if r["rc"] != "0":
            problems.append(f"round {r['round']} {r['kernel']}: QEMU exit {r['rc']}")

    rows, by_key, checks = [], {}, []
    for key, workload, figure, unit, better, target in metric_specs():
        sa = summary([v[key] for v in per_side["A"] if v.get(key) is not None])
        sb = summary([v[key] for v in per_side["B"] if v.get(key) is not None])
        if sa is None and sb is None:
            continue
        ratio = sb[0] / sa[0] if sa and sb and sa[0] else None
        # memory ratios against a baseline near zero mean nothing
        if ratio is not None and unit == "B/page" and abs(sa[0]) < 4:
            ratio = None
        tgt_text, ok = verdict(ratio, target)
        # a miss whose two min-max ranges overlap is not told apart from noise
        if ok == "miss" and sa[1] <= sb[2] and sb[1] <= sa[2]:
            ok = "miss (ranges overlap)"
        by_key[key] = (sa, sb)
        rows.append((workload, figure, unit, fmt_summary(sa), fmt_summary(sb),
                     "-" if ratio is None else f"{ratio:.3f}", tgt_text, ok))
        if ok:
            checks.append((key, workload, figure, ok))

    head = ["workload", "figure", "unit", f"{names[0]} median [min-max]",
            f"{names[1]} median [min-max]", f"{names[1].split()[0]}/{names[0].split()[0]}",
            "target", ""]
    table = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    table += ["| " + " | ".join(r) + " |" for r in rows]

    npass = sum(1 for c in checks if c[3] == "pass")
    nmiss = sum(1 for c in checks if c[3].startswith("miss"))
    targets = target_summary(checks)
    rounds = max([int(r["round"]) for r in runs] or [0])
    have_plots = write_plots(out, by_key, names)

    clock_path = os.path.join(out, "clock.txt")
    clock = open(clock_path).read().strip() if os.path.exists(clock_path) else ""
    md = [f"# mtetag benchmark: {names[1]} against {names[0]}", ""]
    md.append(f"{rounds} round(s), kernels booted alternately (A B A B); guest "
              f"{info.get('mem_kb', '?')} kB, swap on {info.get('swap', '?')}"
              f"{', quick sizes' if info.get('quick') == '1' else ''}; "
              f"codec {info.get('codec') or '-'} on the mtetag side when present; "
              f"guest clocks {ICOUNT_NOTE.format(clock) if clock else 'in host time'}. "
              f"Targets: {npass} pass, {nmiss} miss.")
    md.append("")
    if problems:
        md.append("**Problems** (figures from these runs are incomplete or suspect):")
        md += [f"- {p}" for p in problems]
        md.append("")
    md.append("## Targets\n")
    md += [f"- {t}" for t in targets]
    md.append("")
    md.append("## All figures\n")
    md += table
    md.append("")
    if have_plots:
        md.append("![tag memory](tagmem.png)\n![swap-out](swapout.png)\n"
                  "![swap-in](swapin.png)\n![fio bandwidth](fio-bw.png)\n"
                  "![fio p99](fio-p99.png)\n![program wall time](wall.png)")
        md.append("")
    prof = profile_table(per_side, names)
    if prof:
        md.append(PROFILE_NOTE)
        md += prof
        md.append("")
    md.append(METHOD_NOTE.format(repeats=info.get("repeats", "?")))
    md.append(EMULATION_NOTE)
    md.append("## Boots\n")
    md.append("| round | side | kernel | host wall s | host load at start | exit |")
    md.append("|---|---|---|---|---|---|")
    for r in runs:
        md.append(f"| {r['round']} | {r['side']} | {r['kernel']} | {r['wall_s']} | "
                  f"{r['loadavg']} | {r['rc']} |")
    md.append("")
    diff_path = os.path.join(out, "config-diff.txt")
    if os.path.exists(diff_path):
        diff = open(diff_path).read().split()
        md.append("## Kernel configuration differences\n")
        md.append("Options set in only one of the two `.config` files: "
                  + (", ".join(f"`{d}`" for d in diff) if diff else "none") + ".")
        md.append("")
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(md))

    print("\n".join(table))
    if prof:
        print("\n" + "\n".join(prof))
    if problems:
        print("\nProblems:\n" + "\n".join(f"  {p}" for p in problems))
    print("\ntargets:\n" + "\n".join(f"  {t}" for t in targets))
    print(f"results: {os.path.join(out, 'results.md')}")


if __name__ == "__main__":
    main()
