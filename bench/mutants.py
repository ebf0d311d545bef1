#!/usr/bin/env python3
"""mutants.py: the suite kills what it exists to catch ('make mutants').

Each bench/mutants/NAME.patch breaks one promise of the series. Its header,
before the diff, says how to kill it:

  Mutant:    what it breaks (continuation lines start with a space)
  Variant:   default or debug: the kernel it is built as; layout: no kernel,
             bench/layout.py compiles the mutant's structures (no boot);
             distro: no boot, bench/distro-check.sh amd64 over the mutant's
             tree (Debian's config, W=1, sparse, modpost); Killed-by then
             matches its output lines
  Run:       the guest programs its boot runs (comma list; none: KUnit only)
  Append:    more kernel command line (optional)
  Killed-by: a regular expression on the names of the rows that should fail
  Kill:      breach (optional): it must be killed by a failing Killed-by row
             in a boot that ended cleanly, not by a crash
  Standing:  yes: 'make check' runs it as a standing negative control

For each mutant the series' tree is checked out in build/mutants/linux (a
worktree of build/linux at its HEAD), the patch applied, the kernel built in
build/mutants/out (the same relative paths as build/{linux,out}, so ccache
shares entries and a mutant costs the files it touches), the boot run and
judged by bench/judge.py like any boot. A mutant is killed when a row fails;
"SURVIVED" fails the run. Boots are kept in build/verdicts like check.py's,
whatever their outcome, so an unchanged series costs builds, not boots.

  mutants.py            every mutant
  mutants.py NAME...    those
  mutants.py --standing the standing ones
"""
import argparse, glob, os, re, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check  # noqa: E402
import judge  # noqa: E402

MUTANTS = os.path.join(HERE, "mutants")
MBUILD = os.path.join(check.BUILD, "mutants")
WT = os.path.join(MBUILD, "linux")
MOUT = os.path.join(MBUILD, "out")


class Mutant:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-len(".patch")]
        with open(path) as f:
            head = f.read().split("\ndiff --git", 1)[0]
        fields, key = {}, None
        for l in head.splitlines():
            m = re.match(r"([A-Z][\w-]*):\s*(.*)$", l)
            if m:
                key = m.group(1).lower()
                fields[key] = m.group(2).strip()
            elif l.startswith(" ") and key:
                fields[key] += " " + l.strip()
        self.what = fields.get("mutant", "")
        self.variant = fields.get("variant", "default")
        run = fields.get("run", "none")
        self.run = [] if run == "none" else [r.strip() for r in run.split(",") if r.strip()]
        self.append = fields.get("append", "")
        self.killed_by = re.compile(fields.get("killed-by", "."))
        self.breach = fields.get("kill", "") == "breach"
        self.standing = fields.get("standing", "") == "yes"
        if "killed-by" not in fields or self.variant not in ("default", "debug", "layout",
                                                             "distro"):
            sys.exit("error: %s: needs Killed-by: and Variant: default, debug, layout or "
                     "distro" % path)


class Quiet:
    """Rows, not printed: a mutant's boot fails by design."""
    def __init__(self):
        self.rows = []

    def add(self, status, name, detail=""):
        self.rows.append((status, name, detail))


def git(*args, check_=True):
    return subprocess.run(["git", "-C", WT] + list(args), check=check_, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True).stdout


def worktree():
    """build/mutants/linux at build/linux's HEAD, clean."""
    head = subprocess.run(["git", "-C", check.TREE, "rev-parse", "HEAD"], check=True,
                          stdout=subprocess.PIPE, text=True).stdout.strip()
    subprocess.run(["git", "-C", check.TREE, "worktree", "prune"], check=True)
    top = subprocess.run(["git", "-C", WT, "rev-parse", "--show-toplevel"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    if top.strip() != WT:
        subprocess.run(["rm", "-rf", WT], check=True)
        os.makedirs(MBUILD, exist_ok=True)
        subprocess.run(["git", "-C", check.TREE, "worktree", "add", "-q", "-f", "--detach", WT,
                        head], check=True)
    # only the files a mutant touched change back (and get rebuilt)
    git("checkout", "-q", "-f", "--detach", head)
    git("checkout", "-q", "-f", "--", ".")
    git("clean", "-q", "-f", "-d", "-x")   # a file a mutant added (sources only here)
    return head


def build(m):
    env = dict(os.environ, BENCH_TREE=WT, BENCH_OUT=MOUT, VARIANT=m.variant)
    p = subprocess.run([os.path.join(HERE, "kernel.sh"), "vm"], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode:
        return None, "the mutant did not build:\n" + "\n".join(p.stdout.splitlines()[-15:])
    img = p.stdout.strip().splitlines()[-1]
    out = os.path.join(MOUT, "vm-" + m.variant)
    initrd = os.path.join(out, "initramfs.cpio.gz")
    p = subprocess.run([os.path.join(HERE, "initramfs.sh"), out, initrd], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode:
        return None, "no initramfs:\n" + "\n".join(p.stdout.splitlines()[-15:])
    return (img, initrd), ""


def run_layout(m, t0):
    """A layout mutant: no boot, bench/layout.py with the mutant's sources."""
    check.build("base")
    check.build("vm")
    p = subprocess.run([sys.executable, os.path.join(HERE, "layout.py"), check.outdir("base"),
                        check.outdir("vm"), "--tree", WT],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    git("checkout", "-q", "-f", "--", ".")
    fails = ["layout: " + l.split()[1] for l in p.stdout.splitlines() if l.startswith("fail ")]
    # moved members or a new size, not a compile error
    hit = ["layout: " + l.split()[1] for l in p.stdout.splitlines() if l.startswith("fail ") and
           re.search(r"\): (members moved|size )", l) and
           m.killed_by.search("layout: " + l.split()[1])]
    cost = "[%.0fs]" % (time.monotonic() - t0)
    if not fails:
        return False, "SURVIVED %s" % cost
    if not hit:
        return False, "killed, but not by /%s/: %s %s" % (m.killed_by.pattern, "; ".join(fails),
                                                         cost)
    return True, "killed by %s %s" % ("; ".join(hit), cost)


def run_distro(m, t0):
    """A distro mutant: no boot, bench/distro-check.sh amd64 (Debian's config,
    modpost) over the mutant's tree, in build/mutants/distro."""
    env = dict(os.environ, BENCH_TREE=WT, DISTRO_OUT=os.path.join(MBUILD, "distro"))
    p = subprocess.run([os.path.join(HERE, "distro-check.sh"), "amd64"], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    git("checkout", "-q", "-f", "--", ".")
    cost = "[%.0fs]" % (time.monotonic() - t0)
    lines = [l.strip() for l in p.stdout.splitlines()]
    hit = [l for l in lines if m.killed_by.search(l)]
    if p.returncode == 0:
        return False, "SURVIVED %s" % cost
    if not hit:
        return False, "killed, but not by /%s/: %s %s" % (
            m.killed_by.pattern, "; ".join(lines[-3:]), cost)
    return True, "killed by %s %s" % ("; ".join(hit[:2]), cost)


def run_mutant(m):
    """(killed, verdict line)."""
    t0 = time.monotonic()
    worktree()
    p = subprocess.run(["git", "-C", WT, "apply", m.path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode:
        return False, "does not apply to the series: " + p.stdout.strip()
    if m.variant == "layout":
        return run_layout(m, t0)
    if m.variant == "distro":
        return run_distro(m, t0)
    built, why = build(m)
    git("checkout", "-q", "-f", "--", ".")
    if not built:
        return False, why
    img, initrd = built
    tb = time.monotonic()
    append = m.append
    if m.variant == "debug" and "kmemleak" not in append:
        append = ("kmemleak=on " + append).strip()
    name = "mutant-" + m.name
    rc, text = check.boot(name, img, initrd, m.run or ["none"], append=append,
                          timeout=2400 if m.variant == "debug" else 600, randomised=True)
    check.KEPT.pop(name, None)
    res = Quiet()
    judge.judge_vm_boot(res, "", rc, text, m.run, False, tree=WT,
                        kmemleak="kmemleak=on" in append,
                        kconfig=os.path.join(img.rsplit("/arch/", 1)[0], ".config"))
    cost = "[build %.0fs, boot %.0fs]" % (tb - t0, time.monotonic() - tb)
    if rc == 12:
        return False, "QEMU failed: not judged %s" % cost
    fails = [r[1] for r in res.rows if r[0] == "fail"]
    # what the suite saw, not how the boot went: a program that did not run
    # or report, or a boot that timed out, kills nothing by itself
    hit = [r[1] for r in res.rows if r[0] == "fail" and m.killed_by.search(r[1]) and
           r[2] != "no TAP output" and "exited 0 and met its plan" not in r[1] and
           not (r[1] == "boot finished cleanly" and rc != 10)]
    if not fails:
        return False, "SURVIVED %s" % cost
    if m.breach and (rc != 0 or not hit):
        return False, "killed, but not by a breach in a clean boot (status %d; %s) %s" % (
            rc, "; ".join(fails[:3]), cost)
    if not hit:
        return False, "killed, but not by /%s/: %s %s" % (m.killed_by.pattern,
                                                         "; ".join(fails[:3]), cost)
    more = len(hit) - 3
    return True, "killed by %s%s %s" % ("; ".join(hit[:3]),
                                         " (and %d more)" % more if more > 0 else "", cost)


def mutants(names=None, standing=False):
    all_ = [Mutant(p) for p in sorted(glob.glob(os.path.join(MUTANTS, "*.patch")))]
    if names:
        known = {m.name for m in all_}
        bad = [n for n in names if n not in known]
        if bad:
            sys.exit("error: no such mutant: %s" % ", ".join(bad))
        all_ = [m for m in all_ if m.name in names]
    if standing:
        all_ = [m for m in all_ if m.standing]
    return all_


def run(res, names=None, standing=False, prefix="mutant "):
    """Rows for check.py: one per mutant, pass when it is killed as its
    header says."""
    for m in mutants(names, standing):
        check.step("mutant %s (%s): %s" % (m.name, m.variant, m.what))
        killed, verdict = run_mutant(m)
        res.add("pass" if killed else "fail", "%s%s is killed" % (prefix, m.name), verdict)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--standing", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    check.host_packages()
    res = check.Results()
    t0 = time.monotonic()
    run(res, a.names, a.standing)
    print("\n================ mutants ================")
    for st, name, detail in res.rows:
        print("%-4s %s: %s" % ("ok" if st == "pass" else "FAIL", name, detail))
    print("\n[%.0fs] %d mutants: %d killed, %d not" % (
        time.monotonic() - t0, len(res.rows), res.count("pass"), res.count("fail")))
    sys.exit(1 if res.count("fail") else 0)


if __name__ == "__main__":
    main()
