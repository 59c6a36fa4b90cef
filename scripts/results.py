#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read a guest console log and judge it.

results.py LOG LABEL [--kunit] [--expect-tests]

Counts the KUnit cases in the kernel log (with --kunit) and the KTAP results
of the in-guest programs, and fails on any failure, a missing result section
(the guest crashed or timed out), a failed emulator self-check, or any kernel
report: BUG, WARNING, panic, Oops, lockdep, KASAN, UBSAN, kmemleak, hung task.
Prints one line per failure and a final 'LABEL: N passed, N failed, N skipped';
writes the counts to LOG.counts for the top-level summary.
"""
import re
import sys

KERNEL_REPORTS = [
    (r"BUG: ", "kernel BUG"),
    (r"WARNING: ", "kernel WARNING"),
    (r"Kernel panic", "kernel panic"),
    (r"Internal error: Oops", "Oops"),
    (r"Unable to handle kernel", "kernel fault"),
    (r"possible circular locking dependency", "lockdep"),
    (r"inconsistent lock state", "lockdep"),
    (r"possible recursive locking", "lockdep"),
    (r"suspicious RCU usage", "lockdep RCU"),
    (r"sleeping function called from invalid context", "atomic sleep"),
    (r"KASAN: ", "KASAN"),
    (r"UBSAN: ", "UBSAN"),
    (r"unreferenced object 0x", "kmemleak"),
    (r"blocked for more than \d+ seconds", "hung task"),
    (r"Tag check fault|SEGV_MTESERR", "MTE tag check fault"),
]
TS = re.compile(r"^\[\s*\d+\.\d+\]\s?")


def section(text, name):
    m = re.search(r"===MTETAG-%s-BEGIN===\r?\n(.*?)===MTETAG-%s-END===" % (name, name),
                  text, re.S)
    return None if m is None else m.group(1).replace("\r", "")


def kunit_counts(dmesg, fails):
    """Count KUnit test cases: result lines one level below a suite."""
    p = f = s = 0
    for line in dmesg.splitlines():
        line = TS.sub("", line)
        m = re.match(r"^    (not ok|ok) \d+ (.*)$", line)
        if not m:
            continue
        if "# SKIP" in m.group(2):
            s += 1
        elif m.group(1) == "ok":
            p += 1
        else:
            f += 1
            fails.append("KUnit: not ok %s" % m.group(2))
    return p, f, s


def program_counts(results, fails):
    """Count top-level KTAP results of each in-guest program."""
    p = f = s = 0
    prog = None
    seen = 0
    for line in results.splitlines():
        m = re.match(r"^### program: (\S+)", line)
        if m:
            prog, seen = m.group(1), 0
            continue
        m = re.match(r"^### exit: (\S+) (\S+)", line)
        if m:
            rc = m.group(2)
            # kselftest: 0 pass, 4 skip; anything else after no 'not ok'
            # line is a failure of its own (crash, bad exit).
            if rc not in ("0", "4") and not any(x.startswith(m.group(1) + ":") for x in fails):
                f += 1
                fails.append("%s: exited with %s" % (m.group(1), rc))
            elif rc == "4" and seen == 0:
                s += 1
            prog = None
            continue
        m = re.match(r"^(not ok|ok) \d+ (.*)$", line)
        if m and prog:
            seen += 1
            if re.search(r"#\s*(SKIP|skip)", m.group(2)):
                s += 1
            elif m.group(1) == "ok":
                p += 1
            else:
                f += 1
                fails.append("%s: not ok %s" % (prog, m.group(2)))
    return p, f, s


def main():
    log, label = sys.argv[1], sys.argv[2]
    want_kunit = "--kunit" in sys.argv
    text = open(log, errors="replace").read()
    fails = []
    passed = failed = skipped = 0

    results = section(text, "RESULTS")
    dmesg = section(text, "DMESG")
    if results is None or dmesg is None:
        tail = "\n".join(text.replace("\r", "").splitlines()[-15:])
        fails.append("guest did not finish (crash, panic or timeout); console tail:\n" + tail)
        failed += 1
        dmesg = dmesg or text
        results = results or ""

    if "mte-selfcheck: FAIL" in results or "mte-selfcheck: FAIL" in text:
        m = re.search(r"mte-selfcheck: FAIL: .*", text)
        fails.append("emulator self-check failed, nothing else counts: " + m.group(0))
        failed += 1
    elif "mte-selfcheck: ok" not in results and results:
        fails.append("emulator self-check did not run")
        failed += 1

    if want_kunit:
        p, f, s = kunit_counts(dmesg, fails)
        if p + f == 0:
            fails.append("KUnit: no test case ran (is CONFIG_MTETAG_KUNIT_TEST set?)")
            f += 1
        passed, failed, skipped = passed + p, failed + f, skipped + s
    p, f, s = program_counts(results, fails)
    passed, failed, skipped = passed + p, failed + f, skipped + s
    if "--expect-tests" in sys.argv and p + f == 0:
        fails.append("no in-guest test result at all")
        failed += 1

    for line in dmesg.splitlines():
        for pat, what in KERNEL_REPORTS:
            if re.search(pat, line):
                fails.append("kernel log: %s: %s" % (what, TS.sub("", line).strip()))
                failed += 1
                break

    for f in fails:
        print("%s: FAIL: %s" % (label, f))
    print("%s: %d passed, %d failed, %d skipped" % (label, passed, failed, skipped))
    with open(log + ".counts", "w") as fh:
        fh.write("%d %d %d\n" % (passed, failed, skipped))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
