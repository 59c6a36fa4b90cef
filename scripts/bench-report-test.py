#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report-test.py: scripts/bench-report.py reads fixture boot logs.

A fio job that saw an OOM kill, or whose fio or hog failed, ran another
workload than the other boots: the report must list it under problems and
take none of its figures, while the other job of the same boot keeps its
own. Ends with 'N passed, N failed'.
"""
import importlib.util
import json
import os
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_report",
                                              os.path.join(here, "bench-report.py"))
report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(report)

passed = failed = 0


def check(what, ok):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {what}")
    else:
        failed += 1
        print(f"not ok - {what}")


def fio_json(read_bw_kib):
    side = {"bw": read_bw_kib,
            "clat_ns": {"percentile": {"50.000000": 20000, "99.000000": 90000}}}
    return json.dumps({"jobs": [{"read": side, "write": side}]})


def job(name, extra, bw):
    return (f"bench_fio: job={name} rc=0 limit=64M fio_mib=32 hog_mib=72 "
            f"swapouts=100 swapins=90 {extra} hog_touches_per_s=500\n"
            f"bench_fio_json_begin: {name}\n{fio_json(bw)}\nbench_fio_json_end: {name}\n")


def parse(body):
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write("boot noise\n===MTETAG-RESULTS-BEGIN===\n" + body +
                "===MTETAG-RESULTS-END===\n")
    try:
        return report.parse_log(f.name)
    finally:
        os.unlink(f.name)


# both jobs clean: both give figures, no problem
vals, probs, _ = parse(job("pagecache", "hog_rc=0 oom_kills=0", 2048) +
                       job("shmem", "hog_rc=0 oom_kills=0", 4096))
check("clean jobs: no problem", probs == [])
check("clean jobs: page-cache bandwidth read", vals.get("fio.pagecache.read_bw") == 2.0)
check("clean jobs: shmem bandwidth read", vals.get("fio.shmem.read_bw") == 4.0)

# an OOM kill in the page-cache job: its figures go, shmem's stay
vals, probs, _ = parse(job("pagecache", "hog_rc=137 oom_kills=1", 2048) +
                       "bench_fio_oom: fio invoked oom-killer: gfp_mask=0xcc0\n" +
                       job("shmem", "hog_rc=0 oom_kills=0", 4096))
check("OOM kill: listed as a problem", any("OOM kill" in p for p in probs))
check("OOM kill: the hog's exit listed", any("hog_rc=137" in p for p in probs))
check("OOM kill: no bandwidth from the spoiled job",
      not any(k.startswith("fio.pagecache.") for k in vals))
check("OOM kill: the other job keeps its figures", vals.get("fio.shmem.read_bw") == 4.0)

# an OOM kill that spared the hog (fio itself killed) spoils the job too
vals, probs, _ = parse(job("shmem", "hog_rc=0 oom_kills=2", 4096))
check("OOM kill of fio: listed", any("2 OOM kill" in p for p in probs))
check("OOM kill of fio: no figure", "fio.shmem.read_bw" not in vals)

# a log from before oom_kills was printed still reads
vals, probs, _ = parse(job("shmem", "hog_rc=0", 4096))
check("no oom_kills field: figures kept", vals.get("fio.shmem.read_bw") == 4.0 and not probs)

# Programs' tag memory: the swap layer's share per page is the program's
# own untagged run's (as many pages, of the same kind); bench_swap's
# control only for logs without one. Regression: a full zram run once
# subtracted the synthetic control (60 B a page for its incompressible
# pages, nearly nothing for a compressor's heap) and read -63 B a page.
def prog_boot(untagged=True):
    body = ("bench_info: kernel=6.12 swap=zram quick=0 mem_kb=1000000\n"
            "bench_swap: class=untagged pages=8192 out=8192 out_mibps=240 "
            "in_mibps=520 hot_in_mibps=520 rise_per_page=60.00 "
            "slab_rise_per_page=60.00 bad_pages=0\n"
            # tagged: 4000 pages out, all tagged, SUnreclaim +40000 B
            "bench_prog: prog=zstd run=snapshot tagging=1 rc=0 ok=1 swap_kb=16000 "
            "tagged_swap_kb=16000 sunreclaim_rise=40000 slab_rise=48000\n")
    if untagged:
        # 4000 pages out, SUnreclaim +8000 B (2 B a page), slab 4 B a page
        body += ("bench_prog: prog=zstd run=snapshot tagging=0 rc=0 ok=1 swap_kb=16000 "
                 "tagged_swap_kb=0 sunreclaim_rise=8000 slab_rise=16000\n")
    return body


vals, probs, _ = parse(prog_boot())
check("programs: their own untagged run is the swap layer's share",
      abs(vals.get("prog.zstd.tag_b", 0) - (40000 - 2 * 4000) / 4000) < 1e-9)
check("programs: all slab against their own untagged run too",
      abs(vals.get("prog.zstd.slab_b", 0) - (48000 - 4 * 4000) / 4000) < 1e-9)
vals, probs, _ = parse(prog_boot(untagged=False))
check("programs: without an untagged run, the synthetic control",
      abs(vals.get("prog.zstd.tag_b", 0) - (40000 - 60 * 4000) / 4000) < 1e-9)

# BENCH_PROFILE_FUNCS: a function beyond the fixed rows gets a row of its own,
# on the side that has it, per call
prof = ("bench_profile: workload=synthetic fn=__mtetag_save_folio hits=10 us=30.0\n"
        "bench_profile: workload=synthetic fn=obj_cgroup_charge hits=4 us=1.0\n")
vals_b, probs, _ = parse(prof)
vals_a, _, _ = parse("bench_profile: workload=synthetic fn=arch_prepare_to_swap hits=10 us=20.0\n")
check("profile: per-call time", vals_b.get("prof.obj_cgroup_charge.us") == 0.25)
rows = report.profile_table({"A": [vals_a], "B": [vals_b]}, ("6.12", "mtetag"))
extra = [r for r in rows if r.startswith("| obj_cgroup_charge() |")]
check("profile: an extra function has its row, absent on one side",
      len(extra) == 1 and "| - | - | - | `obj_cgroup_charge` | 0.250 [0.250-0.250] | 4 |" in extra[0])
save = [r for r in rows if r.startswith("| save the tags")]
check("profile: a fixed row compares both kernels' hooks",
      len(save) == 1 and save[0].endswith("| +1.000 |"))

print(f"bench-report: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
