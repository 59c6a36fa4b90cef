#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host tests for mtetag-stat: fixture sysfs trees under a temporary --root.

Usage: mtetag_stat_test.py PATH-TO-mtetag-stat

Prints one TAP-like line per check ("ok N - ..." or "not ok N - ..."), then
"1..N" and a last line "P passed, F failed"; exits 1 if any check failed.
Expected figures are computed here from the fixture values, never copied
from the tool's output.
"""

import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

PROG = None
PAGE = 4096                     # passed as --page-size unless a test says otherwise
UPSTREAM = PAGE // 32           # 128 B/page, upstream's uncompressed cost

STATS = ["stored_pages", "stored_bytes", "total_bytes", "inline_pages",
         "zero_pages", "saves", "restores", "invalidates"]

GLOBAL = {
    "stored_pages": 1000, "stored_bytes": 20000, "total_bytes": 40960,
    "inline_pages": 600, "zero_pages": 300,
    "saves": 5000, "restores": 3000, "invalidates": 1000,
    "save_failures": 12,
}
# Known reasons in their documented order, then an extra one the tool must
# show although it does not know it.
FAILURES = {"nomem": 5, "xarray": 2, "cgroup": 4, "aardvark": 1}
CODEC = "runs compact raw zstd [auto]\n"
# Types 2 and 10: the tool must sort numerically, not as strings.
SWAP = {
    2: {"device": "/dev/vda", "stored_pages": 700, "stored_bytes": 15000,
        "total_bytes": 29000, "inline_pages": 400, "zero_pages": 200,
        "saves": 3500, "restores": 2000, "invalidates": 700},
    10: {"device": "/dev/zram0", "stored_pages": 300, "stored_bytes": 5000,
         "total_bytes": 11960, "inline_pages": 200, "zero_pages": 100,
         "saves": 1500, "restores": 1000, "invalidates": 300},
}
BLOB_SIZES = [(2, 10), (18, 250), (66, 40), (128, 3)]
DBG_CODECS = [("zero", 300, 0), ("runs", 300, 0), ("compact", 390, 9000),
              ("raw", 10, 1280)]
SHARDS = [(2, 0, 300), (2, 1, 400), (10, 0, 100), (10, 1, 150), (10, 2, 50)]

passed = 0
failed = 0


def check(cond, desc, detail=""):
    global passed, failed
    n = passed + failed + 1
    if cond:
        passed += 1
        print(f"ok {n} - {desc}")
    else:
        failed += 1
        print(f"not ok {n} - {desc}")
        for line in str(detail).splitlines()[:40]:
            print(f"#   {line}")
    sys.stdout.flush()
    return cond


# ---- fixtures -------------------------------------------------------------

def write(path, text):
    """Write atomically, so that a running mtetag-stat never sees half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def sysfs(root):
    return os.path.join(root, "sys/kernel/mm/mtetag")


def write_counters(root, values, swap=None):
    d = sysfs(root)
    for k, v in values.items():
        write(os.path.join(d, k), f"{v}\n")
    for t, sv in (swap or {}).items():
        for k, v in sv.items():
            write(os.path.join(d, "swap", str(t), k), f"{v}\n")


def make_tree(debugfs=False, cgroups=None, swap=True):
    """A normal tree: global counters, the codec, two swap types."""
    root = tempfile.mkdtemp(prefix="mtetag-stat-test.")
    d = sysfs(root)
    write_counters(root, GLOBAL)
    for reason, n in FAILURES.items():
        write(os.path.join(d, "save_failures_" + reason), f"{n}\n")
    write(os.path.join(d, "codec"), CODEC)
    if swap:
        write_counters(root, {}, SWAP)
    if debugfs:
        dd = os.path.join(root, "sys/kernel/debug/mtetag")
        write(os.path.join(dd, "blob_sizes"),
              "".join(f"{s} {c}\n" for s, c in BLOB_SIZES))
        write(os.path.join(dd, "codecs"),
              "".join(f"{n} {p} {b}\n" for n, p, b in DBG_CODECS))
        # A header line the tool must skip (and count as ignored).
        write(os.path.join(dd, "shards"), "type shard entries\n" +
              "".join(f"{t} {s} {e}\n" for t, s, e in SHARDS))
    for cg, stat in (cgroups or {}).items():
        write(os.path.join(root, "sys/fs/cgroup", cg.lstrip("/"), "memory.stat"),
              stat)
    return root


def run(root, *args, page_size=PAGE, timeout=20):
    cmd = [PROG]
    if root is not None:
        cmd += ["--root", root]
    if page_size:
        cmd += ["--page-size", str(page_size)]
    cmd += list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def field(out, label):
    """The value after a table label, e.g. "bytes per page      40.96"."""
    m = re.search(r"^\s*" + re.escape(label) + r"\s+(\S+)", out, re.M)
    return m.group(1) if m else None


def pct(part, whole):
    return "%.1f%%" % (100.0 * part / whole)


def close(a, b):
    return a is not None and abs(a - b) < 1e-3


# ---- tests ----------------------------------------------------------------

def test_table():
    root = make_tree()
    rc, out, err = run(root)
    check(rc == 0 and err == "", "table: exit 0, nothing on stderr",
          f"rc={rc} err={err}")
    g = GLOBAL
    check(field(out, "stored pages") == str(g["stored_pages"]),
          "table: stored pages", out)
    check(re.search(r"^\s*inline pages\s+600\s+" + re.escape(pct(600, 1000)),
                    out, re.M), "table: inline pages and share (60.0%)", out)
    check(re.search(r"^\s*zero pages\s+300\s+" + re.escape(pct(300, 1000)),
                    out, re.M), "table: zero pages and share (30.0%)", out)
    bpp = "%.2f" % (g["total_bytes"] / g["stored_pages"])
    check(field(out, "bytes per page") == bpp,
          f"table: bytes per page = total_bytes/stored_pages = {bpp}", out)
    ratio = "%.2fx" % (g["stored_pages"] * UPSTREAM / g["total_bytes"])
    check(field(out, "compression ratio") == ratio,
          f"table: compression ratio against 128 B/page = {ratio}", out)
    check("against 128 B/page uncompressed (125.0 KiB)" in out,
          "table: uncompressed cost shown in units", out)
    check(re.search(r"^\s*total bytes\s+40960\s+40\.0 KiB", out, re.M),
          "table: total bytes with units", out)
    check(re.search(r"^\s*stored bytes\s+20000\s+19\.5 KiB", out, re.M),
          "table: stored bytes with units", out)
    check("codec: auto (available: runs compact raw zstd auto)" in out,
          "table: current codec", out)
    for k in ("saves", "restores", "invalidates"):
        check(field(out, k) == str(g[k]), f"table: {k}", out)
    check(field(out, "save failures") == "12", "table: save failures", out)
    reasons = re.findall(r"^    (\w+)\s+(\d+)$", out, re.M)
    check(reasons == [(r, str(n)) for r, n in FAILURES.items()],
          "table: failure reasons, known ones first, extra one shown", reasons)

    rows = re.findall(r"^\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+ \S+)\s+(\S+ \S+)"
                      r"\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)$", out, re.M)
    check([r[0] for r in rows] == ["2", "10"],
          "table: one row per swap type, sorted numerically", out)
    for r in rows:
        s = SWAP[int(r[0])]
        want = (str(s["stored_pages"]), pct(s["inline_pages"], s["stored_pages"]),
                pct(s["zero_pages"], s["stored_pages"]),
                "%.2f" % (s["total_bytes"] / s["stored_pages"]),
                "%.2fx" % (s["stored_pages"] * UPSTREAM / s["total_bytes"]),
                str(s["saves"]), str(s["restores"]), str(s["invalidates"]),
                s["device"])
        got = (r[1], r[2], r[3], r[6], r[7], r[8], r[9], r[10], r[11])
        check(got == want, f"table: swap type {r[0]} figures", f"got {got}\nwant {want}")
    check("Debugfs" not in out and "cgroup (" not in out,
          "table: no debugfs or cgroup section unless asked", out)
    shutil.rmtree(root)


def test_json():
    root = make_tree()
    rc, out, err = run(root, "-j")
    check(rc == 0 and err == "", "json: exit 0", f"rc={rc} err={err}")
    try:
        j = json.loads(out)
    except ValueError as e:
        check(False, "json: well-formed", f"{e}\n{out}")
        shutil.rmtree(root)
        return
    check(True, "json: well-formed")
    check(j.get("schema") == 1, "json: schema 1", j.get("schema"))
    check(j.get("page_size") == PAGE and
          j.get("uncompressed_bytes_per_page") == UPSTREAM,
          "json: page size and uncompressed cost")
    check(j.get("codec") == "auto" and
          j.get("codecs") == ["runs", "compact", "raw", "zstd", "auto"],
          "json: codec and codecs", (j.get("codec"), j.get("codecs")))
    for k, v in GLOBAL.items():
        check(j.get(k) == v, f"json: {k} = {v}", j.get(k))
    check(j.get("save_failures_by_reason") == FAILURES,
          "json: save_failures_by_reason", j.get("save_failures_by_reason"))
    g = GLOBAL
    check(close(j.get("bytes_per_page"), g["total_bytes"] / g["stored_pages"]),
          "json: bytes_per_page", j.get("bytes_per_page"))
    check(close(j.get("compression_ratio"),
                g["stored_pages"] * UPSTREAM / g["total_bytes"]),
          "json: compression_ratio", j.get("compression_ratio"))
    check(close(j.get("inline_percent"), 60.0) and close(j.get("zero_percent"), 30.0),
          "json: inline_percent and zero_percent")
    check(j.get("uncompressed_bytes") == g["stored_pages"] * UPSTREAM,
          "json: uncompressed_bytes")
    sw = j.get("swap")
    check(isinstance(sw, list) and [s.get("type") for s in sw] == [2, 10],
          "json: swap array, sorted by type", sw)
    for s in sw or []:
        want = SWAP.get(s.get("type"), {})
        got = {k: s.get(k) for k in want}
        check(got == want, f"json: swap type {s.get('type')} values", f"{got}\n{want}")
        check(close(s.get("compression_ratio"),
                    want["stored_pages"] * UPSTREAM / want["total_bytes"]),
              f"json: swap type {s.get('type')} compression_ratio")
    check("debugfs" not in j and "cgroups" not in j,
          "json: no debugfs or cgroups members unless asked")
    shutil.rmtree(root)


def test_page_size():
    root = make_tree()
    rc, out, _ = run(root, "-j", page_size=16384)
    j = json.loads(out) if rc == 0 else {}
    check(j.get("uncompressed_bytes_per_page") == 512 and
          close(j.get("compression_ratio"), 1000 * 512 / 40960),
          "--page-size 16384: 512 B/page uncompressed, ratio follows", out)
    rc, out, _ = run(root, "-j", page_size=None)
    j = json.loads(out) if rc == 0 else {}
    check(j.get("page_size") == os.sysconf("SC_PAGE_SIZE"),
          "default page size is this system's", j.get("page_size"))
    rc, out, err = run(root, page_size=1000)
    check(rc == 2 and out == "" and "bad page size" in err,
          "--page-size 1000 refused with exit 2", f"rc={rc} err={err}")
    shutil.rmtree(root)


def test_zero_pages_stored():
    root = make_tree()
    write_counters(root, dict.fromkeys(STATS[:5], 0))
    rc, out, _ = run(root)
    check(rc == 0 and field(out, "bytes per page") == "-" and
          field(out, "compression ratio") == "-",
          "nothing stored: derived figures shown as '-'", out)
    rc, out, _ = run(root, "-j")
    j = json.loads(out) if rc == 0 else {}
    check(all(j.get(k, 0) is None for k in ("bytes_per_page", "compression_ratio",
                                             "inline_percent", "zero_percent")),
          "nothing stored: derived figures null in JSON", out)
    shutil.rmtree(root)


def test_missing_mtetag():
    root = tempfile.mkdtemp(prefix="mtetag-stat-test.")
    os.makedirs(os.path.join(root, "sys/kernel/mm"))
    for args in ((), ("-j",), ("-i", "1", "-c", "1")):
        rc, out, err = run(root, *args)
        want = (f"mtetag-stat: {root}/sys/kernel/mm/mtetag not found: this kernel "
                "has no mtetag (CONFIG_MTETAG) or it is not active\n")
        check(rc == 2 and out == "" and err == want,
              f"no mtetag dir {' '.join(args)}: message and exit 2",
              f"rc={rc}\nout={out}\nerr={err}")
    shutil.rmtree(root)


def bad_file(rel, content, problem, args=()):
    """Garble one file; the tool must name it, say why, and print nothing."""
    root = make_tree()
    path = os.path.join(sysfs(root), rel)
    if content is None:
        os.remove(path)
    elif content is IsADirectoryError:
        os.remove(path)
        os.mkdir(path)
    else:
        write(path, content)
    rc, out, err = run(root, *args)
    check(rc == 1 and out == "" and err.startswith(f"mtetag-stat: {path}: ") and
          problem in err,
          f"{rel} = {content!r} {' '.join(args)}: exit 1, names file and '{problem}'",
          f"rc={rc}\nout={out}\nerr={err}")
    shutil.rmtree(root)


def test_bad_files():
    bad_file("stored_pages", "12abc\n", "not a decimal number")
    bad_file("stored_pages", "", "empty file")
    bad_file("stored_pages", "\n", "empty file")
    bad_file("total_bytes", "-1\n", "not a decimal number")
    bad_file("total_bytes", " 7\n", "not a decimal number")
    bad_file("saves", "0x10\n", "not a decimal number")
    bad_file("saves", "1 2\n", "not a decimal number")
    bad_file("restores", "18446744073709551616\n", "number out of range")
    bad_file("restores", "99999999999999999999999\n", "number out of range", ("-j",))
    bad_file("invalidates", IsADirectoryError, "Is a directory")
    bad_file("zero_pages", IsADirectoryError, "Is a directory", ("-j",))
    bad_file("inline_pages", None, "No such file or directory")
    bad_file("save_failures", "lots\n", "not a decimal number")
    bad_file("save_failures_nomem", "5x\n", "not a decimal number", ("-j",))
    bad_file("swap/10/saves", "12,5\n", "not a decimal number")
    bad_file("swap/2/total_bytes", IsADirectoryError, "Is a directory")
    bad_file("swap/2/device", "\n", "empty file")
    bad_file("swap/10/invalidates", None, "No such file or directory", ("-j",))
    bad_file("codec", "runs compact raw zstd auto\n", "no current codec")
    bad_file("codec", "[runs] [auto]\n", "more than one codec")
    bad_file("codec", "", "empty file")

    root = make_tree()
    write(os.path.join(sysfs(root), "saves"), "18446744073709551615\n")
    rc, out, _ = run(root, "-j")
    check(rc == 0 and json.loads(out).get("saves") == 2**64 - 1,
          "largest u64 accepted", out)
    shutil.rmtree(root)


def test_swap_dir():
    root = make_tree(swap=False)
    rc, out, err = run(root)
    check(rc == 0 and f"not available: {sysfs(root)}/swap not found" in out,
          "missing swap dir: table says so, exit 0", f"rc={rc}\n{out}{err}")
    rc, out, _ = run(root, "-j")
    check(rc == 0 and json.loads(out).get("swap", 0) is None,
          "missing swap dir: JSON swap is null", out)
    os.mkdir(os.path.join(sysfs(root), "swap"))
    rc, out, _ = run(root)
    check(rc == 0 and "no active swap type" in out,
          "empty swap dir: no active swap type", out)
    rc, out, _ = run(root, "-j")
    check(rc == 0 and json.loads(out).get("swap") == [],
          "empty swap dir: JSON swap is []", out)
    shutil.rmtree(root)


def test_device_escaping():
    root = make_tree()
    dev = '/srv/swap "a"\\b\tc'
    write(os.path.join(sysfs(root), "swap/2/device"), dev + "\n")
    rc, out, _ = run(root, "-j")
    try:
        got = json.loads(out)["swap"][0]["device"]
    except (ValueError, KeyError, IndexError):
        got = None
    check(rc == 0 and got == dev, "json: device path with quotes, backslash, tab",
          out)
    shutil.rmtree(root)


def test_debugfs():
    root = make_tree(debugfs=True)
    rc, out, err = run(root, "-d")
    check(rc == 0 and err == "", "debugfs: -d exit 0", f"rc={rc} err={err}")
    total = sum(c for _, c in BLOB_SIZES)
    rows = re.findall(r"^\s+(\d+)\s+(\d+)\s+(\S+%)\s+\S+ \S+$", out, re.M)
    want = [(str(s), str(c), pct(c, total)) for s, c in BLOB_SIZES]
    check(rows == want, "debugfs: blob size histogram with shares",
          f"{rows}\n{want}")
    for name, pages, nbytes in DBG_CODECS:
        bpp = "%.2f" % (nbytes / pages) if pages else "-"
        check(re.search(rf"^\s+{name}\s+{pages}\s+\S+ \S+\s+{re.escape(bpp)}$",
                        out, re.M), f"debugfs: codec {name} row", out)
    for t in (2, 10):
        ent = [e for tt, _, e in SHARDS if tt == t]
        check(re.search(rf"^\s+{t}\s+{len(ent)}\s+{sum(ent)}\s+{min(ent)}\s+{max(ent)}$",
                        out, re.M), f"debugfs: shard summary for type {t}", out)
    check("(1 unrecognised line ignored)" in out,
          "debugfs: header line of shards ignored and counted", out)

    rc, out, _ = run(root, "-d", "-j")
    j = json.loads(out).get("debugfs", {}) if rc == 0 else {}
    check(j.get("readable") is True and j.get("errors") == [],
          "debugfs json: readable, no errors", j)
    check(j.get("blob_sizes") == [{"size": s, "count": c} for s, c in BLOB_SIZES],
          "debugfs json: blob_sizes", j.get("blob_sizes"))
    check(j.get("codecs") == [{"name": n, "pages": p, "bytes": b}
                              for n, p, b in DBG_CODECS],
          "debugfs json: codecs", j.get("codecs"))
    check(j.get("shards") == [{"type": t, "shard": s, "entries": e}
                              for t, s, e in SHARDS],
          "debugfs json: shards", j.get("shards"))
    check(j.get("ignored_lines") == 1, "debugfs json: ignored_lines", j)

    dd = os.path.join(root, "sys/kernel/debug/mtetag")
    os.remove(os.path.join(dd, "codecs"))
    rc, out, _ = run(root, "-d", "-j")
    j = json.loads(out).get("debugfs", {}) if rc == 0 else {}
    check(rc == 0 and j.get("codecs", 0) is None and len(j.get("blob_sizes", [])) == 4
          and len(j.get("errors", [])) == 1 and "codecs" in j["errors"][0],
          "debugfs json: one file missing, the rest still shown", j)
    shutil.rmtree(dd)
    rc, out, err = run(root, "-d")
    check(rc == 0 and re.search(r"not readable: .*/sys/kernel/debug/mtetag: "
                                r"No such file or directory", out)
          and field(out, "stored pages") == "1000",
          "debugfs absent: -d says so, table still complete, exit 0",
          f"rc={rc}\n{out}{err}")
    rc, out, _ = run(root, "-d", "-j")
    j = json.loads(out).get("debugfs", {}) if rc == 0 else {}
    check(j.get("readable") is False and j.get("blob_sizes", 0) is None and
          j.get("errors"), "debugfs absent json: readable false, arrays null", j)
    shutil.rmtree(root)


CG_ROOT_STAT = "anon 4096\nfile 8192\nmtetag 7000\nshmem 0\n"


def test_cgroups():
    root = make_tree(cgroups={
        "/": CG_ROOT_STAT,
        "/system.slice": "anon 1\nmtetag 1000\n",
        "/user.slice/user-0.slice": "anon 1\nmtetag 6000\nfile 3\n",
        "/idle": "anon 1\nmtetag 0\n",
    })
    rc, out, err = run(root, "-g")
    rows = re.findall(r"^\s+(\d+)\s+\S+ \S+\s+(/\S*)$", out, re.M)
    check(rc == 0 and rows == [("7000", "/"), ("6000", "/user.slice/user-0.slice"),
                               ("1000", "/system.slice")],
          "cgroups: non-zero mtetag lines, largest first, zero ones left out",
          f"rc={rc}\n{out}{err}")
    rc, out, _ = run(root, "-g", "-j")
    j = json.loads(out).get("cgroups", {}) if rc == 0 else {}
    check(j.get("supported") is True and j.get("memory_stat_files") == 4 and
          j.get("list") == [{"cgroup": "/", "bytes": 7000},
                            {"cgroup": "/user.slice/user-0.slice", "bytes": 6000},
                            {"cgroup": "/system.slice", "bytes": 1000}],
          "cgroups json: supported, list", j)
    shutil.rmtree(root)

    root = make_tree(cgroups={"/": "anon 1\nfile 2\n", "/a": "anon 1\n"})
    rc, out, _ = run(root, "-g")
    check(rc == 0 and 'this kernel has no "mtetag" line in memory.stat' in out,
          "cgroups: kernel without the mtetag line says so", out)
    rc, out, _ = run(root, "-g", "-j")
    j = json.loads(out).get("cgroups", {}) if rc == 0 else {}
    check(j.get("supported") is False and j.get("list") == [],
          "cgroups json: supported false", j)
    shutil.rmtree(root)

    root = make_tree(cgroups={"/": "mtetag 0\n", "/a": "mtetag 0\n"})
    rc, out, _ = run(root, "-g")
    check(rc == 0 and "no cgroup holds mtetag bytes" in out,
          "cgroups: all zero says so", out)
    shutil.rmtree(root)

    root = make_tree(cgroups={"/": "mtetag 10\n", "/bad": "mtetag 12k\n"})
    rc, out, err = run(root, "-g")
    check(rc == 1 and out == "" and "/sys/fs/cgroup/bad/memory.stat: malformed line" in err,
          "cgroups: malformed mtetag line names the file, exit 1",
          f"rc={rc}\n{out}{err}")
    shutil.rmtree(root)

    root = make_tree()
    rc, out, _ = run(root, "-g")
    check(rc == 0 and "sys/fs/cgroup not found" in out,
          "cgroups: no cgroup hierarchy says so", out)
    shutil.rmtree(root)


class Lines:
    """Read a child's stdout line by line, with a deadline per line."""

    def __init__(self, proc):
        self.fd = proc.stdout.fileno()
        self.buf = b""

    def get(self, timeout=5.0):
        end = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            chunk = os.read(self.fd, 4096)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()


WATCH_GAUGES = {"stored": "stored_pages", "inline": "inline_pages",
                "zero": "zero_pages", "bytes": "stored_bytes",
                "total": "total_bytes"}
WATCH_DELTAS = {"saves": "saves", "restores": "restores",
                "invals": "invalidates", "fails": "save_failures"}


def watch_expect(prev, cur):
    want = {col: str(cur[k]) for col, k in WATCH_GAUGES.items()}
    want.update({col: str(cur[k] - prev[k]) for col, k in WATCH_DELTAS.items()})
    want["B/page"] = "%.1f" % (cur["total_bytes"] / cur["stored_pages"])
    want["ratio"] = "%.2f" % (cur["stored_pages"] * UPSTREAM / cur["total_bytes"])
    return want


def test_watch():
    root = make_tree()
    a = dict(GLOBAL)
    b = dict(a, stored_pages=1014, inline_pages=610, zero_pages=301,
             stored_bytes=20100, total_bytes=41000, saves=5017, restores=3005,
             invalidates=1003, save_failures=14)
    c = dict(b, stored_pages=1050, inline_pages=640, stored_bytes=20500,
             total_bytes=42000, saves=5057, invalidates=1012)
    proc = subprocess.Popen([PROG, "--root", root, "--page-size", str(PAGE),
                             "-i", "1", "-c", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = Lines(proc)
    group, header = lines.get(), lines.get()
    check(group is not None and "tags held now" in group and "per interval" in group,
          "watch: group header printed at once", group)
    cols = header.split() if header else []
    check(cols == ["stored", "inline", "zero", "bytes", "total", "B/page",
                   "ratio", "saves", "restores", "invals", "fails"],
          "watch: column header", header)
    write_counters(root, b)
    l1 = lines.get(timeout=5)
    write_counters(root, c)
    l2 = lines.get(timeout=5)
    rest = proc.stdout.read().decode()
    rc = proc.wait(timeout=10)
    err = proc.stderr.read().decode()
    proc.stdout.close()
    proc.stderr.close()
    for n, line, prev, cur in ((1, l1, a, b), (2, l2, b, c)):
        got = dict(zip(cols, line.split())) if line else {}
        want = watch_expect(prev, cur)
        check(got == want, f"watch: line {n}: gauges now, counters as deltas",
              f"got  {got}\nwant {want}")
    check(rc == 0 and rest == "" and err == "",
          "watch: -c 2 stops after two lines, exit 0", f"rc={rc} rest={rest!r} err={err}")
    shutil.rmtree(root)


def test_watch_header_and_reset():
    root = make_tree()
    rc, out, err = run(root, "-i", "0.01", "-c", "45")
    lines = out.splitlines()
    headers = [i for i, l in enumerate(lines) if l.split()[:1] == ["stored"]]
    check(rc == 0 and len(lines) == 45 + 3 * 2 and headers == [1, 23, 45],
          "watch: header repeated every 20 lines", f"rc={rc} {headers}\n{err}")
    data = [l.split() for l in lines if re.match(r"^\s*\d", l)]
    check(len(data) == 45 and all(d[7:] == ["0", "0", "0", "0"] for d in data),
          "watch: unchanged counters give zero deltas", data[:3])

    # A counter that goes back (mtetag reloaded) counts from zero.
    proc = subprocess.Popen([PROG, "--root", root, "-i", "1", "-c", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = Lines(proc)
    lines.get(), lines.get()
    write_counters(root, {"saves": 7})
    line = lines.get()
    proc.wait(timeout=10)
    proc.stdout.close()
    proc.stderr.close()
    check(line is not None and line.split()[7] == "7",
          "watch: counter reset shows the new value", line)

    # A file garbled between intervals: named, exit 1.
    proc = subprocess.Popen([PROG, "--root", root, "-i", "1", "-c", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = Lines(proc)
    lines.get(), lines.get()
    write(os.path.join(sysfs(root), "restores"), "x\n")
    rc = proc.wait(timeout=10)
    err = proc.stderr.read().decode()
    out = proc.stdout.read().decode()
    proc.stdout.close()
    proc.stderr.close()
    check(rc == 1 and out == "" and "restores: not a decimal number" in err,
          "watch: file garbled while watching: named, exit 1", f"rc={rc} {out} {err}")
    shutil.rmtree(root)


def test_usage():
    root = make_tree()
    for args in (("-x",), ("--bogus",), ("extra",), ("-c", "2"), ("-i", "0"),
                 ("-i", "abc"), ("-i", "-1"), ("-i", "1."), ("-i", "1", "-c", "0"),
                 ("-i", "1", "-c", "x"), ("-i", "1", "-j"), ("-i", "1", "-d"),
                 ("-i", "1", "-g"), ("-i",), ("--root",)):
        rc, out, err = run(root, *args)
        check(rc == 2 and out == "" and "Usage: mtetag-stat" in err,
              f"usage: {' '.join(args)} gives usage, exit 2", f"rc={rc}\n{out}{err}")
    rc, out, err = run(root, "-h")
    check(rc == 0 and out.startswith("Usage: mtetag-stat") and err == "",
          "-h: usage on stdout, exit 0", f"rc={rc}\n{err}")
    shutil.rmtree(root)


def test_guest_check():
    """guest-check.sh is for busybox in the guest; any POSIX sh runs it here."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "guest-check.sh")
    root = make_tree(debugfs=True, cgroups={"/": CG_ROOT_STAT})
    env = dict(os.environ, MTETAG_STAT_ROOT=root)
    p = subprocess.run(["sh", script, PROG], capture_output=True, text=True,
                       env=env, timeout=60)
    last = p.stdout.splitlines()[-1:] or [""]
    check(p.returncode == 0 and re.fullmatch(r"[1-9]\d* passed, 0 failed", last[0])
          and "not ok" not in p.stdout,
          "guest-check.sh passes on the fixture", p.stdout + p.stderr)

    # A tool that reports a value the files do not hold must be caught.
    liar = os.path.join(root, "liar")
    with open(liar, "w") as f:
        f.write("#!/bin/sh\n"
                f'"{PROG}" "$@" | sed "s/\\"restores\\": 3000/\\"restores\\": 3001/"\n')
    os.chmod(liar, 0o755)
    p = subprocess.run(["sh", script, liar], capture_output=True, text=True,
                       env=env, timeout=60)
    check(p.returncode != 0 and
          "not ok" in p.stdout and "restores: JSON says 3001, sysfs 3000" in p.stdout,
          "guest-check.sh catches a wrong number", p.stdout + p.stderr)

    empty = tempfile.mkdtemp(prefix="mtetag-stat-test.")
    p = subprocess.run(["sh", script, PROG], capture_output=True, text=True,
                       env=dict(os.environ, MTETAG_STAT_ROOT=empty), timeout=60)
    check(p.returncode == 0 and p.stdout.endswith("2 passed, 0 failed\n"),
          "guest-check.sh without mtetag: checks exit 2 and the message",
          p.stdout + p.stderr)
    shutil.rmtree(empty)
    shutil.rmtree(root)


def test_compress_delay():
    """compress_delay_ms: shown when present, absent on older kernels."""
    for content, line in (("1000\n", "compression: deferred, 1000 ms after swap-out"),
                          ("0\n", "compression: at swap-out")):
        root = make_tree()
        write(os.path.join(sysfs(root), "compress_delay_ms"), content)
        rc, out, err = run(root)
        check(rc == 0 and line in out, f"table: compress_delay_ms {content.strip()}",
              out + err)
        rc, out, err = run(root, "-j")
        check(rc == 0 and json.loads(out).get("compress_delay_ms") == int(content),
              f"json: compress_delay_ms {content.strip()}", out + err)
        shutil.rmtree(root)
    root = make_tree()
    rc, out, err = run(root)
    check(rc == 0 and "compression:" not in out,
          "table: no compression line without compress_delay_ms", out + err)
    rc, out, err = run(root, "-j")
    check(rc == 0 and "compress_delay_ms" not in json.loads(out),
          "json: no compress_delay_ms without the file", out + err)
    shutil.rmtree(root)
    bad_file("compress_delay_ms", "soon\n", "not a decimal number")
    bad_file("compress_delay_ms", "-5\n", "not a decimal number", ("-j",))


def main():
    global PROG
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    PROG = os.path.abspath(sys.argv[1])
    for t in (test_table, test_json, test_page_size, test_zero_pages_stored,
              test_missing_mtetag, test_bad_files, test_swap_dir,
              test_device_escaping, test_debugfs, test_cgroups, test_watch,
              test_watch_header_and_reset, test_usage, test_guest_check,
              test_compress_delay):
        try:
            t()
        except Exception as e:      # a crash in a test is a failure, not an abort
            check(False, f"{t.__name__} ran to the end", repr(e))
    print(f"1..{passed + failed}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
