#!/usr/bin/env python3
"""layout.py: the layouts that the series' changelogs promise, measured.

The series hides its new struct members from genksyms (#ifndef
__GENKSYMS__), so Debian's CRCs stay those of the base by construction; what
keeps modules built for the base working is that the layouts they see do
not move. This measures them: each structure below is compiled with debug
info from the base tree and from the patched tree, with the exact compiler
command kbuild used for the object that defines it (from the VM kernels'
out-of-tree builds), and pahole (Debian's dwarves) reads the layout.

  same:   size and the offset of every member the base has are the same
          (the new member sits in padding)
  append: the offset of every member the base has is the same; the struct
          may grow (it is allocated only by the code that defines it)

  layout.py BASE_OUT PATCHED_OUT [--tree TREE]
      prints "ok|fail STRUCT: why" per struct; --tree compiles TREE's
      sources (a mutant) with PATCHED_OUT's commands
"""
import os, re, shlex, subprocess, sys, tempfile

STRUCTS = [
    # struct, the object whose compile command sees it, rule, why the rule
    ("device_driver", "drivers/base/driver.o", "same",
     "embedded in every driver module's driver structure"),
    ("device_private", "drivers/base/dd.o", "same",
     "the driver core's, built in; dma_refused shares dead's byte"),
    ("dfl_device", "drivers/fpga/dfl.o", "append",
     "allocated only by the DFL bus core; drivers get a pointer"),
    ("iommu_group", "drivers/iommu/iommu.o", "append", "private to iommu.c"),
    ("group_device", "drivers/iommu/iommu.o", "append", "private to iommu.c"),
]


def compile_cmd(out, obj):
    """kbuild's command for OUT/OBJ, from its .cmd file."""
    d, b = os.path.split(obj)
    with open(os.path.join(out, d, "." + b + ".cmd")) as f:
        m = re.match(r"cmd_\S+ := (.*)", f.readline())
    if not m:
        raise RuntimeError("no command in %s" % os.path.join(out, d, "." + b + ".cmd"))
    # the command may end with kbuild's post-processing ("; ./tools/objtool ...")
    return m.group(1).split(" ; ")[0]


def layout(out, obj, struct, tmp, tree=None):
    """(size, [(member, offset, bit)]) of STRUCT as OBJ's compile command
    sees it; with TREE, the sources of TREE instead of the ones OUT was
    built from (a mutant of the same tree: the generated headers hold)."""
    cmd = compile_cmd(out, obj)
    if tree:
        src = re.search(r"-include (\S+)/include/linux/kconfig\.h", cmd).group(1)
        tree = os.path.abspath(tree) + "/"
        cmd = cmd.replace(src + "/", tree)
        # the source file itself may be named relative to OUT
        cmd = re.sub(r"(?<=\s)%s/" % re.escape(os.path.relpath(src, out)), tree, cmd)
    argv = shlex.split(cmd)
    if "-o" in argv:
        i = argv.index("-o")
        argv[i + 1] = os.path.join(tmp, os.path.basename(obj))
    argv = [a for a in argv if not a.startswith("-Wp,-MMD")] + ["-g", "-gdwarf-4"]
    p = subprocess.run(argv, cwd=out, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode:
        raise RuntimeError("compiling %s failed: %s" % (obj, p.stdout[-500:]))
    p = subprocess.run(["pahole", "-C", struct, os.path.join(tmp, os.path.basename(obj))],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return parse_pahole(p.stdout)


def parse_pahole(text):
    """(size, [(member, offset, bit offset)]) from pahole's output; every
    member pahole counts must be parsed."""
    size, count, members = None, None, []
    for l in text.splitlines():
        # "\tconst char  *  name;  /*     0     8 */", a bitfield "/*   208: 1  1 */"
        m = re.match(r"\t([^\t/].*);\s*/\*\s*(\d+)(?::\s*(\d+))?\s+\d+\s*\*/", l)
        if m:
            decl = re.sub(r"__attribute__\(\(.*?\)\)", "", m.group(1))
            fn = re.search(r"\(\*\s*(\w+)\)", decl)
            words = re.findall(r"\w+", re.sub(r"\[.*?\]|:\s*\d+\s*$", "", decl))
            # "} name;" closes a named union or struct; "};" an anonymous one
            name = fn.group(1) if fn else (words[-1] if words and not decl.strip().endswith("}")
                                           else "(anonymous@%s)" % m.group(2))
            members.append((name, int(m.group(2)), int(m.group(3) or 0)))
            continue
        m = re.search(r"/\* size: (\d+), cachelines: \d+, members: (\d+)", l)
        if m:
            size, count = int(m.group(1)), int(m.group(2))
    if count is not None and count != len(members):
        raise RuntimeError("parsed %d of pahole's %d members" % (len(members), count))
    return size, members


def compare(base, patched, rule):
    """'' if PATCHED keeps BASE's layout under RULE, else why not."""
    bsize, bm = base
    psize, pm = patched
    if bsize is None or psize is None or not bm:
        return "pahole found no such structure"
    where = {name: (off, bit) for name, off, bit in pm}
    moved = ["%s %d->%s" % (name, off, where.get(name, ("gone",))[0])
             for name, off, bit in bm if where.get(name) != (off, bit)]
    if moved:
        return "members moved: " + ", ".join(moved)
    if rule == "same" and bsize != psize:
        return "size %d -> %d" % (bsize, psize)
    return ""


def main():
    base_out, patched_out = sys.argv[1:3]
    tree = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--tree" else None
    bad = 0
    with tempfile.TemporaryDirectory() as tb, tempfile.TemporaryDirectory() as tp:
        for struct, obj, rule, why in STRUCTS:
            try:
                b = layout(base_out, obj, struct, tb)
                p = layout(patched_out, obj, struct, tp, tree)
                problem = compare(b, p, rule)
            except Exception as e:  # noqa: BLE001 -- any failure is a failed row
                problem = "%s: %s" % (type(e).__name__, e)
            bad += bool(problem)
            print("%s %s (%s: %s): %s" % (
                "fail" if problem else "ok", struct, rule, why,
                problem or "size %d -> %d, the base's %d members in place" % (
                    b[0], p[0], len(b[1]))))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
