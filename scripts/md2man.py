#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""md2man: the project's Markdown to a man page (roff, man macros), so that a man page and the
document it is made from cannot disagree (meson runs it: doc/man/meson.build).

usage: md2man.py [options] INPUT -o OUTPUT
  --name NAME            page name (.TH), e.g. xlat64d.json
  --section N            manual section, e.g. 5
  --manual TEXT          the manual's name in the header (default: by section)
  --version VERSION      shown in the footer as "xlat64 VERSION"
  --define KEY=VALUE     @KEY@ in INPUT (not in included files) becomes VALUE
  --replace OLD=NEW      in included files, OLD where a path starts becomes NEW (source-tree paths ->
                         installed ones: config/=/usr/share/doc/xlat64/examples/)
  --docdir DIR           links to FILE.md become "text (DIR/FILE.md)"
  --depfile FILE         write a make-style dependency file (INPUT and what it includes)

The Markdown understood is what doc/*.md uses: ATX headings (## -> .SH, ### and deeper -> .SS), paragraphs,
"- " and "1. " lists (with indented continuation lines and fenced code inside), fenced code blocks,
pipe tables (each row becomes a tagged paragraph: the first cell the tag, the other cells "header: value",
the last one without its header when that is "meaning", "notes", "description", "message" or "what"), definition lists ("term" then ":   definition"), HTML comments (dropped), and
inline `code`, **bold**, *emphasis*, [links](url) and backslash escapes. A line
"<!-- include PATH -->" inserts the Markdown file PATH (relative to INPUT), without its "# " title.
The date is $SOURCE_DATE_EPOCH's when set (reproducible builds), else left out.
"""
import argparse
import datetime
import os
import re
import sys

MANUALS = {"1": "User Commands", "5": "File Formats", "7": "Miscellanea", "8": "System Administration"}


def esc(s, code=False):
    """Plain text -> roff text (inline). In code, '-' is a real minus (options, names)."""
    s = s.replace("\\", "\\e")
    if code:
        s = s.replace("-", "\\-")
    out = []
    for ch in s:
        if ord(ch) > 127:
            out.append("\\[u%04X]" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


CODE_RE = re.compile(r"(`+)(.+?)\1")
LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
BOLD_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
ITEM_RE = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
EM_RE = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")


class Conv:
    def __init__(self, docdir):
        self.docdir = docdir

    def link_target(self, text, url):
        if url.startswith("#"):
            return None
        if re.match(r"^[a-z]+://", url):
            return url
        path = url.split("#", 1)[0]
        if path.endswith(".md"):
            base = os.path.basename(path)
            return f"{self.docdir}/{base}" if self.docdir else base
        return url

    def inline(self, s):
        """Markdown inline -> roff. Code spans are set aside first so nothing inside them is read."""
        codes = []

        def keep(m):
            codes.append("\\fB" + esc(m.group(2).strip(), code=True) + "\\fR")
            return "\x01%d\x01" % (len(codes) - 1)

        s = CODE_RE.sub(keep, s)
        s = self.prose(s)
        return re.sub("\x01(\\d+)\x01", lambda m: codes[int(m.group(1))], s)

    def prose(self, s):
        # links first (their text may hold bold), then bold, emphasis, escapes
        parts = []
        pos = 0
        for m in LINK_RE.finditer(s):
            parts.append(self.emph(s[pos:m.start()]))
            text, url = m.group(1), m.group(2)
            target = self.link_target(text, url)
            rendered = self.emph(text)
            if target and os.path.basename(target) == text:
                rendered = esc(target)  # [cgn.md](cgn.md): the installed file's path
            elif target:
                rendered += " (" + esc(target) + ")"
            parts.append(rendered)
            pos = m.end()
        parts.append(self.emph(s[pos:]))
        return "".join(parts)

    def emph(self, s):
        s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", lambda m: "\x00%d\x00" % ord(m.group(1)), s)
        s = esc(s)
        s = BOLD_RE.sub(lambda m: "\\fB" + m.group(1) + "\\fR", s)
        s = EM_RE.sub(lambda m: "\\fI" + m.group(1) + "\\fR", s)
        s = re.sub("\x00(\\d+)\x00", lambda m: esc(chr(int(m.group(1)))), s)
        return s


def line_safe(text):
    """A roff text line must not start with a control character."""
    text = text.strip()
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def split_row(line):
    """a table row's cells: split at | (GFM: also inside code spans), \\| is a literal |"""
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    cells = re.split(r"(?<!\\)\|", line)
    return [c.strip().replace("\\|", "|") for c in cells]


def read_source(path, defines, replaces, deps, included=False):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    deps.append(path)
    if included:
        for old, new in replaces:
            # whole path components only: config/x.json, not tests/config/x.json
            text = re.sub(r"(?<![\w/.-])" + re.escape(old), lambda m: new, text)
    else:
        for k, v in defines:
            text = text.replace("@" + k + "@", v)
        left = re.findall(r"@[A-Z_]+@", text)
        if left:
            sys.exit(f"md2man: {path}: undefined {', '.join(sorted(set(left)))}")
    lines = []
    for line in text.splitlines():
        m = re.match(r"^<!--\s*include\s+(\S+)\s*-->\s*$", line)
        if m and not included:
            sub = os.path.join(os.path.dirname(path), m.group(1))
            sub_lines = read_source(sub, defines, replaces, deps, included=True)
            # the included document's own title is the man page's NAME
            while sub_lines and not sub_lines[0].strip():
                sub_lines.pop(0)
            if sub_lines and re.match(r"^# ", sub_lines[0]):
                sub_lines.pop(0)
            lines.extend(sub_lines)
        else:
            lines.append(line)
    return lines


def convert(lines, conv):
    out = []
    i = 0
    n = len(lines)
    section = ""

    def para(text_lines, macro=".PP"):
        if macro:
            out.append(macro)
        joined = " ".join(l.strip() for l in text_lines)
        r = conv.inline(joined)
        if section == "NAME":
            r = r.replace(" - ", " \\- ", 1)
        out.append(line_safe(r))

    def code_block(body):
        out.append(".RS 4")
        out.append(".nf")
        for l in body:
            out.append("\\&" + esc(l) if l.strip() else "")
        out.append(".fi")
        out.append(".RE")

    def fence(j, indent):
        """lines[j] opens a fence; returns (body, index after the closing fence)"""
        mark = lines[j].strip()[:3]
        body = []
        j += 1
        while j < n and not lines[j].strip().startswith(mark):
            l = lines[j]
            body.append(l[indent:] if l[:indent].strip() == "" else l.lstrip())
            j += 1
        return body, j + 1

    def indent(l):
        return len(l) - len(l.lstrip())

    def list_block(i):
        """a list whose items start at this indentation; returns the index after it"""
        base = indent(lines[i])
        while i < n:
            lm = ITEM_RE.match(lines[i])
            if not lm or indent(lines[i]) != base:
                break
            marker = lm.group(2)
            bullet = marker in "-*+"
            tag, width = ("\\(bu", "2") if bullet else (marker, "4")
            out.append(".IP " + tag + " " + width)
            item, first = [lm.group(3)], True
            i += 1

            def flush():
                nonlocal item, first
                if item:
                    para(item, None if first else '.IP "" ' + width)
                first, item = False, []

            while i < n:
                l = lines[i]
                if not l.strip():
                    k = i
                    while k < n and not lines[k].strip():
                        k += 1
                    if k < n and indent(lines[k]) > base and not ITEM_RE.match(lines[k]):
                        flush()  # another paragraph of this item
                        i = k
                        continue
                    break
                if ITEM_RE.match(l):
                    break  # the next item; a nested list is flattened into its own block
                if l.strip().startswith(("```", "~~~")):
                    flush()
                    first = False
                    body, i = fence(i, indent(l))
                    code_block(body)
                    continue
                if indent(l) <= base and (re.match(r"^#{1,6}\s", l) or l.strip().startswith("|")):
                    break
                item.append(l)  # indented or lazy continuation
                i += 1
            flush()
            k = i
            while k < n and not lines[k].strip():
                k += 1
            if k < n and ITEM_RE.match(lines[k]) and indent(lines[k]) == base:
                i = k
            else:
                break
        return i

    while i < n:
        line = lines[i]
        s = line.strip()
        if not s:
            i += 1
            continue
        if s.startswith("<!--"):
            while i < n and "-->" not in lines[i]:
                i += 1
            i += 1
            continue
        m = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m:
            level, title = len(m.group(1)), m.group(2)
            if level == 1:
                i += 1
                continue
            plain = re.sub(r"`([^`]*)`", r"\1", title)
            if level == 2:
                section = plain.upper()
                out.append('.SH "' + esc(section).replace('"', "") + '"')
            else:
                out.append('.SS "' + esc(plain).replace('"', "") + '"')
            i += 1
            continue
        if s.startswith("```") or s.startswith("~~~"):
            body, i = fence(i, len(line) - len(line.lstrip()))
            out.append(".PP")
            code_block(body)
            continue
        if s.startswith("|") and i + 1 < n and re.match(r"^\s*\|?\s*:?-+", lines[i + 1]):
            header = split_row(lines[i])
            i += 2
            rows = []
            while i < n and lines[i].strip().startswith("|"):
                rows.append(split_row(lines[i]))
                i += 1
            for row in rows:
                row += [""] * (len(header) - len(row))
                out.append(".TP")
                out.append(line_safe(conv.inline(row[0])))
                body = []
                for h, c in zip(header[1:-1], row[1:-1]):
                    if c:
                        body.append(conv.inline(h) + ": " + conv.inline(c))
                if body:
                    out.append(line_safe("; ".join(body)))
                if len(header) > 1 and row[-1]:
                    if body:
                        out.append(".br")
                    last = conv.inline(row[-1])
                    # the last column is the text; named unless it is the description itself
                    if header[-1] and not re.match(r"^(meaning|notes?|description|message|what)\b", header[-1], re.I):
                        last = conv.inline(header[-1]) + ": " + last
                    out.append(line_safe(last))
            out.append(".PP")
            continue
        if ITEM_RE.match(line):
            i = list_block(i)
            out.append(".PP")
            continue
        # definition list: a term line, then ":   definition" (continued by indented lines)
        if i + 1 < n and lines[i + 1].startswith(":"):
            out.append(".TP")
            out.append(line_safe(conv.inline(s)))
            i += 1
            text = [lines[i][1:]]
            i += 1
            while i < n and lines[i].strip() and (lines[i].startswith("    ") or lines[i].startswith("\t")):
                text.append(lines[i])
                i += 1
            para(text, None)
            continue
        # a paragraph: up to a blank line or the start of another block
        text = []
        while i < n and lines[i].strip():
            l = lines[i]
            if text and (re.match(r"^#{1,6}\s", l) or l.strip().startswith(("```", "~~~", "|")) or
                         re.match(r"^\s*([-*+]|\d+[.)])\s+", l) or (i + 1 < n and lines[i + 1].startswith(":"))):
                break
            text.append(l)
            i += 1
        para(text)
    # drop paragraph macros that start nothing (before a heading, at the end, doubled)
    clean = []
    for k, l in enumerate(out):
        nxt = out[k + 1] if k + 1 < len(out) else ".SH"
        if l == ".PP" and (nxt.startswith((".SH", ".SS", ".PP", ".TP", ".IP")) or k + 1 == len(out)):
            continue
        clean.append(l)
    return clean


def main():
    ap = argparse.ArgumentParser(description="Markdown to a man page")
    ap.add_argument("input")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--section", required=True)
    ap.add_argument("--manual")
    ap.add_argument("--version", default="")
    ap.add_argument("--define", action="append", default=[])
    ap.add_argument("--replace", action="append", default=[])
    ap.add_argument("--docdir", default="")
    ap.add_argument("--depfile")
    a = ap.parse_args()

    defines = [d.split("=", 1) for d in a.define]
    replaces = [r.split("=", 1) for r in a.replace]
    deps = []
    lines = read_source(a.input, defines, replaces, deps)
    body = convert(lines, Conv(a.docdir))

    date = ""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        date = datetime.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]),
                                               datetime.timezone.utc).strftime("%Y-%m-%d")
    manual = a.manual or MANUALS.get(a.section, "")
    src = "xlat64 " + a.version if a.version else "xlat64"
    head = [
        ".\\\" generated by scripts/md2man.py from " + " and ".join(os.path.basename(d) for d in deps) +
        "; edit those",
        '.TH "%s" "%s" "%s" "%s" "%s"' % (a.name, a.section, date, src, manual),
        ".nh",
        ".ad l",
    ]
    with open(a.output, "w", encoding="ascii") as f:
        f.write("\n".join(head + body) + "\n")
    if a.depfile:
        with open(a.depfile, "w") as f:
            f.write(a.output + ": " + " ".join(d.replace(" ", "\\ ") for d in deps) + "\n")


if __name__ == "__main__":
    main()
