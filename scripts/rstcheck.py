#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""rstcheck.py FILE: parse a kernel reStructuredText document with docutils
and fail on any warning. Sphinx's roles and directives (which plain docutils
does not know) are accepted as no-ops, so only real markup errors count."""
import sys

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles


class Noop(Directive):
    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec = None

    def run(self):
        return []


class AnyOptions(dict):
    def __getitem__(self, key):
        return directives.unchanged


Noop.option_spec = AnyOptions()


def noop_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [nodes.literal(rawtext, text)], []


for d in ("toctree", "kernel-doc", "kernel-abi", "c:function", "c:type", "c:macro",
          "only", "highlight", "code-block", "tabularcolumns", "kernel-feat",
          "flat-table", "literalinclude", "index"):
    directives.register_directive(d, Noop)
for r in ("doc", "ref", "c:func", "c:type", "c:macro", "c:member", "c:data",
          "manpage", "file", "kbd", "envvar", "abbr", "term"):
    roles.register_local_role(r, noop_role)

text = open(sys.argv[1]).read()
out = []


class Stream:
    def write(self, s):
        out.append(s)


publish_doctree(text, source_path=sys.argv[1],
                settings_overrides={"report_level": 2, "halt_level": 5,
                                    "warning_stream": Stream()})
sys.stdout.write("".join(out))
sys.exit(1 if out else 0)
