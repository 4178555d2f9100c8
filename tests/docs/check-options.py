#!/usr/bin/env python3
"""check-options.py LOTK DOCS_DIR — the options docs/cli.md and docs/lotk.1 show against
the option tables lotk parses with (`lotk help --options`), so that the docs cannot drift.

Fails (exit 1, one line per problem) when either document lacks an option that exists,
shows one that does not, or gives an option another short name or another argument name
than its table. What is read:

docs/cli.md
  - every `$ lotk help CMD` (and `$ lotk --help`) console block: the option lines are
    checked one by one, then the whole block must be what lotk prints; every command of
    `lotk --help` needs such a block;
  - a command section's `### Options` list, when it has one: each option of the command is
    described under exactly one term (`` `-f, --format FORMAT` ``);
  - every command line in code (`$ lotk …` in console blocks, `lotk …` in sh blocks and in
    inline code): each option must be one of that command's, with its value;
  - every `--name` anywhere must be an option of some command.

docs/lotk.1
  - SYNOPSIS: one entry per command, listing each of its options once, as [-s ARG] or
    [--long ARG]; ARG is the table's name or a list of the values its help names
    (table|json|csv);
  - OPTIONS: a `.SS CMD` per command with options, a `.TP` entry per option (tag
    `-s ARG, --long ARG`, or `--long ARG` when there is no short name);
  - command lines (EXAMPLES and prose) and every `--name`, as for cli.md.
"""
import difflib
import re
import subprocess
import sys

GLOBAL_OPTIONS = {"help", "version", "options"}  # lotk --help, --version, help --options


class Option:
    def __init__(self, cmd, long, short, arg, help_text):
        self.cmd, self.long, self.short, self.arg, self.help = cmd, long, short, arg, help_text

    def form(self):
        s = (f"-{self.short}, " if self.short else "") + f"--{self.long}"
        return s + (f" {self.arg}" if self.arg else "")


def run(lotk, *args):
    return subprocess.run([lotk, *args], check=True, capture_output=True, text=True).stdout


def read_tables(lotk):
    """{command: {long: Option}} in table order, and the commands of `lotk --help`."""
    tables = {}
    for line in run(lotk, "help", "--options").splitlines():
        fields = line.split("\t")
        if len(fields) != 5 or not fields[1].startswith("--"):
            sys.exit(f"check-options: bad line from lotk help --options: {line!r}")
        cmd, long, short, arg, help_text = fields
        tables.setdefault(cmd, {})[long[2:]] = Option(cmd, long[2:], short[1:], arg, help_text)
    commands, in_list = [], False
    for line in run(lotk, "--help").splitlines():
        if line == "commands:":
            in_list = True
        elif in_list and line.startswith("  "):
            name = line.split()[0]
            if name != "help":
                commands.append(name)
        elif in_list:
            break
    for cmd in commands:
        tables.setdefault(cmd, {})
    return tables, commands


class Report:
    def __init__(self):
        self.problems = []

    def __call__(self, where, msg):
        self.problems.append(f"{where}: {msg}")


def check_form(report, where, tables, cmd, short, long, arg, what, need_short=True):
    """One option as a document shows it (short/long may be None; arg False when the place
    shows no value) against cmd's table. Where the long name is shown, need_short asks for
    the short one too. Returns the Option it names, or None."""
    table = tables.get(cmd, {})
    opt = table.get(long) if long else None
    if long and not opt:
        report(where, f"{what}: lotk {cmd} has no option --{long}")
        return None
    if short and not opt:
        opt = next((o for o in table.values() if o.short == short), None)
        if not opt:
            report(where, f"{what}: lotk {cmd} has no option -{short}")
            return None
    if short != (opt.short or None) and (short or long is None):
        report(where, f"{what}: shows --{opt.long} with short name "
                      f"{'-' + short if short else 'none'}; the table has "
                      f"{'-' + opt.short if opt.short else 'none'}")
    elif long and short is None and opt.short and need_short:
        report(where, f"{what}: shows --{opt.long} without its short name -{opt.short}")
    if arg is not False and (arg or "") != opt.arg:
        report(where, f"{what}: shows {'--' + opt.long}{' ' + arg if arg else ''}; "
                      f"the table has {opt.form()}")
    return opt


# ---- command lines in code -------------------------------------------------------------
STOP = re.compile(r"^(\||\|\||&&|;|>|>>|<|2>|2>&1|#.*|\)|do|then)$")


def check_command_line(report, where, tables, text):
    """Every `lotk CMD …` in text: its options must be CMD's, each with its value."""
    for m in re.finditer(r"(?:^|[\s`(;|&$])lotk ([a-z]+)((?: +\S+)*)", text):
        cmd = m.group(1)
        if cmd not in tables:
            continue  # lotk help COMMAND, lotk COMMAND --help, a word in a sentence
        words = m.group(2).split()
        i = 0

        def value_follows():
            return i < len(words) and not STOP.match(words[i]) and \
                not words[i].startswith(("|", ">", "2>", "#", "`"))
        while i < len(words):
            w = words[i].rstrip("`")
            if w.startswith("-") and len(w) > 2:
                w = re.sub(r"[:,;.)'\"]+$", "", w)  # --partial: in a sentence
            i += 1
            if STOP.match(w) or w.startswith(("|", ">", "2>", "#", "`")):
                break
            if w in ("-h", "--help") or w == "-" or not w.startswith("-"):
                continue
            if w == "--":
                break
            if w.startswith("--"):
                name, eq, _ = w[2:].partition("=")
                opt = tables[cmd].get(name)
                if not opt:
                    report(where, f"`lotk {cmd} … {w}`: lotk {cmd} has no option --{name}")
                    continue
                if opt.arg and not eq:
                    if not value_follows():
                        report(where, f"`lotk {cmd} … {w}`: --{name} needs {opt.arg}")
                    i += 1
                elif not opt.arg and eq:
                    report(where, f"`lotk {cmd} … {w}`: --{name} takes no value")
            else:
                opt = next((o for o in tables[cmd].values() if o.short == w[1]), None)
                if not opt:
                    report(where, f"`lotk {cmd} … {w}`: lotk {cmd} has no option {w[:2]}")
                    continue
                if opt.arg and len(w) == 2:
                    if not value_follows():
                        report(where, f"`lotk {cmd} … {w}`: {w} needs {opt.arg}")
                    i += 1
                elif not opt.arg and len(w) > 2:
                    report(where, f"`lotk {cmd} … {w}`: {w[:2]} takes no value")


def check_long_names(report, where, tables, text):
    known = GLOBAL_OPTIONS | {o for t in tables.values() for o in t}
    for m in re.finditer(r"(?<![\w-])--([a-z][a-z0-9-]*)", text):
        if m.group(1) not in known:
            report(where, f"--{m.group(1)} is no option of any command")


# ---- docs/cli.md -----------------------------------------------------------------------
HELP_LINE = re.compile(r"^  (-(\S), |    )--(\S+)(.*)$")


def check_help_block(report, where, tables, lotk, cmd, lines):
    if cmd is None:
        actual = run(lotk, "--help")
    else:
        if cmd not in tables:
            report(where, f"`lotk help {cmd}`: no such command")
            return
        actual = run(lotk, "help", cmd)
    if cmd is not None and "options:" in lines:
        seen = []
        for line in lines[lines.index("options:") + 1:]:
            m = HELP_LINE.match(line)
            if not m:
                report(where, f"help block of {cmd}: not an option line: {line!r}")
                continue
            rest = m.group(4)
            am = re.match(r"^ ([A-Z][A-Z0-9_.-]*)(?=\s|$)", rest)
            opt = check_form(report, where, tables, cmd, m.group(2), m.group(3),
                             am.group(1) if am else None, f"help block of {cmd}")
            if opt:
                seen.append(opt.long)
        for long in tables[cmd]:
            if long not in seen:
                report(where, f"help block of {cmd} lacks --{long}")
    elif cmd is not None and tables[cmd]:
        report(where, f"help block of {cmd} has no options: list, the table has "
                      f"{len(tables[cmd])}")
    doc = "\n".join(lines) + "\n"
    if doc != actual:
        diff = difflib.unified_diff(doc.splitlines(), actual.splitlines(), "docs", "lotk",
                                    lineterm="", n=0)
        report(where, f"`lotk {'help ' + cmd if cmd else '--help'}` block differs from what "
                      "lotk prints:\n    " + "\n    ".join(list(diff)[2:]))


def check_options_list(report, tables, cmd, start, lines):
    """A `### Options` list: terms of code spans, each naming options of cmd."""
    described = {}
    for k, line in enumerate(lines):
        if not (line.startswith("`") and k + 1 < len(lines) and lines[k + 1].startswith(": ")):
            continue
        where = f"docs/cli.md:{start + k + 1}"
        for span in re.findall(r"`([^`]+)`", line):
            m = re.match(r"^(?:-(\S), )?--([a-z][a-z0-9-]*)(?: (\S+))?$", span)
            m = m or re.match(r"^-(\S)()(?: (\S+))?$", span)
            if not m:
                report(where, f"options of {cmd}: cannot read the term `{span}`")
                continue
            opt = check_form(report, where, tables, cmd, m.group(1), m.group(2) or None,
                             m.group(3), f"options of {cmd}, `{span}`")
            if opt:
                if opt.long in described:
                    report(where, f"options of {cmd}: --{opt.long} described twice "
                                  f"(also line {described[opt.long]})")
                described[opt.long] = start + k + 1
    for long in tables.get(cmd, {}):
        if long not in described:
            report(f"docs/cli.md:{start}", f"options of {cmd} lack --{long}")


def check_cli_md(report, tables, commands, lotk, path):
    lines = open(path, encoding="utf-8").read().split("\n")
    helped = set()
    fence, block_start = None, 0
    section, options_at = None, None
    for n, line in enumerate(lines, 1):
        where = f"docs/cli.md:{n}"
        if fence is None and line.startswith("```"):
            fence, block_start = line[3:].strip() or "text", n
            block = []
            continue
        if fence is not None and line.startswith("```"):
            if fence == "console":
                check_console(report, tables, lotk, block_start, block, helped)
            fence = None
            continue
        if fence is not None:
            block.append(line)
            if fence in ("sh", "bash", "shell"):
                check_command_line(report, where, tables, line)
            continue
        # prose
        m = re.match(r"^## lotk ([a-z]+)\s*$", line)
        if line.startswith("## ") or line.startswith("### "):
            if options_at is not None:
                check_options_list(report, tables, section, options_at, lines[options_at:n - 1])
                options_at = None
            if line.startswith("## "):
                section = m.group(1) if m else None
            elif line.strip() == "### Options":
                if section not in tables:
                    report(where, "### Options outside a command's section")
                else:
                    options_at = n
        for span in re.findall(r"`([^`]+)`", line):
            check_command_line(report, where, tables, span)
        text = re.sub(r"\]\([^)]*\)", "]", line)  # link targets: anchors such as ---seed
        if "unknown option" not in text:
            check_long_names(report, where, tables, text)
    for cmd in commands:
        if cmd not in helped:
            report("docs/cli.md", f"no `$ lotk help {cmd}` block")


def check_console(report, tables, lotk, start, block, helped):
    k = 0
    while k < len(block):
        line = block[k]
        where = f"docs/cli.md:{start + k + 1}"
        if not line.startswith("$ "):
            k += 1
            continue
        command = line[2:]
        # a command continued over lines ending in backslash
        while command.endswith("\\") and k + 1 < len(block):
            k += 1
            command = command[:-1] + " " + block[k].strip()
        k += 1
        out_start = k
        while k < len(block) and not block[k].startswith("$ "):
            k += 1
        check_command_line(report, where, tables, command)
        m = re.match(r"^lotk (?:help ([a-z]+)|(--help))$", command.strip())
        if m:
            check_help_block(report, where, tables, lotk, m.group(1), block[out_start:k])
            if m.group(1):
                helped.add(m.group(1))
        if "unknown option" not in command:
            check_long_names(report, where, tables, command)


# ---- docs/lotk.1 -----------------------------------------------------------------------
def roff_args(s):
    args, cur, quoted, i = [], "", False, 0
    while i < len(s):
        c = s[i]
        if c == '"':
            if quoted and s[i + 1:i + 2] == '"':
                cur += '"'
                i += 1
            else:
                quoted = not quoted
        elif c == " " and not quoted:
            if cur:
                args.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    if cur:
        args.append(cur)
    return args


def roff_text(line):
    """A roff line as the reader sees it, without fonts; None for other requests."""
    m = re.match(r"^\.(B|I|R|BI|BR|IB|IR|RB|RI)(?: (.*))?$", line)
    if m:
        args = roff_args(m.group(2) or "")
        line = (" " if len(m.group(1)) == 1 else "").join(args)
    elif line.startswith(".") or line.startswith("'"):
        return None
    line = re.sub(r"\\f(\[[^]]*\]|\(..|.)", "", line)
    line = re.sub(r"\\\((em|en|mu|md|sr|dq)", " ", line)
    return line.replace("\\-", "-").replace("\\&", "").replace("\\e", "\\")


def check_synopsis(report, tables, commands, entries):
    seen = set()
    for at, text in entries:
        where = f"docs/lotk.1:{at}"
        words = text.split()
        if len(words) < 2 or words[0] != "lotk" or words[1] not in tables:
            continue
        cmd = words[1]
        if cmd in seen and tables[cmd]:
            report(where, f"SYNOPSIS: lotk {cmd} listed twice")
        seen.add(cmd)
        shown = []
        for m in re.finditer(r"\[(-{1,2}[^\s\]]+)(?: ([^\]]+))?\]", text):
            name, arg = m.group(1), m.group(2)
            short, long = (None, name[2:]) if name.startswith("--") else (name[1:], None)
            opt = check_form(report, where, tables, cmd, short, long, False,
                             f"SYNOPSIS of lotk {cmd}", need_short=False)
            if not opt:
                continue
            if opt.long in shown:
                report(where, f"SYNOPSIS of lotk {cmd}: --{opt.long} listed twice")
            shown.append(opt.long)
            choices = arg.split("|") if arg and "|" in arg else None
            if choices:
                words_of_help = set(re.findall(r"[\w-]+", opt.help))
                missing = [c for c in choices if c not in words_of_help]
                if not opt.arg:
                    report(where, f"SYNOPSIS of lotk {cmd}: {name} {arg}: takes no value")
                elif missing:
                    report(where, f"SYNOPSIS of lotk {cmd}: {name} {arg}: its help line "
                                  f"names no {', '.join(missing)}")
            elif (arg or "") != opt.arg:
                report(where, f"SYNOPSIS of lotk {cmd}: shows {name}{' ' + arg if arg else ''};"
                              f" the table has {opt.form()}")
        for long in tables[cmd]:
            if long not in shown:
                report(where, f"SYNOPSIS of lotk {cmd} lacks --{long}")
    for cmd in commands:
        if cmd not in seen:
            report("docs/lotk.1", f"SYNOPSIS lacks lotk {cmd}")


def check_man_options(report, tables, sections):
    for cmd, (at, tags) in sections.items():
        if cmd not in tables:
            report(f"docs/lotk.1:{at}", f"OPTIONS: .SS {cmd}: no such command")
            continue
        described = {}
        for n, tag in tags:
            where = f"docs/lotk.1:{n}"
            parts = [p.strip() for p in tag.split(", ")]
            short = long = arg_s = arg_l = None
            ok = True
            for p in parts:
                m = re.match(r"^(--?)([A-Za-z0-9][A-Za-z0-9-]*)(?: (\S+))?$", p)
                if not m:
                    report(where, f"OPTIONS of {cmd}: cannot read the tag {tag!r}")
                    ok = False
                    break
                if m.group(1) == "-":
                    short, arg_s = m.group(2), m.group(3)
                else:
                    long, arg_l = m.group(2), m.group(3)
            if not ok:
                continue
            if short and long and arg_s != arg_l:
                report(where, f"OPTIONS of {cmd}: {tag!r} gives -{short} and --{long} "
                              "different values")
            opt = check_form(report, where, tables, cmd, short, long,
                             arg_l if long else arg_s, f"OPTIONS of {cmd}")
            if not opt:
                continue
            if opt.long in described:
                report(where, f"OPTIONS of {cmd}: --{opt.long} described twice")
            described[opt.long] = n
        for long in tables[cmd]:
            if long not in described:
                report(f"docs/lotk.1:{at}", f"OPTIONS of {cmd} lack --{long}")
    for cmd, table in tables.items():
        if table and cmd not in sections:
            report("docs/lotk.1", f"OPTIONS: no .SS {cmd} for its {len(table)} options")


def check_man(report, tables, commands, path):
    raw = open(path, encoding="utf-8").read().split("\n")
    section = None
    synopsis, entry = [], None
    sections, ss, tp_next = {}, None, False
    for n, line in enumerate(raw, 1):
        where = f"docs/lotk.1:{n}"
        if line.startswith(".\\\""):
            continue
        if line.startswith(".SH "):
            section = " ".join(roff_args(line[4:]))
            ss = None
            continue
        text = roff_text(line)
        if section == "SYNOPSIS":
            if line.startswith(".br") or (text is not None and text.startswith("lotk ")
                                          and entry is not None and line.startswith(".B ")):
                if entry:
                    synopsis.append(entry)
                entry = None
            if text is not None and text:
                entry = (n, text) if entry is None else (entry[0], entry[1] + " " + text)
            continue
        if section == "OPTIONS":
            if line.startswith(".SS "):
                ss = line[4:].strip()
                sections[ss] = (n, [])
                continue
            if line.startswith((".TP", ".TQ")):
                tp_next = True
                continue
            if tp_next:
                tp_next = False
                if ss is None:
                    report(where, "OPTIONS: an entry before any .SS COMMAND")
                elif text is not None:
                    sections[ss][1].append((n, text.strip()))
        if text is None:
            continue
        check_command_line(report, where, tables, text)
        if "unknown option" not in text:
            check_long_names(report, where, tables, text)
    if entry:
        synopsis.append(entry)
    check_synopsis(report, tables, commands, synopsis)
    check_man_options(report, tables, sections)


def check(tables, commands, lotk, docs):
    report = Report()
    check_cli_md(report, tables, commands, lotk, f"{docs}/cli.md")
    check_man(report, tables, commands, f"{docs}/lotk.1")
    return report.problems


def self_test(tables, commands, lotk, docs):
    """The check must catch drift: run it against tables changed the four ways an option
    changes (one added, one gone, a short name and a value's name changed) and require
    that both documents are found out, at every place that lists the options."""
    import copy
    cmd = max(tables, key=lambda c: len(tables[c]))
    opts = list(tables[cmd].values())
    flag = next(o for o in opts if not o.arg)
    short = next(o for o in opts if o.short)
    valued = next(o for o in opts if o.arg)
    cases = []

    def case(name, change, *expected):
        t = copy.deepcopy(tables)
        change(t[cmd])
        cases.append((name, t, expected))

    def add(table):
        table["zz-new"] = Option(cmd, "zz-new", "", "ZZ", "a new option")
    case("an option added", add,
         ("docs/cli.md", f"help block of {cmd} lacks --zz-new"),
         ("docs/lotk.1", f"SYNOPSIS of lotk {cmd} lacks --zz-new"),
         ("docs/lotk.1", f"OPTIONS of {cmd} lack --zz-new"))
    case(f"--{flag.long} gone", lambda table: table.pop(flag.long),
         ("docs/cli.md", f"lotk {cmd} has no option --{flag.long}"),
         ("docs/lotk.1", f"lotk {cmd} has no option --{flag.long}"))
    case(f"-{short.short} renamed", lambda table: setattr(table[short.long], "short", "Z"),
         ("docs/cli.md", f"--{short.long} with short name -{short.short}"),
         ("docs/lotk.1", f"lotk {cmd} has no option -{short.short}"))
    case(f"--{valued.long}'s value renamed",
         lambda table: setattr(table[valued.long], "arg", "ZZ"),
         ("docs/cli.md", f"the table has -{valued.short}, --{valued.long} ZZ"
          if valued.short else f"the table has --{valued.long} ZZ"),
         ("docs/lotk.1", f"the table has {'-' + valued.short + ', ' if valued.short else ''}"
                         f"--{valued.long} ZZ"))
    failures = 0
    for name, t, expected in cases:
        problems = check(t, commands, lotk, docs)
        for doc, text in expected:
            if not any(p.startswith(doc) and text in p for p in problems):
                print(f"self-test: with {name} in lotk {cmd}'s table, no problem in {doc} "
                      f"says {text!r}")
                failures += 1
    return failures


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check-options.py LOTK DOCS_DIR")
    lotk, docs = sys.argv[1], sys.argv[2]
    tables, commands = read_tables(lotk)
    problems = check(tables, commands, lotk, docs)
    for p in problems:
        print(p)
    if problems:
        print(f"check-options: {len(problems)} problems: the docs and lotk's option "
              "tables disagree (core/cli/cmd_*.c)")
        return 1
    if self_test(tables, commands, lotk, docs):
        print("check-options: the check itself misses drift (see self-test above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
