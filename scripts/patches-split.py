#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The overlay as of each patch of the series that patches/split.txt describes.

A block of split.txt brings whole overlay files ("files:") and may add to
files of earlier blocks through hunk diffs ("hunks: patches/split/X.diff"):
unified diffs against overlay files, from the file as of the patch before to
the file as of this patch. The overlay holds the final files only, so the
file as of patch N is the final file with the hunk diffs of every later
patch taken out again (patch -R, no fuzz), the last patch's first.

  patches-split.py blocks          the blocks as JSON (for patches.sh)
  patches-split.py state N DIR     write the overlay files of patches 1..N,
                                   as of patch N, into DIR
  patches-split.py regen N DIR     help to rewrite patch N's hunk diff when
                                   it no longer applies: DIR/after is the
                                   overlay as of patch N, DIR/before the same
                                   with the old diff taken out as far as it
                                   still goes (*.rej where it does not)
  patches-split.py hunk N BEFORE   write patch N's hunk diff: from the files
                                   in BEFORE to the overlay as of patch N

To change what a patch adds to an earlier file, or when 'make patches' says
a diff no longer applies (an edit of the final file touched its context):

  scripts/patches.sh --regen N /tmp/r  # N: the patch the error names
  # edit /tmp/r/before/... until it is the file without patch N's change
  scripts/patches.sh --hunk N /tmp/r/before

Diffs are taken out last patch first, so fix the highest N first.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVERLAY_PATHS = ["Kconfig.mtetag", "mm", "include", "arch", "Documentation",
                 "tools"]


def die(msg):
    sys.exit("patches: ERROR: " + msg)


def overlay_files():
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "--"]
                         + OVERLAY_PATHS, cwd=TOP, check=True,
                         capture_output=True, text=True).stdout
    return sorted({f for f in out.splitlines()
                   if os.path.isfile(os.path.join(TOP, f))})


def parse_split():
    blocks, cur = [], None
    with open(os.path.join(TOP, "patches/split.txt")) as fh:
        for line in fh:
            if line.startswith("#") and cur is None:
                continue
            if line.startswith("=== "):
                cur = {"subject": line[4:].strip(), "files": [], "quilt": [],
                       "hunks": [], "body": []}
                blocks.append(cur)
            elif cur is not None and not cur["body"] and \
                    line.split(":")[0] in ("files", "quilt", "hunks") and \
                    ":" in line:
                key, val = line.split(":", 1)
                cur[key] = val.split()
            elif cur is not None:
                cur["body"].append(line.rstrip("\n"))
    for b in blocks:
        b["body"] = "\n".join(b["body"]).strip("\n")
    return blocks


def parse_diff(path):
    """{file: text of its part of the diff}, hunk by hunk, so that a removed
    line starting with '-- ' is never taken for a file header."""
    with open(os.path.join(TOP, path)) as fh:
        lines = fh.read().splitlines(keepends=True)
    parts, i = {}, 0
    while i < len(lines):
        if not (lines[i].startswith("--- ") and i + 1 < len(lines)
                and lines[i + 1].startswith("+++ ")):
            i += 1      # comments, 'diff' and 'index' lines
            continue
        name = lines[i + 1][4:].split("\t")[0].strip()
        if not name.startswith("b/"):
            die(f"{path}: '+++ {name}': paths must start with a/ and b/")
        name = name[2:]
        text = lines[i] + lines[i + 1]
        i += 2
        while i < len(lines) and lines[i].startswith("@@ "):
            try:
                old, new = lines[i].split()[1:3]
                nold = int(old.split(",")[1]) if "," in old else 1
                nnew = int(new.split(",")[1]) if "," in new else 1
            except (ValueError, IndexError):
                die(f"{path}: bad hunk header: {lines[i].strip()}")
            text += lines[i]
            i += 1
            while (nold > 0 or nnew > 0) and i < len(lines):
                c = lines[i][:1]
                if c in (" ", "\n"):
                    nold -= 1
                    nnew -= 1
                elif c == "-":
                    nold -= 1
                elif c == "+":
                    nnew -= 1
                elif c != "\\":
                    die(f"{path}: {name}: hunk shorter than its header says")
                text += lines[i]
                i += 1
            while i < len(lines) and lines[i].startswith("\\"):
                text += lines[i]
                i += 1
        if name in parts:
            die(f"{path}: {name} appears twice")
        parts[name] = text
    if not parts:
        die(f"{path}: no file in this diff")
    return parts


def load():
    """Blocks with the overlay files they bring ("sel") and the parts of
    their hunk diffs ("parts": [(diff, {file: text})]), checked."""
    blocks = parse_split()
    overlay = overlay_files()
    owner = {}
    for k, b in enumerate(blocks):
        b["sel"] = []
        for f in b["files"]:
            f = f.rstrip("/")
            sel = [g for g in overlay if g == f or g.startswith(f + "/")]
            if not sel:
                die(f"split.txt: '{f}' matches no overlay file")
            for g in sel:
                if g in owner:
                    die(f"overlay file {g} in two patches of split.txt")
                owner[g] = k
            b["sel"] += sel
    missing = [f for f in overlay if f not in owner]
    if missing:
        die("overlay files in no patch of split.txt: " + " ".join(missing))
    used = set()
    for k, b in enumerate(blocks):
        b["parts"] = []
        for d in b["hunks"]:
            if d in used:
                die(f"split.txt: {d} in two patches")
            used.add(d)
            if not os.path.isfile(os.path.join(TOP, d)):
                die(f"split.txt: {d} does not exist")
            parts = parse_diff(d)
            for f in parts:
                if owner.get(f, len(blocks)) >= k:
                    die(f"{d} (patch {k + 1}) changes {f}, which is no "
                        "overlay file of an earlier patch")
            b["parts"].append((d, parts))
    split_dir = os.path.join(TOP, "patches/split")
    if os.path.isdir(split_dir):
        for f in sorted(os.listdir(split_dir)):
            if "patches/split/" + f not in used:
                die(f"patches/split/{f} is in no patch of split.txt")
    return blocks


def state(blocks, n, dest):
    """Write the overlay files of patches 1..n, as of patch n, into dest
    (only what differs is rewritten). Return their list."""
    present = [f for b in blocks[:n] for f in b["sel"]]
    later = [(k, d, {f: t for f, t in parts.items() if f in present})
             for k in range(len(blocks) - 1, n - 1, -1)
             for d, parts in blocks[k]["parts"]]
    touched = sorted({f for _, _, parts in later for f in parts})
    with tempfile.TemporaryDirectory() as tmp:
        for f in touched:
            os.makedirs(os.path.dirname(os.path.join(tmp, f)), exist_ok=True)
            shutil.copyfile(os.path.join(TOP, f), os.path.join(tmp, f))
        for k, d, parts in later:
            if not parts:
                continue
            r = subprocess.run(["patch", "-R", "-p1", "-F0", "-s", "-d", tmp,
                                "--no-backup-if-mismatch", "-r", "-"],
                               input="".join(parts.values()), text=True,
                               capture_output=True)
            if r.returncode:
                die(f"{d} (hunks of patch {k + 1}, '{blocks[k]['subject']}') "
                    f"no longer applies to the overlay as of patch {k + 1}:\n"
                    + (r.stdout + r.stderr).strip() +
                    f"\nRegenerate it: scripts/patches.sh --regen {k + 1} DIR "
                    "(see scripts/patches-split.py)")
        for f in present:
            src = os.path.join(tmp if f in touched else TOP, f)
            dst = os.path.join(dest, f)
            with open(src, "rb") as fh:
                data = fh.read()
            if os.path.isfile(dst):
                with open(dst, "rb") as fh:
                    if fh.read() == data:
                        continue
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, "wb") as fh:
                fh.write(data)
            shutil.copymode(os.path.join(TOP, f), dst)
    return present


def block_number(blocks, arg):
    try:
        n = int(arg)
    except ValueError:
        die(f"'{arg}' is no patch number")
    if not 1 <= n <= len(blocks):
        die(f"patch numbers go from 1 to {len(blocks)}")
    return n


def hunk_file(blocks, n):
    b = blocks[n - 1]
    if len(b["hunks"]) != 1:
        die(f"patch {n} ('{b['subject']}') must list exactly one hunk diff "
            "in split.txt for this")
    return b["hunks"][0]


def make_hunk(blocks, n, before):
    """Rewrite patch n's hunk diff: BEFORE against the overlay as of n."""
    d = hunk_file(blocks, n)
    earlier = [f for b in blocks[:n - 1] for f in b["sel"]]
    out = [f"# hunks of '{blocks[n - 1]['subject']}' (patches/split.txt):\n",
           "# what this patch adds to files of earlier patches. Made by\n",
           "# scripts/patches.sh --hunk; see scripts/patches-split.py.\n"]
    with tempfile.TemporaryDirectory() as tmp:
        state(blocks, n, tmp)
        for f in earlier:
            b = os.path.join(before, f)
            if not os.path.isfile(b):
                continue
            r = subprocess.run(["diff", "-u", "--label", "a/" + f, "--label",
                                "b/" + f, b, os.path.join(tmp, f)],
                               capture_output=True, text=True)
            if r.returncode > 1:
                die(r.stderr.strip())
            out.append(r.stdout)
    if len(out) == 3:
        die(f"{before} does not differ from the overlay as of patch {n}")
    with open(os.path.join(TOP, d), "w") as fh:
        fh.write("".join(out))
    print(f"patches: wrote {d}", file=sys.stderr)


def regen(blocks, n, dest):
    d = hunk_file(blocks, n)
    after, before = os.path.join(dest, "after"), os.path.join(dest, "before")
    for p in (after, before):
        shutil.rmtree(p, ignore_errors=True)
    state(blocks, n, after)
    shutil.copytree(after, before, symlinks=True)
    r = subprocess.run(["patch", "-R", "-p1", "-F3", "-d", before,
                        "--no-backup-if-mismatch", "-i", os.path.join(TOP, d)],
                       capture_output=True, text=True)
    print((r.stdout + r.stderr).strip(), file=sys.stderr)
    print(f"patches: {after}: the overlay as of patch {n}\n"
          f"patches: {before}: the same without what {d} adds, as far as it "
          "still applies (*.rej: what did not)\n"
          f"patches: make {before} the state before patch {n}, then run: "
          f"scripts/patches.sh --hunk {n} {before}", file=sys.stderr)


def main():
    if len(sys.argv) < 2:
        die(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "blocks" and not args:
        blocks = load()
        print(json.dumps([{k: b[k] for k in ("subject", "quilt", "body")}
                          for b in blocks]))
    elif cmd == "state" and len(args) == 2:
        blocks = load()
        state(blocks, block_number(blocks, args[0]), args[1])
    elif cmd == "regen" and len(args) == 2:
        blocks = load()
        regen(blocks, block_number(blocks, args[0]), args[1])
    elif cmd == "hunk" and len(args) == 2:
        blocks = load()
        make_hunk(blocks, block_number(blocks, args[0]), args[1])
    else:
        die(__doc__)


if __name__ == "__main__":
    main()
