#!/usr/bin/env python3
"""check.py: builds, boots and judges; the logic behind 'make', 'make check'
and 'make bench'.

  --report  (make)        base + patched kernel, every scenario, a readable report
  --check   (make check)  all of --report, plus series sync, quilt/git am/b4,
                          checkpatch, a build of every patch, the debug variant, and the suite on
                          arm64 (SMMUv3 and virtio-iommu); ends "N passed, N failed"
  --bench   (make bench)  bind/unbind and SET_CONTAINER latency, base vs patched
  --soak    (make soak)   the debug variant: the bad-input sweep, the fault-injection
                          sweep and a soak of SOAK_SECONDS; ends with the figure line
"""
import argparse, atexit, glob, hashlib, os, re, shutil, signal, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from judge import (figure_line, figures, judge_vm_boot, oops_text, read_kconfig,  # noqa: E402
                   scenario_log, state)

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B = os.path.join(TOP, "bench")
BUILD = os.path.join(TOP, "build")
TREE = os.path.join(BUILD, "linux")
LOGS = os.path.join(BUILD, "logs")
OUT = os.environ.get("BENCH_OUT") or os.path.join(BUILD, "out")

# The scenario that crashes the unpatched base (issue 2, item 5).
CRASH_SCENARIO = "vfio-bind-into-owned"
# What the base must show for the crash to count as reproduced.
CRASH_SIGNS = ("invalid opcode", "vfio_iommu_group_notifier")
# The debug boot of 'make check' runs a short soak (issue 9); 'make soak' a long
# one (SOAK_SECONDS, default long enough for 10,000 operations under TCG).
SOAK_SHORT = 60
SOAK_LONG = int(os.environ.get("SOAK_SECONDS") or 600)
# The fault sweep takes every n up to 64, then every FAULT_STRIDE-th in
# 'make soak' (1: every allocation; e1000's probe alone has over 3,000 under
# KASAN, at about a second each); in 'make check' every n up to 16, then n
# grows by a quarter.
FAULT_STRIDE_CHECK = 0
FAULT_STRIDE_SOAK = int(os.environ.get("FAULT_STRIDE") or 1)
# The adversarial programs that need the debug variant (guest/stress/).
STRESS = ["fault-sweep", "soak"]
# The arm64 debug variant (the scenarios, KUnit and the kselftests under
# lockdep, KASAN and kmemleak on SMMUv3): 'make check ARM64_DEBUG=1'. Out
# of the default run since the cold run passed the hour (72.7 min on a fresh
# machine): a KASAN build, the largest of the arm64 kernels, and the longest
# arm64 boot (182 s).
ARM64_DEBUG = os.environ.get("BENCH_ARM64_DEBUG") == "1"
# The fault sweep's injections stay out of ACPICA's object caches: every
# cache but Acpi-* is marked SLAB_FAILSLAB (failslab/cache-filter is on).
# ACPICA 20200925 frees a namespace object when an allocation fails inside
# a _PRT evaluation (pci_enable_device() of any PCI device): a use-after-free
# outside the ownership paths, see README.
FAILSLAB_CACHES = "slub_debug=A;-,Acpi-*"
class Results:
    def __init__(self):
        self.rows = []  # (status, name, detail)

    def add(self, status, name, detail=""):
        assert status in ("pass", "fail", "todo", "skip")
        self.rows.append((status, name, detail))
        mark = {"pass": "ok", "fail": "FAIL", "todo": "todo", "skip": "skip"}[status]
        print("  [%-4s] %s%s" % (mark, name, ("  -- " + detail) if detail else ""), flush=True)

    def count(self, s):
        return sum(1 for r in self.rows if r[0] == s)


def sh(cmd, env=None, log=None):
    """Run a bench script; returns (rc, last line of stdout)."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(cmd, env=e, stdout=subprocess.PIPE, text=True)
    out = p.stdout.strip().splitlines()
    return p.returncode, (out[-1] if out else "")


def host_packages(arm64=False):
    """What the boots and checks need beyond the build scripts' own packages."""
    if subprocess.run(["bash", "-c", ". '%s/lib.sh' && need_pkgs "
                       "qemu-system-x86:qemu-system-x86_64 perl:perl dwarves:pahole%s" % (
                           B, " qemu-system-arm:qemu-system-aarch64" if arm64 else "")]).returncode:
        sys.exit(1)


# Architectures: the name results carry, kernel.sh's ARCH, vm.py's --arch.
ARCHES = {"x86_64": "", "arm64": "arm64: "}


def outdir(what, variant="default", arch="x86_64"):
    # the base builds in build/base/out (bench/lib.sh's BASE_BUILD)
    return os.path.join(os.path.join(BUILD, "base", "out") if what == "base" else OUT,
                        ("" if arch == "x86_64" else arch + "-") + what + "-" + variant)


T0 = time.monotonic()


def step(title):
    # the time since check.py started: where a cold run's hour goes
    print("== [%4.0fs] %s" % (time.monotonic() - T0, title), flush=True)


def series_dirs():
    """The three series' directories in patches/, as bench/lib.sh names them."""
    with open(os.path.join(B, "lib.sh")) as f:
        m = re.search(r"^SERIES_DIRS=\((.*)\)$", f.read(), re.M)
    return m.group(1).split() if m else []


def series_patches():
    with open(os.path.join(TOP, "patches", "series")) as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


class Prebuild:
    """The arm64 kernels of 'make check' and its arm64 bisect builds, built
    in the background at the lowest CPU priority while the x86_64 part
    runs: a TCG boot keeps about one core busy (the guest's tests mostly
    run one at a time), so the builds take the other one, and the idle
    moments of the x86_64 builds, without slowing the x86_64 boots.
    build() waits for it before it builds in the same directories."""
    KERNELS = (("vm", "default"), ("base", "default")) + ((("vm", "debug"),) if ARM64_DEBUG else ())

    def __init__(self):
        os.makedirs(LOGS, exist_ok=True)
        self.log = open(os.path.join(LOGS, "arm64-prebuild.log"), "w")
        script = "; ".join("VARIANT=%s '%s' %s" % (v, os.path.join(B, "kernel.sh"), w)
                           for w, v in self.KERNELS)
        # bisect.sh ARCH=arm64 picks its patches by the objects of the
        # x86_64 VM kernel: wait until that is built
        script += ("; while [ ! -e '%s' ]; do sleep 5; done; '%s' >/dev/null" % (
            os.path.join(outdir("vm"), "arch/x86/boot/bzImage"), os.path.join(B, "bisect.sh")))
        env = dict(os.environ, ARCH="arm64")
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(["nice", "-n", "19", "bash", "-c", script], env=env,
                                  stdout=self.log, stderr=subprocess.STDOUT,
                                  # a process group of its own (killed as one),
                                  # not a session: a new session is a new
                                  # scheduler autogroup, and nice does not
                                  # reach across autogroups
                                  preexec_fn=os.setpgrp)
        atexit.register(self.stop)

    def stop(self):
        """check.py ends early (a build failed): the builds end with it."""
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGTERM)

    def wait(self):
        if self.p.poll() is None:
            print("   waiting for the arm64 background builds", flush=True)
        self.p.wait()
        print("   arm64 background builds done %.0fs after they started (status %d, log %s)" % (
            time.monotonic() - self.t0, self.p.returncode, self.log.name), flush=True)


PREBUILD = None
BUILT = {}


def build(what, variant="default", arch="x86_64"):
    """Kernel + initramfs; returns (kernel image, initramfs) or dies. Once
    per run and kernel."""
    global PREBUILD
    if (what, variant, arch) in BUILT:
        return BUILT[what, variant, arch]
    if arch != "x86_64" and PREBUILD:
        PREBUILD.wait()
        PREBUILD = None
    t = time.monotonic()
    rc, img = sh([os.path.join(B, "kernel.sh"), what], env={"VARIANT": variant, "ARCH": arch})
    if rc:
        sys.exit("error: %s%s kernel (%s) did not build" % (ARCHES[arch], what, variant))
    out = outdir(what, variant, arch)
    rc, initrd = sh([os.path.join(B, "initramfs.sh"), out, os.path.join(out, "initramfs.cpio.gz")])
    if rc:
        sys.exit("error: initramfs for %s%s (%s) did not build" % (ARCHES[arch], what, variant))
    print("   %s%s (%s): %s [%.0fs]" % (ARCHES[arch], what, variant, img, time.monotonic() - t),
          flush=True)
    BUILT[what, variant, arch] = img, initrd
    return img, initrd


# A boot's outcome depends on what it boots: the kernel image, the initramfs
# (the guest's programs, scenarios and modules), vm.py and its arguments,
# and QEMU with its firmware. make check keeps the log of every boot that
# finished or panicked and whose judgement found nothing wrong in
# build/verdicts/, keyed by a hash of those inputs, and judges a boot whose
# inputs are byte for byte the same from that log instead of booting again
# (the builds are reproducible: see lib.sh and initramfs.sh). The debug
# boot's soak and fault sweep are randomised and timed: for the same inputs
# they count once, as a CI run counts once per commit; 'make soak' samples
# more. A failure is not kept (the next run boots again), nor a timeout or
# a QEMU failure, except for a randomised boot (the debug boot's soak and
# sweeps, the base soak) and a mutant's: those are kept whatever they found,
# so that a failure is not rolled again until it passes. The measurements of
# 'make bench' and 'make soak' always boot. BENCH_REBOOT=1 (make check REBOOT=1) boots everything again; CI
# starts without build/.
VERDICTS = os.path.join(BUILD, "verdicts")
QEMU = {"x86_64": "qemu-system-x86_64", "arm64": "qemu-system-aarch64"}
KEPT = {}  # boot name -> its entry in VERDICTS, until its judgement


def qemu_identity(arch):
    """QEMU's binary and the versions of the packages its firmware comes from."""
    q = shutil.which(QEMU[arch])
    st = os.stat(q) if q else None
    pkgs = subprocess.run(["dpkg-query", "-W", "qemu-system-*", "seabios", "ipxe-qemu"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    accel = os.environ.get("BENCH_ACCEL", "tcg")
    return (q, st and (st.st_size, st.st_mtime_ns), pkgs, accel,
            os.uname().release if accel != "tcg" else "")


def boot_key(args, img, initrd, arch):
    h = hashlib.sha256()
    for p in (img, initrd, os.path.join(B, "vm.py")):
        with open(p, "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    h.update(repr((args, qemu_identity(arch))).encode())
    return h.hexdigest()[:32]


def kept_verdict(kept):
    try:
        with open(kept + ".rc") as f:
            rc = int(f.read())
        with open(kept + ".log", errors="replace") as f:
            return rc, f.read()
    except (OSError, ValueError):
        return None


def keep_verdict(kept, log, rc):
    os.makedirs(VERDICTS, exist_ok=True)
    shutil.copyfile(log, kept + ".log.tmp")
    os.replace(kept + ".log.tmp", kept + ".log")
    with open(kept + ".rc.tmp", "w") as f:
        f.write("%d\n" % rc)
    os.replace(kept + ".rc.tmp", kept + ".rc")


def forget_verdict(name):
    """The judgement of boot NAME found a failure: boot it again next time."""
    kept = KEPT.pop(name, None)
    for ext in (".rc", ".log"):
        if kept and os.path.exists(kept + ext):
            os.unlink(kept + ext)


def judged(res, mark, name, randomised=False):
    """After the judgement of boot NAME (res.rows[mark:]): keep it or not.
    A randomised boot (soak, fault sweep) that failed is kept as it is: it
    stays failed for the same kernel, initramfs and arguments, instead of
    being booted again until it passes (REBOOT=1 asks for a new roll)."""
    failed = any(r[0] == "fail" for r in res.rows[mark:])
    if failed and randomised and name in KEPT:
        res.add("fail", "%s: this randomised boot failed for this input; it stays failed until "
                "the input changes" % name, "log: build/verdicts/%s.log"
                % os.path.basename(KEPT[name]))
    elif failed:
        forget_verdict(name)
    KEPT.pop(name, None)


AHEAD = {}  # boot name -> (rc, log text) of a boot that boot_ahead() ran


def boot_ahead(boots):
    """Runs the boots (boot()'s keyword arguments each) at once, one thread
    each, for boot() to return in turn: the arm64 boots at the end of 'make
    check', when nothing else is left to keep the second core busy."""
    def one(b):
        AHEAD[b["name"]] = boot(**b)
    ts = [threading.Thread(target=one, args=(b,)) for b in boots]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def boot(name, img, initrd, run, append="", timeout=600, extra=(), bench_group=0,
         arch="x86_64", iommu=None, reuse=True, randomised=False):
    if name in AHEAD:
        return AHEAD.pop(name)
    os.makedirs(LOGS, exist_ok=True)
    log = os.path.join(LOGS, name + ".log")
    args = ["--timeout", str(timeout), "--arch", arch,
            "--append", ("bench.run=%s " % ",".join(run)) + append]
    for x in extra:
        args += ["--extra", x]
    if bench_group:
        args += ["--bench-group", str(bench_group)]
    if iommu:
        args += ["--iommu", iommu]
    kept = os.path.join(VERDICTS, boot_key(args, img, initrd, arch)) if reuse else None
    t = time.monotonic()
    got = kept and os.environ.get("BENCH_REBOOT") != "1" and kept_verdict(kept)
    if got:
        rc, text = got
        with open(log, "w") as f:
            f.write(text)
        print("   boot %s: status %d, not booted again: same image, initramfs, QEMU and "
              "arguments as build/verdicts/%s.log" % (name, rc, os.path.basename(kept)), flush=True)
        KEPT[name] = kept
        return rc, text
    # a guest silent for 10 minutes (longer than any program's quiet
    # stretch; the soak prints at its end) is stopped as hung
    soak = re.search(r"bench\.soak=(\d+)", append)
    silence = max(600, int(soak.group(1)) + 300) if soak else 600
    cmd = [sys.executable, os.path.join(B, "vm.py"), "--kernel", img, "--initrd", initrd,
           "--log", log, "--silence", str(silence)] + args
    rc = subprocess.run(cmd).returncode
    print("   boot %s: status %d [%.0fs], log %s" % (name, rc, time.monotonic() - t, log),
          flush=True)
    # a randomised boot's verdict is kept whatever it was (judged())
    # (a timeout of a randomised boot too; QEMU failing never counts)
    if kept and (rc in (0, 10) or (randomised and rc == 11)):
        keep_verdict(kept, log, rc)
        KEPT[name] = kept
    with open(log, errors="replace") as f:
        return rc, f.read()


def guest_programs(sub):
    """The guest programs of guest/SUB/ (scenarios, modules), by name."""
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(TOP, "guest", sub, "*"))
                  if os.access(p, os.X_OK))


def guest_scenarios(tree_has_kselftests):
    return guest_programs("scenarios") + (["kselftest"] if tree_has_kselftests else [])


def base_crash(res, report, arch="x86_64"):
    p = ARCHES[arch]
    step("%sbase kernel: the crash must be reproduced" % p)
    img, initrd = build("base", arch=arch)
    name = ("" if arch == "x86_64" else arch + "-") + "base-crash"
    rc, text = boot(name, img, initrd, [CRASH_SCENARIO], timeout=300, arch=arch)
    # arm64 has no "invalid opcode": it reports "Kernel BUG at <function>"
    signs = CRASH_SIGNS if arch == "x86_64" else ("Kernel BUG at vfio_iommu_group_notifier",)
    crashed = rc == 10 and all(s in text for s in signs)
    if not crashed:
        forget_verdict(name)
    res.add("pass" if crashed else "fail", "%sbase: %s crashes 5.10 (BUG in vfio_iommu_group_notifier)"
            % (p, CRASH_SCENARIO), "" if crashed else "status %d; expected a panic with %s" % (rc, signs))
    report.append((p + "base 5.10.262, " + CRASH_SCENARIO,
                   "expected: BUG in vfio_iommu_group_notifier() and a panic",
                   "happened: " + ("kernel crashed as expected" if crashed else "status %d" % rc),
                   scenario_log(text, CRASH_SCENARIO), oops_text(text)))


def vm_boot(variant="default", arch="x86_64", iommu=None):
    """The patched kernel's boot: builds it and returns boot()'s keyword
    arguments."""
    label = {"virtio": "virtio-iommu", "amd": "amd-iommu"}.get(iommu)
    img, initrd = build("vm", variant, arch)
    ksft = os.path.isdir(os.path.join(TREE, "tools/testing/selftests/iommu"))
    run = guest_scenarios(ksft)
    kcfg = read_kconfig(os.path.join(outdir("vm", variant, arch), ".config")) or {}
    if kcfg.get("CONFIG_VFIO") == "m":
        # a modular kernel: the module-life scenarios (guest/modules/),
        # before the kselftests (whose hot-add leaves a fourth e1000 in the
        # shared group)
        at = len(run) - 1 if ksft else len(run)
        run[at:at] = guest_programs("modules")
    append = ""
    if variant == "debug" and arch == "x86_64":
        run += STRESS
        append = "kmemleak=on %s bench.soak=%d bench.fault_stride=%d" % (
            FAILSLAB_CACHES, SOAK_SHORT, FAULT_STRIDE_CHECK)
    elif variant == "debug" or kcfg.get("CONFIG_DEBUG_KMEMLEAK") == "y":
        # (the modular kernel has kmemleak, off by default, for its
        # module-life scenarios)
        append = "kmemleak=on"
    name = ("" if arch == "x86_64" else arch + "-") + \
        (label + "-" if label else "") + "vm-" + variant
    return dict(name=name, img=img, initrd=initrd, run=run, append=append,
                timeout=2400 if variant == "debug" else 600, arch=arch, iommu=iommu,
                randomised=any(s in STRESS for s in run))


def patched(res, report, variant="default", arch="x86_64", iommu=None):
    """The patched kernel's boot with every scenario, the kselftests and
    KUnit. On arm64 the debug variant runs them once (no stress), and
    IOMMU=virtio boots the same kernel on a virtio-iommu; on x86_64
    IOMMU=amd boots it on QEMU's AMD IOMMU (AMD-Vi)."""
    label = {"virtio": "virtio-iommu", "amd": "amd-iommu"}.get(iommu)
    prefix = ARCHES[arch] + ("" if variant == "default" else variant + ": ") + \
        (label + ": " if label else "")
    step("%spatched kernel (%s)%s" % (ARCHES[arch], variant, " on " + label if label else ""))
    b = vm_boot(variant, arch, iommu)
    name, run, append, randomised = b["name"], b["run"], b["append"], b["randomised"]
    todo = not series_patches()
    rc, text = boot(**b)
    mark = len(res.rows)
    # bench/skips names a platform: the arch, or the arch and the IOMMU
    # where only that IOMMU's emulation needs a SKIP
    platform = arch + ("/amd-iommu" if iommu == "amd" else "")
    judge_vm_boot(res, prefix, rc, text, run, todo, arch=platform, tree=TREE,
                  kmemleak="kmemleak=on" in append,
                  kconfig=os.path.join(outdir("vm", variant, arch), ".config"))
    judged(res, mark, name, randomised)
    if variant == "debug" and arch == "x86_64":
        report.append(("debug variant, short soak and sweeps", "", figure_line(text),
                       [l for l in scenario_log(text, "soak")
                        if l.startswith(("# soak", "# BREACH"))], ""))
    if variant == "default" and arch == "x86_64" and not iommu:
        for s in run:
            report.append(("patched, " + s,
                           "expected: every case ok (a kernel bind into a user-owned group gets EBUSY)",
                           "happened: boot status %d" % rc, scenario_log(text, s), ""))
        report.append(("patched, final state", "", "", state(text), ""))


def base_soak(res, report):
    """The soak's invariant on unpatched 5.10 must report a breach or crash."""
    step("base kernel: the soak must fail")
    img, initrd = build("base")
    # without the UNSET racing a SET: 5.10 crashes on that race (patch 18's
    # fix) before the breach the soak is there to show
    rc, text = boot("base-soak", img, initrd, ["soak"], append="bench.soak=30 bench.soak_unset=0",
                    timeout=400, randomised=True)
    f = figures(text)
    # the crash it expects (the BUG in vfio's notifier), not any panic
    crashed = rc == 10 and all(s in text for s in CRASH_SIGNS)
    failed = crashed or f.get("soak_breaches", 0) > 0
    breach = [l for l in scenario_log(text, "soak") if "BREACH" in l]
    what = ("crashed: " + oops_text(text).splitlines()[0]) if rc == 10 and oops_text(text) \
        else ("%d breaches" % f.get("soak_breaches", 0))
    mark = len(res.rows)
    res.add("pass" if failed else "fail", "base: the soak's invariant fails on 5.10 (a breach, or "
            "the BUG in vfio_iommu_group_notifier)", what)
    judged(res, mark, "base-soak", randomised=True)
    report.append(("base 5.10.262, soak", "expected: a breach or a crash", "happened: " + what,
                   breach[:3], oops_text(text)))


def soak(res, report):
    step("debug variant: bad input, fault injection, a %d s soak" % SOAK_LONG)
    img, initrd = build("vm", "debug")
    run = ["bad-input"] + STRESS
    rc, text = boot("soak", img, initrd, run, reuse=False,
                    append="kmemleak=on %s bench.soak=%d bench.fault_stride=%d" % (
                        FAILSLAB_CACHES, SOAK_LONG, FAULT_STRIDE_SOAK),
                    timeout=SOAK_LONG + (2400 if FAULT_STRIDE_SOAK > 1 else 7200))
    judge_vm_boot(res, "soak: ", rc, text, run, False, tree=TREE, kmemleak=True)
    report.append(("soak, %d s" % SOAK_LONG, "", figure_line(text),
                   [l for l in scenario_log(text, "soak") if l.startswith("# ")] +
                   [l for l in scenario_log(text, "fault-sweep") if "figure" in l], ""))
    return text


def judge_controls(res):
    """The judge's negative controls (bench/judge_test.py): every detector
    and every piece of accounting fails on a log made to fail it."""
    step("judge: negative controls")
    p = subprocess.run([sys.executable, os.path.join(B, "judge_test.py"), "-v"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    n = 0
    for m in re.finditer(r"^(test_\w+) \((?:__main__|judge_test)\.(\w+)\.\w+\)[^\n]*?\.\.\. (\w+)", p.stdout,
                         re.M):
        n += 1
        res.add("pass" if m.group(3) == "ok" else "fail",
                "judge: %s.%s" % (m.group(2), m.group(1)), "" if m.group(3) == "ok" else m.group(3))
    res.add("pass" if p.returncode == 0 and n else "fail", "judge: the controls ran (%d)" % n,
            "" if p.returncode == 0 and n else "\n".join(p.stdout.strip().splitlines()[-1:]))


def series_sync(res):
    step("series: patches/ re-exports to itself")
    with tempfile.TemporaryDirectory() as d:
        rc, _ = sh([os.path.join(B, "export.sh"), "--to", d])
        if rc:
            res.add("fail", "series: make export works")
            return
        p = subprocess.run(["diff", "-r", "-q", os.path.join(TOP, "patches"), d],
                           stdout=subprocess.PIPE, text=True)
        res.add("pass" if p.returncode == 0 else "fail", "series: patches/ is in sync with build/linux",
                p.stdout.strip().replace("\n", "; "))


def applies(res):
    """quilt push -a, git am one at a time, and b4 am, each series on its own base;
    and quilt of the three together on the base."""
    step("series: applies as a distribution or a maintainer applies it")
    p = subprocess.run([os.path.join(B, "apply.sh")], stdout=subprocess.PIPE, text=True)
    n = 0
    for l in p.stdout.splitlines():
        m = re.match(r"(ok|fail) (.*?)(?: \((.*)\))?$", l)
        if m:
            n += 1
            res.add("pass" if m.group(1) == "ok" else "fail", "applies: " + m.group(2),
                    m.group(3) or "")
    want = 3 * len(series_dirs()) + 1
    if n != want:
        res.add("fail", "applies: bench/apply.sh tried all three ways (quilt, git am, b4) on "
                "each series, and all of them together",
                "%d results of %d, status %d" % (n, want, p.returncode))


def checkpatch(res):
    step("checkpatch --strict")
    for p in series_patches():
        r = subprocess.run(["perl", os.path.join(TREE, "scripts/checkpatch.pl"), "--strict",
                            "--no-tree", "--quiet", "--no-summary", "--show-types",
                            os.path.join(TOP, "patches", p)],
                           # outside any git checkout: checkpatch.pl takes a
                           # path that git tracks for a source file, not a patch
                           cwd=tempfile.gettempdir(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        bad = [l for l in r.stdout.splitlines() if re.match(r"(ERROR|WARNING|CHECK):", l)]
        res.add("fail" if bad or r.returncode else "pass", "checkpatch --strict: " + p,
                "; ".join(bad[:4]))


def bisect(res, arch="x86_64"):
    p = ARCHES[arch]
    if arch == "x86_64":
        step("bisectability: every patch builds the VM kernel")
    else:
        step("%sbisectability: every patch that touches a file only %s builds" % (p, arch))
    results = os.path.join(BUILD, "bisect.results" if arch == "x86_64" else "bisect-%s.results" % arch)
    rc, _ = sh([os.path.join(B, "bisect.sh")], env={"ARCH": arch})
    with open(results) as f:
        for l in f:
            st, name = l.rstrip("\n").split(" ", 1)
            res.add("pass" if st == "ok" else "fail", p + "builds on its own: " + name)
    if rc and not os.path.getsize(results):
        res.add("fail", p + "bisect builds ran")
    if arch != "x86_64" and not rc and not os.path.getsize(results):
        res.add("fail", p + "bisect: some patch touches a file only %s builds" % arch,
                "none found: is the %s VM kernel built?" % arch)


def symvers(path):
    """{symbol: crc} from a Module.symvers (crc, symbol, module, export[, ns])."""
    out = {}
    with open(path) as f:
        for l in f:
            parts = l.rstrip("\n").split("\t")
            if len(parts) >= 2:
                out[parts[1]] = parts[0]
    return out


def abi(res, report, arch="x86_64"):
    """genksyms CRCs of base and patched (MODVERSIONS in kconfig/vm.config):
    the series may add exports, never change or remove one (issue 11)."""
    p = ARCHES[arch]
    step("%sABI: exported symbols and their CRCs, base vs patched" % p)
    base = symvers(os.path.join(outdir("base", arch=arch), "Module.symvers"))
    new = symvers(os.path.join(outdir("vm", arch=arch), "Module.symvers"))
    crcs = [c for c in base.values() if c not in ("0x00000000", "")]
    if not crcs:
        res.add("fail", p + "abi: the base was built with CONFIG_MODVERSIONS", "no CRCs in Module.symvers")
        return
    changed = sorted(s for s in base if s in new and new[s] != base[s])
    removed = sorted(s for s in base if s not in new)
    added = sorted(s for s in new if s not in base)
    line = p + "abi: %d changed, %d removed, %d added" % (len(changed), len(removed), len(added))
    print("   " + line, flush=True)
    res.add("pass" if not changed and not removed else "fail",
            p + "abi: no exported symbol of the base changes its CRC or goes away",
            line + ("; changed: " + ", ".join(changed[:10]) if changed else "") +
            ("; removed: " + ", ".join(removed[:10]) if removed else ""))
    report.append((p + "ABI (Module.symvers, MODVERSIONS)", "expected: 0 changed, 0 removed",
                   "happened: " + line, ["added: " + s for s in added] +
                   ["changed: " + s for s in changed] + ["removed: " + s for s in removed], ""))
    if arch == "x86_64":
        layout(res, report)


def layout(res, report):
    """The CRCs hold by construction (the new members are hidden from
    genksyms): the layouts those members live in, measured (bench/layout.py)."""
    step("ABI: the layouts of the structures whose new members genksyms does not see")
    p = subprocess.run([sys.executable, os.path.join(B, "layout.py"), outdir("base"), outdir("vm")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = p.stdout.strip().splitlines()
    for l in lines:
        m = re.match(r"(ok|fail) (\S+) (.*)", l)
        if m:
            res.add("pass" if m.group(1) == "ok" else "fail", "layout: %s keeps the base's layout"
                    % m.group(2), m.group(3))
    import layout as lay
    rows = [l for l in lines if re.match(r"(ok|fail) \S+ ", l)]
    if p.returncode not in (0, 1) or len(rows) != len(lay.STRUCTS):
        res.add("fail", "layout: bench/layout.py reported every structure (%d of %d)"
                % (len(rows), len(lay.STRUCTS)), p.stdout[-300:])
    report.append(("ABI: struct layouts, base vs patched (pahole)", "", "", lines, ""))


def print_report(report):
    print("\n================ report ================")
    for title, exp, got, lines, oops in report:
        print("\n* " + title)
        if exp:
            print("  " + exp)
        if got:
            print("  " + got)
        for l in lines:
            print("    " + l)
        if oops:
            print("  oops:")
            for l in oops.splitlines():
                print("    " + l)


def main():
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--report", action="store_true")
    g.add_argument("--check", action="store_true")
    g.add_argument("--bench", action="store_true")
    g.add_argument("--soak", action="store_true")
    a = ap.parse_args()
    if a.bench:
        os.execv(sys.executable, [sys.executable, os.path.join(B, "perf.py")])
    host_packages(arm64=a.check)
    res, report = Results(), []
    t0 = time.monotonic()
    if a.check:
        global PREBUILD
        PREBUILD = Prebuild()
    soak_text = None
    if a.soak:
        soak_text = soak(res, report)
    else:
        if a.check:
            judge_controls(res)
            series_sync(res)
            applies(res)
            checkpatch(res)
        base_crash(res, report)
        if a.check:
            base_soak(res, report)
        patched(res, report)
        abi(res, report)
        if a.check:
            # the same image on AMD-Vi
            patched(res, report, iommu="amd")
            # the standing negative control: a mutant the suite must kill
            import mutants
            # mutants.py imports this file anew as 'check': the same clock
            mutants.check.T0 = T0
            step("standing mutants (make mutants runs them all)")
            mutants.run(res, standing=True)
            patched(res, report, "debug")
            bisect(res)
            # the same suite on arm64: SMMUv3, then virtio-iommu (and the
            # debug variant once with ARM64_DEBUG=1), the builds of what
            # only arm64 compiles
            base_crash(res, report, "arm64")
            # the patched arm64 boots side by side (the x86_64 part is
            # done: a boot keeps about one core busy)
            arm64 = [(), ("virtio",)] + ([("debug",)] if ARM64_DEBUG else [])
            step("arm64: the boots of the patched kernel, %d at once" % len(arm64))
            boot_ahead([vm_boot("debug" if "debug" in k else "default", "arm64",
                                "virtio" if "virtio" in k else None) for k in arm64])
            patched(res, report, arch="arm64")
            abi(res, report, "arm64")
            patched(res, report, arch="arm64", iommu="virtio")
            if ARM64_DEBUG:
                patched(res, report, "debug", arch="arm64")
            bisect(res, "arm64")
    print_report(report)
    todo = [r for r in res.rows if r[0] == "todo"]
    if todo:
        print("\nexpected to fail until the series lands (TODO):")
        for r in todo:
            print("  - " + r[1])
    fails = [r for r in res.rows if r[0] == "fail"]
    if fails:
        print("\nfailed:")
        for r in fails:
            print("  - %s %s" % (r[1], ("(" + r[2].splitlines()[0] + ")") if r[2] else ""))
    print("\n[%.0fs]" % (time.monotonic() - t0))
    if soak_text is not None:
        print(figure_line(soak_text))
    elif a.check:
        with open(os.path.join(LOGS, "vm-debug.log"), errors="replace") as f:
            print(figure_line(f.read()))
    print("%d passed, %d failed, %d skipped" % (res.count("pass"), res.count("fail"),
                                               res.count("skip") + res.count("todo")))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
