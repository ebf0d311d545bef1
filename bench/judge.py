"""judge.py: what a boot's log says, apart from how the boot was built and run.

check.py builds kernels and boots them; this module reads the log a boot
left and turns it into result rows. It knows the guest's line protocol
(guest/init): "@@SCENARIO name" ... "@@END name" around each program's TAP,
each line "@@| ..."; "# bench: exit status N" after each program;
"@@STATE", "@@KMEMLEAK N" and "@@= ..." after the programs; "@@LOST" for a
line the kernel log refused. Every judgement here can fail, and
bench/judge_test.py shows each one failing on a log made to fail it.

A result is accounted for, not only read: a program must exit 0, every TAP
plan must be met, a SKIP must be on the list in bench/skips, every KUnit
case and kselftest in the tree must report, and a boot whose kernel log
lost lines, or whose kmemleak did not report, is not judged clean.
"""
import json, os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SKIPS = os.path.join(HERE, "skips")

# Reports that fail a boot even when every test passed: x86's "Call Trace:"
# and arm64's "Call trace:" (a bare stack dump, dump_stack()), WARN/BUG/Oops,
# lockdep (including its one-time reports, after which it is off for the
# rest of the boot), KASAN/UBSAN, list debugging, hung tasks, RCU stalls.
SPLATS = re.compile(r"WARNING: |BUG: |[Kk]ernel BUG at|Oops|general protection fault|"
                    r"possible recursive locking|possible circular locking|"
                    r"inconsistent lock state|suspicious RCU usage|"
                    r"INFO: trying to register non-static key|"
                    r"INFO: possible irq lock inversion|"
                    r"INFO: task \S+ blocked for more than|"
                    r"rcu: INFO: rcu_\w+ (?:self-)?detected stall|detected stalls on CPUs|"
                    r"detected expedited stalls|hard LOCKUP|soft lockup|"
                    r"list_(?:add|del) corruption|KASAN|UBSAN|Call [Tt]race:")
# The kernel log lost records (console overrun, /dev/kmsg refused a line)
LOST = re.compile(r"printk messages dropped|lines suppressed due to ratelimiting|^@@LOST.*",
                  re.M)
EXIT = re.compile(r"^# bench: exit status (\d+)")
PLAN = re.compile(r"^1\.\.(\d+)")
RUN = re.compile(r"^#\s+RUN\s+(\S+)")


def oops_text(text):
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if re.search(r"invalid opcode|[Kk]ernel BUG at|BUG: |Oops|Kernel panic", l):
            return "\n".join(lines[i:i + 12])
    return ""


class Program:
    """One program's TAP between @@SCENARIO and @@END."""
    def __init__(self):
        self.cases = []      # (ok, description, directive)
        self.plans = []      # each "1..N"
        self.exits = []      # each "# bench: exit status N"
        self.programs = 1    # kselftest: one per "# kselftest NAME" header
        self.headers = 0
        self.segments = [[0, []]]   # per program: [results, plans]
        self.ended = False


def parse_programs(text):
    """{scenario: Program} from the guest's @@ lines."""
    out, cur, run = {}, None, None
    for l in text.splitlines():
        m = re.match(r"@@SCENARIO (\S+)", l)
        if m:
            cur = out[m.group(1)] = Program()
            run = None
            continue
        if l.startswith("@@END"):
            if cur:
                cur.ended = True
            cur = None
            continue
        if not cur or not l.startswith("@@| "):
            continue
        body = l[4:]
        if body.startswith("# kselftest "):
            cur.headers += 1
            cur.programs = cur.headers
            if cur.headers > 1:
                cur.segments.append([0, []])
            continue
        m = EXIT.match(body)
        if m:
            cur.exits.append(int(m.group(1)))
            continue
        m = PLAN.match(body)
        if m:
            cur.plans.append(int(m.group(1)))
            cur.segments[-1][1].append(int(m.group(1)))
            continue
        m = RUN.match(body)
        if m:
            run = m.group(1)
            continue
        # "ok 3 - desc", "ok 3 desc # SKIP why", and the kselftest harness's
        # "ok 7 # SKIP why" (no description: the test's RUN line names it)
        m = re.match(r"(not ok|ok) \d+(.*)$", body)
        if m:
            rest = m.group(2)
            d = re.search(r"(?:^|\s)#\s*(SKIP|TODO)\b", rest, re.I)
            desc = re.sub(r"^- ", "", (rest[:d.start()] if d else rest).strip())
            if not desc and run:
                desc = run + " (" + rest.strip().lstrip("# ") + ")"
            desc = desc or rest.strip()
            cur.cases.append((m.group(1) == "ok", desc, d.group(1).upper() if d else ""))
            cur.segments[-1][0] += 1
    return out


def parse_scenarios(text):
    """{scenario: [(ok, description, directive)]}"""
    return {k: v.cases for k, v in parse_programs(text).items()}


def scenario_log(text, name):
    m = re.search(r"@@SCENARIO %s\n(.*?)(?:@@END %s|\Z)" % (re.escape(name), re.escape(name)),
                  text, re.S)
    return [l[4:] for l in (m.group(1).splitlines() if m else []) if l.startswith("@@| ")]


def state(text):
    return [l[4:] for l in text.splitlines() if l.startswith("@@= ")]


def load_skips(path=SKIPS):
    """[(arch, regex, reason)]: the SKIPs a boot may report, each with why."""
    out = []
    with open(path) as f:
        for l in f:
            l = l.strip()
            if not l or l.startswith("#"):
                continue
            arch, rest = l.split("|", 1)
            pattern, reason = rest.rsplit("|", 1)
            arch, pattern, reason = arch.strip(), pattern.strip(), reason.strip()
            out.append((arch, re.compile(pattern), reason))
    return out


def allowed_skip(skips, arch, name):
    for a, pat, reason in skips:
        if a in (arch, "*") and pat.search(name):
            return reason
    return None


def read_kconfig(path):
    """{CONFIG_X: value} of a kernel's .config; None if there is none."""
    try:
        with open(path) as f:
            return dict(l.strip().split("=", 1) for l in f if l.startswith("CONFIG_") and "=" in l)
    except OSError:
        return None


def built_cases(src, kcfg):
    """The KUNIT_CASE()s of SRC that a kernel of configuration KCFG compiles:
    a case inside "#if IS_BUILTIN(CONFIG_X)" (or IS_ENABLED, or their
    negation) only where X is y (or y/m), and in its #else branch only
    where it is not. A condition it cannot evaluate (any other #if, #ifdef,
    #elif), or no configuration, expects the cases of every branch, so that
    a case is never silently not expected."""
    cases, stack = [], []  # per level: True, False, or None (unknown)
    for l in src.splitlines():
        m = re.match(r"\s*#\s*if\s+(!?)\s*(IS_BUILTIN|IS_ENABLED)\((CONFIG_\w+)\)\s*$", l)
        if m:
            if kcfg is None:
                stack.append(None)
            else:
                v = kcfg.get(m.group(3), "n")
                on = v == "y" if m.group(2) == "IS_BUILTIN" else v in ("y", "m")
                stack.append(on != bool(m.group(1)))
            continue
        if re.match(r"\s*#\s*if", l):
            stack.append(None)
        elif re.match(r"\s*#\s*endif", l) and stack:
            stack.pop()
        elif re.match(r"\s*#\s*else", l) and stack:
            stack[-1] = None if stack[-1] is None else not stack[-1]
        elif re.match(r"\s*#\s*elif", l) and stack:
            stack[-1] = None
        m = re.match(r"\s*KUNIT_CASE\((\w+)\)", l)
        if m and False not in stack:
            cases.append(m.group(1))
    return cases


def kunit_manifest(tree, kcfg=None):
    """{suite: [case]} from the KUNIT_CASE lists of the series' test files,
    the cases that a kernel of configuration KCFG compiles."""
    out = {}
    for rel in ("drivers/iommu/iommu-dma-owner-test.c",):
        try:
            with open(os.path.join(tree, rel)) as f:
                src = f.read()
        except OSError:
            continue
        suite = re.search(r"\.name\s*=\s*\"([^\"]+)\"", src[src.rfind("struct kunit_suite"):])
        cases = built_cases(src, kcfg)
        # a test file whose suite or cases cannot be read is a failure below
        out[suite.group(1) if suite else rel] = cases
    return out


def kselftest_manifest(tree):
    """[fixture.name] of every TEST()/TEST_F() in the series' kselftests."""
    names = []
    d = os.path.join(tree, "tools/testing/selftests/iommu")
    for p in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        if p.endswith(".c"):
            with open(os.path.join(d, p)) as f:
                for m in re.finditer(r"^TEST(?:_F)?(?:_TIMEOUT|_SIGNAL)?\((?:(\w+),\s*)?(\w+)",
                                     f.read(), re.M):
                    names.append("%s.%s" % (m.group(1) or "global", m.group(2)))
    return names


def sweep_manifest(top):
    """The fault sweep's paths, from the paths[] table of guest/ownstress.c."""
    with open(os.path.join(top, "guest/ownstress.c")) as f:
        src = f.read()
    m = re.search(r"static const struct path paths\[\] = \{(.*?)\n\};", src, re.S)
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S) if m else ""
    return re.findall(r"\{\s*\"((?:[^\"\\]|\\.)*)\"", body)


def kunit(text, res, prefix, tree, kcfg=None):
    """Parse the boot's KUnit KTAP with the tree's own kunit.py; every case
    of the tree's suites that the kernel compiles must be there, and
    kunit.py must exit 0."""
    manifest = kunit_manifest(tree, kcfg)
    if "TAP version" not in text:
        if manifest:
            res.add("fail", prefix + "kunit: the suites ran",
                    "the tree has %s; the log has no KTAP" % ", ".join(manifest))
        return 0
    with tempfile.TemporaryDirectory() as d:
        logf, js = os.path.join(d, "log"), os.path.join(d, "kunit.json")
        with open(logf, "w") as f:
            f.write(text)
        p = subprocess.run([sys.executable, os.path.join(tree, "tools/testing/kunit/kunit.py"),
                            "parse", "--json", js, logf], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if not os.path.exists(js):
            res.add("fail", prefix + "kunit.py parse", "\n".join(p.stdout.strip().splitlines()[-1:]))
            return 1
        with open(js) as f:
            data = json.load(f)
    n, seen = 0, {}
    for sg in data["sub_groups"]:
        for c in sg["test_cases"]:
            n += 1
            seen.setdefault(sg["name"], set()).add(c["name"])
            res.add("pass" if c["status"] == "PASS" else "fail",
                    "%skunit %s.%s" % (prefix, sg["name"], c["name"]),
                    "" if c["status"] == "PASS" else c["status"])
    for suite, cases in manifest.items():
        missing = [c for c in cases if c not in seen.get(suite, ())] or \
            ([] if cases else ["(no KUNIT_CASE read from the tree)"])
        res.add("fail" if missing else "pass",
                "%skunit: every case of %s reported (%d in the tree)" % (prefix, suite, len(cases)),
                "missing: " + ", ".join(missing) if missing else "")
    res.add("pass" if p.returncode == 0 else "fail", prefix + "kunit.py parse exits 0",
            "" if p.returncode == 0 else "exit status %d" % p.returncode)
    return n


def figures(text):
    """{name: int} from the guest's "# figure NAME VALUE" lines."""
    out = {}
    for m in re.finditer(r"^@@\| # figure (\S+) (\d+)", text, re.M):
        out[m.group(1)] = out.get(m.group(1), 0) + int(m.group(2))
    return out


def figure_line(text):
    f = figures(text)
    total, known = leaks(text)
    return ("soak: %d operations in %d s (%.1f/s), %d breaches, %d injected faults, "
            "%d splats, %s leaks%s" % (
                f.get("soak_operations", 0), f.get("soak_seconds", 0),
                f.get("soak_operations", 0) / max(1, f.get("soak_seconds", 0)),
                f.get("soak_breaches", 0), f.get("fault_injected", 0), len(splats(text)),
                "unknown" if total is None else total - sum(known.values()),
                "".join(" (and %d %s)" % (n, why) for why, n in known.items())))


# kmemleak reports that are not the series', counted apart (see README):
# ACPICA's parser leaks its parse ops when an allocation inside an AML method
# fails (seen in the rescan sweep, from the _DSM of
# pci_create_firmware_label_files()); counted apart only in a boot that
# injected failures.
ACPICA_FUNC = re.compile(r"acpi_(ps|ds|ex|ns|ut|ev|tb|rs|hw)_")
ALLOCATOR = re.compile(r"_*(kmem_cache_alloc|kmalloc|kzalloc|krealloc|kmemdup|kstrdup|slab_|"
                       r"kmemleak_|alloc_pages|__alloc|acpi_os_(?:allocate|acquire_object)|acpi_ut_allocate)")
# On arm64 5.10 (the unpatched base too) of_iommu_configure() leaks the
# struct dev_iommu and the empty fwspec (no ops yet) of four PCI devices
# that probe at boot before the SMMU has registered.
FWSPEC_BOOT = re.compile(r"^\s+comm \"swapper/0\", pid 1,.*\n(?:.*\n)*?.*\] iommu_fwspec_init\+"
                         r".*\n.*\] of_iommu_xlate\+", re.M)


def leaks(text):
    """(all, {why: count}): kmemleak's unreferenced objects, and among them
    those that are known not to be the series' (ACPICA's under injected
    failures, of_iommu's at boot)."""
    m = re.search(r"@@KMEMLEAK (\d+)", text)
    if not m:
        return None, {}
    injected = "FAULT_INJECTION: forcing a failure" in text
    known = {}
    for block in re.split(r"@@= unreferenced object", text)[1:]:
        block = "\n".join(l[4:] for l in block.splitlines() if l.startswith("@@= "))
        bt = block.split("backtrace:", 1)[-1]
        # the first frame past the allocator (kmem_cache_alloc, __kmalloc, ...)
        frames = [f for f in re.findall(r"\[<[^>]*>\] (\w+)\+", bt) if not ALLOCATOR.match(f)]
        why = None
        if injected and frames and ACPICA_FUNC.match(frames[0]):
            why = "in ACPICA under injected failures"
        elif FWSPEC_BOOT.search(block):
            why = "of of_iommu_configure() at boot, as on the base"
        if why:
            known[why] = known.get(why, 0) + 1
    return int(m.group(1)), known


def splats(text):
    return [l for l in text.splitlines() if SPLATS.search(l) and not l.startswith("@@")]


def judge_program(res, prefix, name, prog, arch, skips, todo):
    """A program's cases, then its accounting: exit status, plan, skips."""
    bad = "todo" if todo else "fail"
    for ok, desc, directive in prog.cases:
        st = "pass" if ok else ("todo" if todo or directive == "TODO" else "fail")
        if directive == "SKIP" and ok:
            why = allowed_skip(skips, arch, "%s: %s" % (name, desc))
            st = "skip" if why else bad
            desc += "" if why else "  (a SKIP that bench/skips does not allow)"
        res.add(st, "%s%s: %s" % (prefix, name, desc))
    problems = []
    if not prog.ended:
        problems.append("no @@END: the program never finished")
    if len(prog.exits) != prog.programs:
        problems.append("%d exit statuses for %d programs" % (len(prog.exits), prog.programs))
    if any(prog.exits):
        problems.append("exit status %s" % ",".join(str(e) for e in prog.exits if e))
    if not prog.plans:
        problems.append("no TAP plan")
    for i, (got, plans) in enumerate(prog.segments):
        if not plans:
            problems.append("program %d: no TAP plan" % (i + 1))
        elif sum(plans) != got:
            problems.append("program %d: planned %d results, reported %d" % (i + 1, sum(plans),
                                                                               got))
    res.add(bad if problems else "pass",
            "%s%s: exited 0 and met its plan (%d results)" % (prefix, name, len(prog.cases)),
            "; ".join(problems))


# The modules guest/init loads on a modular kernel, and their symbols
MODULES = (("vfio", "VFIO"), ("vfio_iommu_type1", "VFIO_IOMMU_TYPE1"), ("vfio-pci", "VFIO_PCI"),
           ("vfio_mdev", "VFIO_MDEV_DEVICE"), ("pci-stub", "PCI_STUB"), ("e1000", "E1000"),
           ("dfl-pci", "FPGA_DFL_PCI"), ("dfl-fme", "FPGA_DFL_FME"), ("dfl-afu", "FPGA_DFL_AFU"),
           ("dfl-test", "FPGA_DFL_TEST"))


def modules(text, res, prefix, kcfg):
    """On a kernel with the drivers as modules, guest/init loaded each."""
    want = [m for m, sym in MODULES if kcfg.get("CONFIG_" + sym) == "m"]
    if not want:
        return
    said = dict(re.findall(r"^@@MODULE (\S+) (.*)$", text, re.M))
    bad = ["%s: %s" % (m, said.get(m, "not reported")) for m in want if said.get(m) != "loaded"]
    res.add("fail" if bad else "pass",
            "%smodules: modprobe loaded the %d driver modules (%s)" % (prefix, len(want), " ".join(want)),
            "; ".join(bad))


def judge_vm_boot(res, prefix, rc, text, scenarios, todo, arch="x86_64", tree=None,
                  kmemleak=False, skips=None, kconfig=None):
    """Every scenario accounted for, KUnit, clean exit, a complete log, no
    splats, and kmemleak's report when it was asked for. KCONFIG: the
    kernel's .config, which says which KUnit cases it compiled and which
    drivers are modules."""
    skips = load_skips() if skips is None else skips
    kcfg = read_kconfig(kconfig) if kconfig else None
    if kcfg is not None and rc == 0:
        modules(text, res, prefix, kcfg)
    if rc != 0:
        why = {10: "kernel panic/oops", 11: "timeout (hang)", 12: "QEMU failed"}.get(rc, str(rc))
        res.add("fail", prefix + "boot finished cleanly", why + "\n" + oops_text(text))
    else:
        res.add("pass", prefix + "boot finished cleanly")
    lost = [m.group(0) for m in LOST.finditer(text)]
    res.add("fail" if lost else "pass", prefix + "the kernel log lost no lines",
            "; ".join(lost[:3]))
    found = parse_programs(text)
    for s in scenarios:
        prog = found.get(s)
        if not prog or not prog.cases:
            res.add("todo" if todo else "fail", "%s%s" % (prefix, s), "no TAP output")
            continue
        judge_program(res, prefix, s, prog, arch, skips, todo)
        if s == "kselftest" and tree:
            ran = set()
            for l in scenario_log(text, s):
                m = RUN.match(l)
                if m:
                    ran.add(m.group(1))
            want = kselftest_manifest(tree)
            missing = [t for t in want if t not in ran]
            res.add("fail" if missing or not want else "pass",
                    "%skselftest: every test in the tree ran (%d)" % (prefix, len(want)),
                    "missing: " + ", ".join(missing) if missing else
                    "" if want else "no TEST() in tools/testing/selftests/iommu")
        if s == "fault-sweep":
            seen = "\n".join(d for _, d, _ in prog.cases)
            want = sweep_manifest(os.path.dirname(HERE))
            missing = [p for p in want if "fault injection: %s: " % p not in seen]
            res.add("fail" if missing or not want else "pass",
                    "%sfault-sweep: every path of the sweep reported (%d)" % (prefix, len(want)),
                    "missing: " + "; ".join(missing) if missing else
                    "" if want else "no paths[] table in guest/ownstress.c")
    if tree:
        kunit(text, res, prefix, tree, kcfg)
    sp = splats(text)
    res.add("fail" if sp else "pass", prefix + "no WARN/BUG/lockdep/KASAN/stall splat in the log",
            "; ".join(sp[:3]))
    total, known = leaks(text)
    if kmemleak and (total is None or "@@KMEMLEAK-SCAN-FAILED" in text):
        res.add("fail", prefix + "kmemleak: no leaks",
                "kmemleak was asked for and did not report (off, or its scan failed)")
    elif total is not None:
        res.add("pass" if total == sum(known.values()) else "fail", prefix + "kmemleak: no leaks",
                "%d unreferenced objects" % total +
                "".join(", %d %s (not counted)" % (n, why) for why, n in known.items()))
