#!/usr/bin/env python3
"""Negative controls for bench/judge.py: each detector and each piece of
accounting is shown failing on a log made to fail it, and passing on the
same log without the defect. 'make check' runs these first; so does
'python3 bench/judge_test.py'.
"""
import os, sys, tempfile, unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import judge  # noqa: E402

TREE = os.environ.get("BENCH_TREE") or os.path.join(os.path.dirname(HERE), "build", "linux")


class Rows:
    def __init__(self):
        self.rows = []

    def add(self, status, name, detail=""):
        self.rows.append((status, name, detail))

    def status(self, part):
        """The status of the one row whose name contains PART."""
        got = [r for r in self.rows if part in r[1]]
        assert len(got) == 1, "%d rows named %r: %r" % (len(got), part, self.rows)
        return got[0][0]

    def failed(self):
        return [r for r in self.rows if r[0] == "fail"]


def program(name, lines, exit_status=0, plan=True, end=True):
    out = ["@@SCENARIO " + name]
    out += ["@@| " + l for l in lines]
    n = sum(1 for l in lines if l.startswith(("ok ", "not ok ")))
    if plan:
        out.append("@@| 1..%d" % n)
    if exit_status is not None:
        out.append("@@| # bench: exit status %d" % exit_status)
    if end:
        out.append("@@END " + name)
    return out


CLEAN = ["@@BOOTED 5.10.262+", "some kernel line"] + \
    program("s1", ["ok 1 - one", "ok 2 - two"]) + ["@@STATE", "@@DONE"]


def judge_log(lines, scenarios=("s1",), arch="x86_64", kmemleak=False, tree=None, skips=(),
              kconfig=None):
    r = Rows()
    judge.judge_vm_boot(r, "", 0, "\n".join(lines) + "\n", list(scenarios), False, arch=arch,
                        tree=tree, kmemleak=kmemleak, skips=list(skips), kconfig=kconfig)
    return r


def kconfig(d, lines):
    path = os.path.join(d, ".config")
    with open(path, "w") as f:
        f.write("# comment\n" + "".join(l + "\n" for l in lines))
    return path


class Positive(unittest.TestCase):
    def test_clean_log_passes(self):
        self.assertEqual(judge_log(CLEAN).failed(), [])


class Splats(unittest.TestCase):
    def splat(self, line):
        r = judge_log(CLEAN[:2] + [line] + CLEAN[2:])
        self.assertEqual(r.status("splat"), "fail", line)

    def test_x86_call_trace(self):
        self.splat("Call Trace:")

    def test_arm64_stack_dump_only(self):
        # dump_stack() on arm64: no WARNING line, only the trace
        self.splat("Call trace:")

    def test_hung_task(self):
        self.splat("INFO: task ownstress:312 blocked for more than 30 seconds.")

    def test_rcu_stall(self):
        self.splat("rcu: INFO: rcu_preempt self-detected stall on CPU")
        self.splat("rcu: INFO: rcu_sched detected stalls on CPUs/tasks:")

    def test_lockdep_one_time_report(self):
        self.splat("INFO: trying to register non-static key.")

    def test_list_corruption(self):
        self.splat("list_del corruption. next->prev should be ffff888003c1e418, but was dead000000000122")

    def test_gpf(self):
        self.splat("general protection fault, probably for non-canonical address 0xdead000000000100")

    def test_expedited_stall_and_lockups(self):
        self.splat("rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: {")
        self.splat("watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [ownstress:301]")
        self.splat("NMI watchdog: Watchdog detected hard LOCKUP on cpu 1")

    def test_guest_lines_are_not_splats(self):
        r = judge_log(CLEAN[:2] + ["@@| # the test greps for 'WARNING: ' in dmesg"] + CLEAN[2:])
        self.assertEqual(r.status("splat"), "pass")


class Accounting(unittest.TestCase):
    def test_cut_short(self):
        # the program died after its first case: no plan, no status, no END
        r = judge_log(CLEAN[:2] + program("s1", ["ok 1 - one"], exit_status=None, plan=False,
                                          end=False))
        self.assertEqual(r.status("met its plan"), "fail")

    def test_plan_not_met(self):
        r = judge_log(CLEAN[:2] + ["@@SCENARIO s1", "@@| 1..3", "@@| ok 1 - a", "@@| ok 2 - b",
                                   "@@| # bench: exit status 0", "@@END s1"])
        self.assertEqual(r.status("met its plan"), "fail")

    def test_exit_status(self):
        r = judge_log(CLEAN[:2] + program("s1", ["ok 1 - one"], exit_status=1))
        self.assertEqual(r.status("met its plan"), "fail")

    def test_missing_exit_status_of_one_kselftest(self):
        lines = ["@@SCENARIO kselftest", "@@| # kselftest a", "@@| 1..1", "@@| ok 1 global.x",
                 "@@| # bench: exit status 0", "@@| # kselftest b", "@@| 1..1",
                 "@@| ok 1 global.y", "@@END kselftest"]
        r = judge_log(CLEAN[:2] + lines, scenarios=["kselftest"])
        self.assertEqual(r.status("met its plan"), "fail")
        lines.insert(-1, "@@| # bench: exit status 0")
        r = judge_log(CLEAN[:2] + lines, scenarios=["kselftest"])
        self.assertEqual(r.status("met its plan"), "pass")

    def test_plans_of_two_programs_do_not_cancel(self):
        # one program planned 2 and reported 1, the next planned 1 and reported 2
        lines = ["@@SCENARIO kselftest", "@@| # kselftest a", "@@| 1..2", "@@| ok 1 global.x",
                 "@@| # bench: exit status 0", "@@| # kselftest b", "@@| 1..1",
                 "@@| ok 1 global.y", "@@| ok 2 global.z", "@@| # bench: exit status 0",
                 "@@END kselftest"]
        r = judge_log(CLEAN[:2] + lines, scenarios=["kselftest"])
        self.assertEqual(r.status("met its plan"), "fail")

    def test_not_ok_skip_fails(self):
        skips = [("*", judge.re.compile(r"^s1: one\b"), "why")]
        r = judge_log(CLEAN[:2] + program("s1", ["not ok 1 - one # SKIP no device"]),
                      skips=skips)
        self.assertEqual(r.status("s1: one"), "fail")

    def test_missing_scenario(self):
        r = judge_log(CLEAN, scenarios=["s1", "s2"])
        self.assertEqual(r.status("s2"), "fail")

    def test_skip_allowed_only_where_listed(self):
        skips = [("arm64", judge.re.compile(r"^kselftest: global\.x\b"), "why")]
        lines = ["@@SCENARIO kselftest", "@@| # kselftest a", "@@| #  RUN  global.x ...",
                 "@@| ok 1 # SKIP no such device", "@@| 1..1", "@@| # bench: exit status 0",
                 "@@END kselftest"]
        r = judge_log(CLEAN[:2] + lines, scenarios=["kselftest"], arch="arm64", skips=skips)
        self.assertEqual(r.status("global.x"), "skip")
        r = judge_log(CLEAN[:2] + lines, scenarios=["kselftest"], arch="x86_64", skips=skips)
        self.assertEqual(r.status("global.x"), "fail")

    def test_skips_file_parses(self):
        self.assertTrue(judge.load_skips())


class Sweep(unittest.TestCase):
    """Every path in the sweep's table must report (read from its source)."""
    def log(self, paths):
        lines = ["ok %d - fault injection: %s: 3 failures injected" % (i + 1, p)
                 for i, p in enumerate(paths)]
        return CLEAN[:2] + program("fault-sweep", lines)

    def test_path_missing(self):
        paths = judge.sweep_manifest(os.path.dirname(HERE))
        self.assertGreater(len(paths), 10)
        r = judge_log(self.log(paths[1:]), scenarios=["fault-sweep"])
        self.assertEqual(r.status("every path of the sweep"), "fail")
        r = judge_log(self.log(paths), scenarios=["fault-sweep"])
        self.assertEqual(r.status("every path of the sweep"), "pass")


class Log(unittest.TestCase):
    def test_printk_dropped(self):
        r = judge_log(CLEAN[:2] + ["** 12 printk messages dropped **"] + CLEAN[2:])
        self.assertEqual(r.status("lost no lines"), "fail")

    def test_kmsg_refused_a_line(self):
        r = judge_log(CLEAN[:2] + ["@@LOST a line of 1200 bytes"] + CLEAN[2:])
        self.assertEqual(r.status("lost no lines"), "fail")


class Kmemleak(unittest.TestCase):
    def test_asked_for_and_absent(self):
        self.assertEqual(judge_log(CLEAN, kmemleak=True).status("kmemleak"), "fail")

    def test_scan_failed(self):
        r = judge_log(CLEAN + ["@@KMEMLEAK-SCAN-FAILED", "@@KMEMLEAK 0"], kmemleak=True)
        self.assertEqual(r.status("kmemleak"), "fail")

    def test_reported_none(self):
        self.assertEqual(judge_log(CLEAN + ["@@KMEMLEAK 0"], kmemleak=True).status("kmemleak"),
                         "pass")

    def test_leak(self):
        r = judge_log(CLEAN + ["@@KMEMLEAK 1", "@@= unreferenced object 0xffff (size 64):",
                               "@@=   backtrace:", "@@=     [<0>] kmalloc_trace+0x1/0x2"],
                      kmemleak=True)
        self.assertEqual(r.status("kmemleak"), "fail")


class BuiltCases(unittest.TestCase):
    """Which KUNIT_CASE()s a configuration compiles: an #else branch only
    where its IS_BUILTIN() is false; a condition the judge cannot evaluate
    expects both branches (never silently fewer cases)."""
    SRC = ("#if IS_BUILTIN(CONFIG_A)\nKUNIT_CASE(a)\n#else\nKUNIT_CASE(b)\n#endif\n"
           "#ifdef FOO\nKUNIT_CASE(c)\n#else\nKUNIT_CASE(d)\n#endif\n"
           "#if !IS_ENABLED(CONFIG_A)\nKUNIT_CASE(e)\n#endif\n")

    def test_branches(self):
        self.assertEqual(judge.built_cases(self.SRC, {"CONFIG_A": "m"}), ["b", "c", "d"])
        self.assertEqual(judge.built_cases(self.SRC, {"CONFIG_A": "y"}), ["a", "c", "d"])
        self.assertEqual(judge.built_cases(self.SRC, {}), ["b", "c", "d", "e"])
        self.assertEqual(judge.built_cases(self.SRC, None), ["a", "b", "c", "d", "e"])


class Modules(unittest.TestCase):
    """A modular kernel: each driver module guest/init loads must say so."""
    def test_module_not_loaded(self):
        with tempfile.TemporaryDirectory() as d:
            cfg = kconfig(d, ["CONFIG_VFIO=m", "CONFIG_E1000=m", "CONFIG_PCI_STUB=y"])
            loaded = ["@@MODULE vfio loaded", "@@MODULE e1000 loaded"]
            r = judge_log(CLEAN[:1] + loaded + CLEAN[1:], kconfig=cfg)
            self.assertEqual(r.status("modules: modprobe loaded"), "pass")
            r = judge_log(CLEAN[:1] + loaded[:1] + CLEAN[1:], kconfig=cfg)
            self.assertEqual(r.status("modules: modprobe loaded"), "fail")
            r = judge_log(CLEAN[:1] + [loaded[0], "@@MODULE e1000 failed: no such module"] +
                          CLEAN[1:], kconfig=cfg)
            self.assertEqual(r.status("modules: modprobe loaded"), "fail")
            # a kernel with them built in reports no modules and needs none
            cfg = kconfig(d, ["CONFIG_VFIO=y", "CONFIG_E1000=y"])
            r = judge_log(CLEAN, kconfig=cfg)
            self.assertEqual([x for x in r.rows if "modules:" in x[1]], [])


@unittest.skipUnless(os.path.exists(os.path.join(TREE, "tools/testing/kunit/kunit.py")),
                     "no tree with kunit.py (make tree)")
class Manifest(unittest.TestCase):
    """The expected cases come from the tree's sources, not from the output."""
    def tree(self, d):
        os.makedirs(os.path.join(d, "drivers/iommu"))
        os.makedirs(os.path.join(d, "tools/testing/selftests/iommu"))
        os.symlink(os.path.join(TREE, "tools/testing/kunit"), os.path.join(d, "tools/testing/kunit"))
        with open(os.path.join(d, "drivers/iommu/iommu-dma-owner-test.c"), "w") as f:
            f.write("static struct kunit_case c[] = {\n\tKUNIT_CASE(ot_a),\n\tKUNIT_CASE(ot_b),\n"
                    "\t{}\n};\nstatic struct kunit_suite s = {\n\t.name = \"iommu-dma-owner\",\n};\n")
        with open(os.path.join(d, "tools/testing/selftests/iommu/t.c"), "w") as f:
            f.write("TEST(x)\n{\n}\nTEST_F_TIMEOUT(group, y, 180)\n{\n}\n")

    KTAP = ["TAP version 14", "1..1", "    # Subtest: iommu-dma-owner", "    1..%d",
            "    ok 1 - ot_a", "ok 1 - iommu-dma-owner"]

    def test_kunit_case_missing(self):
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            ktap = [l.replace("%d", "1") for l in self.KTAP]
            r = judge_log(CLEAN + ktap, tree=d)
            self.assertEqual(r.status("every case of iommu-dma-owner"), "fail")
            ktap = ktap[:5] + ["    ok 2 - ot_b"] + ktap[5:]
            ktap[3] = "    1..2"
            r = judge_log(CLEAN + ktap, tree=d)
            self.assertEqual(r.status("every case of iommu-dma-owner"), "pass")
            self.assertEqual(r.status("kunit.py parse exits 0"), "pass")

    def test_kunit_did_not_run(self):
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            r = judge_log(CLEAN, tree=d)
            self.assertEqual(r.status("kunit: the suites ran"), "fail")

    def test_kunit_failure_fails_parse(self):
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            ktap = [l.replace("%d", "2") for l in self.KTAP]
            ktap = ktap[:5] + ["    not ok 2 - ot_b"] + ["not ok 1 - iommu-dma-owner"]
            r = judge_log(CLEAN + ktap, tree=d)
            self.assertEqual(r.status("kunit.py parse exits 0"), "fail")

    def test_kunit_case_of_a_config(self):
        """A case under #if IS_BUILTIN(CONFIG_VFIO) is expected where VFIO=y,
        and not where VFIO=m (the modular kernel does not compile it)."""
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            with open(os.path.join(d, "drivers/iommu/iommu-dma-owner-test.c"), "a") as f:
                f.write("static struct kunit_case e[] = {\n#if IS_BUILTIN(CONFIG_VFIO)\n"
                        "\tKUNIT_CASE(ot_v),\n#endif\n\t{}\n};\n")
            ktap = [l.replace("%d", "2") for l in self.KTAP]
            ktap = ktap[:5] + ["    ok 2 - ot_b"] + ktap[5:]
            r = judge_log(CLEAN + ktap, tree=d, kconfig=kconfig(d, ["CONFIG_VFIO=y"]))
            self.assertEqual(r.status("every case of iommu-dma-owner"), "fail")
            r = judge_log(CLEAN + ktap, tree=d, kconfig=kconfig(d, ["CONFIG_VFIO=m"]))
            self.assertEqual(r.status("every case of iommu-dma-owner"), "pass")
            # no configuration known: every case
            r = judge_log(CLEAN + ktap, tree=d)
            self.assertEqual(r.status("every case of iommu-dma-owner"), "fail")

    def test_kselftest_missing(self):
        with tempfile.TemporaryDirectory() as d:
            self.tree(d)
            lines = ["@@SCENARIO kselftest", "@@| # kselftest t", "@@| #  RUN  global.x ...",
                     "@@| ok 1 global.x", "@@| 1..1", "@@| # bench: exit status 0",
                     "@@END kselftest"]
            r = judge_log(CLEAN[:2] + lines, scenarios=["kselftest"], tree=d)
            self.assertEqual(r.status("every test in the tree ran"), "fail")
            lines[4:4] = ["@@| #  RUN  group.y ...", "@@| ok 2 group.y"]
            lines[6] = "@@| 1..2"
            r = judge_log(CLEAN[:2] + lines, scenarios=["kselftest"], tree=d)
            self.assertEqual(r.status("every test in the tree ran"), "pass")


if __name__ == "__main__":
    unittest.main()
