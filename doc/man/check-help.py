#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The man pages and the bash completion against the programs (meson test --suite man).

usage: check-help.py --xlat64ctl BIN --xlat64d BIN --xlat64-exporter BIN --src SOURCE_ROOT --man PAGE...

- xlat64ctl: the commands, subcommands and options of `xlat64ctl --help`, of its getopt table
  (control/xlat64ctl.c), of doc/man/xlat64ctl.8.md and of config/xlat64ctl.bash-completion are the same
  sets; the completion, run in bash, offers each command's subcommands and every option;
- xlat64d and xlat64-exporter: the long options of their getopt tables (dataplane/main.c,
  control/xlat64_exporter.c), of their --help and of their man pages' OPTIONS agree;
- xlat64d.json(5): every key of doc/configuration.md's tables and every section is in the built page;
- every built page renders without a groff warning (as lintian runs it: man --warnings).
Prints one line per check and "N passed, M failed"; exits 1 on a failure.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

PASS = FAIL = 0


def check(name, ok, detail=""):
    global PASS, FAIL
    if ok:
        PASS += 1
        print(f"ok   {name}")
    else:
        FAIL += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""))


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)


def forms(synopsis):
    """'eamt [list] | eamt add A B' -> {('eamt','list'), ('eamt','add')}; 'ports [NAME]' -> {('ports',None)}"""
    out = set()
    for alt in re.split(r"\s+\|\s+", synopsis.strip()):
        toks = alt.split()
        if not toks or not re.match(r"^[a-z][a-z0-9]*$", toks[0]):
            continue
        sub = None
        if len(toks) > 1:
            t = toks[1].lstrip("[").rstrip("]")
            if re.match(r"^[a-z][a-z0-9|]*$", t):
                sub = t
        for s in (sub.split("|") if sub else [None]):
            out.add((toks[0], s))
    return out


def help_ctl(text):
    cmds, opts = set(), set()
    section = None
    for line in text.splitlines():
        if re.match(r"^(Commands|Offline)\b", line):
            section = "cmd"
            continue
        if line.startswith("Options:"):
            section = "opt"
            continue
        if not line.strip():
            if section == "opt":
                section = None
            continue
        if section == "cmd":
            syn = re.split(r"\s{2,}", line.strip())[0]
            if syn.startswith("|"):  # "        | pool4 flush": the previous line's command goes on
                syn = syn[1:]
            elif not line.startswith("  ") or line.startswith("   "):
                continue  # a description's continuation
            cmds |= forms(syn)
        elif section == "opt":
            m = re.match(r"^\s+(-\w), (--[a-z-]+)", line)
            if m:
                opts.add((m.group(1), m.group(2)))
    return cmds, opts


def md_section(text, title):
    m = re.search(r"^## " + title + r"\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    return m.group(1) if m else ""


def md_terms(section_text):
    """definition-list terms: `term` followed by a ':' line"""
    lines = section_text.splitlines()
    return [re.sub(r"^`|`$", "", lines[k].strip()) for k in range(len(lines) - 1)
            if lines[k + 1].startswith(":") and lines[k].strip()]


def term_opts(terms):
    out = set()
    for t in terms:
        m = re.match(r"^(-\w), (--[a-z-]+)", t)
        if m:
            out.add((m.group(1), m.group(2)))
        else:
            m = re.match(r"^(--[a-z-]+)", t)
            if m:
                out.add((None, m.group(1)))
    return out


def getopt_longs(c_source):
    with open(c_source, encoding="utf-8") as f:
        src = f.read()
    return set("--" + n for n in re.findall(r'\{\s*"([a-z-]+)",\s*(?:no|required|optional)_argument', src))


def fmt(s):
    return ", ".join(sorted(" ".join(x for x in t if x) if isinstance(t, tuple) else str(t) for t in s)) or "none"


def completion_words(completion, words, socket):
    """COMPREPLY of _xlat64ctl for the command line WORDS (the last one being completed)"""
    script = (
        "source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));"
        " COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _xlat64ctl; printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    env = dict(os.environ, XLAT64_SOCKET=socket)
    r = run(["bash", "--norc", "--noprofile", "-c", script, "check", completion] + words, env=env)
    return set(w for w in r.stdout.split() if w), r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xlat64ctl", required=True)
    ap.add_argument("--xlat64d", required=True)
    ap.add_argument("--xlat64-exporter", dest="xlat64_exporter", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--man", nargs="+", required=True)
    a = ap.parse_args()
    src = a.src

    # ---- xlat64ctl
    r = run([a.xlat64ctl, "--help"])
    check("xlat64ctl --help exits 0", r.returncode == 0, r.stderr)
    h_cmds, h_opts = help_ctl(r.stdout)
    check("xlat64ctl --help lists commands and options", len(h_cmds) > 10 and len(h_opts) > 5,
          f"{len(h_cmds)} commands, {len(h_opts)} options")

    code_longs = getopt_longs(os.path.join(src, "control/xlat64ctl.c"))
    check("xlat64ctl: getopt table = --help's options", code_longs == {o[1] for o in h_opts},
          f"code {fmt(code_longs)}; --help {fmt({o[1] for o in h_opts})}")

    with open(os.path.join(src, "doc/man/xlat64ctl.8.md"), encoding="utf-8") as f:
        man = f.read()
    m_cmds = set()
    for t in md_terms(md_section(man, "COMMANDS")):
        m_cmds |= forms(t)
    check("xlat64ctl(8) COMMANDS = --help's commands", m_cmds == h_cmds,
          f"only in --help: {fmt(h_cmds - m_cmds)}; only in the man page: {fmt(m_cmds - h_cmds)}")
    m_opts = term_opts(md_terms(md_section(man, "OPTIONS")))
    check("xlat64ctl(8) OPTIONS = --help's options", m_opts == h_opts,
          f"only in --help: {fmt(h_opts - m_opts)}; only in the man page: {fmt(m_opts - h_opts)}")

    comp = os.path.join(src, "config/xlat64ctl.bash-completion")
    with open(comp, encoding="utf-8") as f:
        ctext = f.read()
    c_cmds = set(re.search(r'local cmds="([^"]*)"', ctext).group(1).split())
    c_opts = set(re.search(r'local opts="([^"]*)"', ctext).group(1).split())
    names = {c for c, _ in h_cmds}
    check("completion's commands = --help's", c_cmds == names,
          f"only in --help: {fmt(names - c_cmds)}; only in the completion: {fmt(c_cmds - names)}")
    longs = {o[1] for o in h_opts}
    check("completion's options = --help's", c_opts == longs,
          f"only in --help: {fmt(longs - c_opts)}; only in the completion: {fmt(c_opts - longs)}")

    if shutil.which("bash"):
        nosock = "/nonexistent/xlat64-check.sock"
        got, r = completion_words(comp, ["xlat64ctl", ""], nosock)
        check("bash: 'xlat64ctl <TAB>' offers every command", got == names,
              f"got {fmt(got)}; stderr {r.stderr.strip()}")
        got, r = completion_words(comp, ["xlat64ctl", "--"], nosock)
        check("bash: 'xlat64ctl --<TAB>' offers every long option", got == longs, f"got {fmt(got)}")
        protos = {"tcp", "udp", "icmp"}
        bad = []
        for cmd in sorted(names):
            subs = {s for c, s in h_cmds if c == cmd and s}
            if not subs:
                continue
            got, r = completion_words(comp, ["xlat64ctl", cmd, ""], nosock)
            # a command whose first argument may be a protocol ("bib [list] [PROTO]") may offer those too
            if not subs <= got or got - subs - protos:
                bad.append(f"{cmd}: got {fmt(got)}, --help has {fmt(subs)}")
        check("bash: 'xlat64ctl CMD <TAB>' offers CMD's subcommands", not bad, "; ".join(bad))
        got, r = completion_words(comp, ["xlat64ctl", "--socket", "/tmp/s", "eamt", "a"], nosock)
        check("bash: options before the command are skipped", got == {"add"}, f"got {fmt(got)}")

    # ---- xlat64d and xlat64-exporter: --help, the getopt table and the man page's OPTIONS
    for prog, binary, source in (("xlat64d", a.xlat64d, "dataplane/main.c"),
                                 ("xlat64-exporter", a.xlat64_exporter, "control/xlat64_exporter.c")):
        r = run([binary, "--help"])
        check(f"{prog} --help exits 0", r.returncode == 0, r.stderr)
        d_help = set(re.findall(r"(--[a-z][a-z-]+)", r.stdout))
        d_code = getopt_longs(os.path.join(src, source))
        with open(os.path.join(src, f"doc/man/{prog}.8.md"), encoding="utf-8") as f:
            dman = f.read()
        d_man = {o[1] for o in term_opts(md_terms(md_section(dman, "OPTIONS")))}
        check(f"{prog}(8) OPTIONS = the getopt table's", d_man == d_code,
              f"only in the code: {fmt(d_code - d_man)}; only in the man page: {fmt(d_man - d_code)}")
        check(f"{prog} --help's options are in {prog}(8)", d_help <= d_man and d_help,
              f"missing: {fmt(d_help - d_man)}")

    # ---- xlat64d.json(5) against doc/configuration.md
    pages = {os.path.basename(p): p for p in a.man}
    jpage = pages.get("xlat64d.json.5")
    check("xlat64d.json.5 built", jpage and os.path.exists(jpage))
    if jpage and os.path.exists(jpage):
        with open(os.path.join(src, "doc/configuration.md"), encoding="utf-8") as f:
            doc = f.read()
        with open(jpage, encoding="ascii") as f:
            roff = f.read()
        tags = set()
        lines = roff.splitlines()
        for k, l in enumerate(lines[:-1]):
            if l == ".TP":
                tags.add(re.sub(r"\\f[BIRP]", "", lines[k + 1]).replace("\\-", "-"))
        keys = []
        in_table = False
        for l in doc.splitlines():
            if re.match(r"^\s*\|?\s*:?-{3,}", l):
                in_table = True
                continue
            if not l.startswith("|"):
                in_table = False
                continue
            if in_table:
                cell = l.strip().strip("|").split("|")[0].strip()
                keys.append(cell.replace("`", "").replace("\\", ""))
        missing = [k for k in keys if k not in tags]
        check(f"xlat64d.json(5) has every row of configuration.md's tables ({len(keys)})", keys and not missing,
              "missing: " + ", ".join(missing))
        heads = [h.strip().strip("`").upper() for h in re.findall(r"^## (.*)$", doc, re.M)]
        sh = [re.sub(r'^\.SH "|"$', "", l) for l in lines if l.startswith(".SH")]
        miss = [h for h in heads if h.replace("`", "") not in sh]
        check(f"xlat64d.json(5) has every section of configuration.md ({len(heads)})", not miss, ", ".join(miss))

    # ---- rendering, as lintian checks it
    man_bin = shutil.which("man")
    for p in a.man:
        if not man_bin:
            print(f"skip {os.path.basename(p)} renders without warnings (no man here)")
            continue
        env = dict(os.environ, LC_ALL="C.UTF-8", MANROFFSEQ="", MANWIDTH="80")
        r = run([man_bin, "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", p], env=env)
        check(f"{os.path.basename(p)} renders without warnings", r.returncode == 0 and not r.stderr.strip(),
              r.stderr.strip()[:2000])
        r = run([man_bin, "-l", p], env=dict(env, MANPAGER="cat", PAGER="cat"))
        check(f"{os.path.basename(p)} has NAME and SYNOPSIS", "NAME" in r.stdout and "SYNOPSIS" in r.stdout)

    print(f"{PASS} passed, {FAIL} failed")
    sys.exit(1 if FAIL else 0)


if __name__ == "__main__":
    main()
