#!/bin/bash
# make docs: the documentation of the series, base vs patched.
#  1. Sphinx (Debian's python3-sphinx) builds Documentation/driver-api out of
#     tree for the base and the patched tree (build/docs/{base,patched});
#     the warnings are compared after normalisation (no line numbers, no
#     paths): the patched side must have none the base lacks.
#  2. dma-ownership.html must exist and be in driver-api/index.html's toctree.
#  3. (scripts/kernel-doc -none over the C files the series changes is
#     make distro-check's, which runs it base vs patched.)
#  4. scripts/get_abi.pl validate over Documentation/ABI: no new complaint;
#     the ABI files the series changes, rendered as the kernel's kernel-abi
#     directive renders them (get_abi.pl rest --rst-source) in a small Sphinx
#     project: no new warning; and every driver the DFL driver_override entry
#     names exists in the patched tree.
# A side whose tree (git tree id and diff of tracked files) and Sphinx
# version are unchanged reuses its last log: Sphinx reports a document's
# warnings only when it rebuilds it, so a changed side is built from scratch
# (untracked files, which Debian's .gitignore hides, are not in the key:
# DOCS_FORCE=1 rebuilds both). Exits non-zero on any new warning.
. "$(dirname "$0")/lib.sh"

# fontconfig: 5.10's Documentation/conf.py runs fc-list (CJK fonts for PDF);
# without it the HTML build fails too (found on a fresh Debian 12 machine)
need_pkgs python3-sphinx:sphinx-build fontconfig:fc-list make:make perl:perl python3:python3 \
	git:git
export LC_ALL=C.UTF-8
"$TOP/bench/base.sh"
base=$(base_src)
patched=$TREE
[[ -f $patched/Makefile ]] || die "no patched tree at $patched: run 'make tree' (or set BENCH_TREE)"
docs=$BUILD/docs
jobs=${DOCS_JOBS:-2}
((jobs > 2)) && jobs=2
mkdir -p "$docs"
sphinx=$(sphinx-build --version 2>&1)
t0=$SECONDS

# key SRC: what a build of SRC depends on, or nothing (no caching) when SRC
# is not a git tree.
key() {
	local t
	t=$(git -C "$1" rev-parse -q --verify 'HEAD^{tree}' 2>/dev/null) || return 0
	echo "driver-api-html-1 $t $(git -C "$1" diff HEAD | sha256sum | cut -c1-16) $sphinx"
}

# build SIDE SRC KEEP: Documentation/driver-api of SRC into build/docs/SIDE;
# the make log and the key of that build are KEEP/SIDE.{log,key}. The base's
# are kept in the cache (only its log is read), so a fresh clone builds the
# patched side only.
build() {
	local side=$1 src=$2 out=$docs/$1 k t
	local lg=$3/$1.log kf=$3/$1.key
	k=$(key "$src")
	if [[ -z ${DOCS_FORCE:-} && -n $k && -f $lg && -f $3/$1.paths && -f $kf && $(<"$kf") == "$k" ]] &&
		[[ $side == base || -f $out/Documentation/output/driver-api/index.html ]]; then
		log "docs: $side unchanged, reusing $lg"
		return 0
	fi
	[[ ! -e $src/.config && ! -d $src/include/config ]] ||
		die "$src has an in-tree configuration: the out-of-tree doc build needs it clean ('make mrproper')"
	log "docs: building $side driver-api ($sphinx, -j$jobs, nice 19)"
	rm -rf "$out" "$kf" "$3/$1.paths"
	mkdir -p "$out" "$3"
	t=$SECONDS
	if ! nice -n 19 make -s -C "$src" O="$out" PYTHON=python3 SPHINXDIRS=driver-api \
		-j"$jobs" htmldocs >"$lg" 2>&1; then
		tail -20 "$lg" >&2
		die "the $side driver-api build failed (log: $lg)"
	fi
	log "docs: $side built in $((SECONDS - t)) s"
	# the paths in this log, for a later run from another tree or clone
	printf '%s\n%s\n' "$(cd "$src" && pwd)" "$out" >"$3/$1.paths"
	[[ -z $k ]] || echo "$k" >"$kf"
}

build base "$base" "$CACHE/docs"
build patched "$patched" "$docs"

# The ABI side: get_abi.pl validate, and the ABI files the series changes
# rendered in a small Sphinx project (standard roles only; a :doc: target
# that exists in the tree is stubbed so that it resolves).
abi() {
	local side=$1 src=$2 w=$docs/abi-$1 f
	rm -rf "$w" && mkdir -p "$w/src/Documentation/ABI"
	(cd "$src" && perl scripts/get_abi.pl validate --dir Documentation/ABI) >"$w/validate.log" 2>&1 ||
		die "get_abi.pl validate failed on the $side tree ($w/validate.log)"
	for f in $abi_files; do
		[[ -f $src/Documentation/ABI/$f ]] || continue
		mkdir -p "$w/src/Documentation/ABI/${f%/*}"
		cp "$src/Documentation/ABI/$f" "$w/src/Documentation/ABI/$f"
	done
	mkdir -p "$w/rst"
	echo "project = 'abi'" >"$w/rst/conf.py"
	{ printf 'ABI\n===\n\n'
	  (cd "$w/src" && perl "$src/scripts/get_abi.pl" rest --rst-source --dir Documentation/ABI); } >"$w/rst/index.rst"
	{ grep -o ':doc:`/[^`]*`' "$w/rst/index.rst" || true; } | sed 's/^:doc:`\///; s/`$//' | sort -u | while read -r d; do
		[[ -f $src/Documentation/$d.rst ]] || continue
		mkdir -p "$w/rst/$(dirname "$d")"
		printf ':orphan:\n\n%s\n%s\n' "$d" "$(echo "$d" | tr -c '\n' '=')" >"$w/rst/$d.rst"
	done
	nice -n 19 sphinx-build -q -b html "$w/rst" "$w/html" >"$w/render.log" 2>&1 ||
		die "rendering the $side ABI files failed ($w/render.log)"
}
# The ABI files the series changes (and adds). scripts/kernel-doc over the C
# files it changes is make distro-check's; the kernel-doc comments that the
# new page includes are checked here, by the Sphinx build.
git -C "$patched" rev-parse -q --verify dmaown-base >/dev/null ||
	die "$patched has no dmaown-base tag: run 'make tree' (or use a worktree of build/linux)"
abi_files=$(git -C "$patched" diff --name-only --diff-filter=d dmaown-base | sed -n 's|^Documentation/ABI/||p')
abi base "$base"
abi patched "$patched"

python3 - "$docs" "$CACHE/docs/base.log" "$base" "$patched" "$abi_files" <<'EOF' && rc=0 || rc=$?
import collections, re, sys
docs, base_log, base, patched, abi_files = sys.argv[1:]
# Notes about the build machine, not the documents: equal on both sides.
ENV = re.compile(r"^WARNING: The kernel documentation build process|sphinx_rtd_theme|"
                 r"dot\(1\) not found|LaTeX command 'latex' cannot be run")
MSG = re.compile(r"\b(warning|error|critical|severe)\b", re.I)

def warnings(path, *prefixes):
    out = []
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("Declaration is ") and out:
            out[-1] += " " + line       # Sphinx's duplicate-declaration detail
            continue
        if not MSG.search(line) or ENV.search(line):
            continue
        for p in prefixes:
            line = line.replace(p.rstrip("/") + "/", "")
        line = re.sub(r":\d+(?=[:\s.,]|$)", ":", line)
        out.append(line.strip())
    return collections.Counter(out)

def compare(name, b, p):
    new = p - b
    for w in sorted(new.elements()):
        print(f"new {name} warning: {w}")
    return sum(new.values()), sum(b.values()), sum(p.values())

bad = 0
def paths(log):
    return open(log[:-len(".log")] + ".paths").read().split("\n")[:2]
nb = warnings(base_log, *paths(base_log))
np_ = warnings(f"{docs}/patched.log", *paths(f"{docs}/patched.log"))
new, cb, cp = compare("driver-api", nb, np_)
bad += new
html = f"{docs}/patched/Documentation/output/driver-api"
try:
    index = open(f"{html}/index.html").read()
    page = open(f"{html}/dma-ownership.html").read()
    trees = re.findall(r'<div class="toctree-wrapper[^"]*">(.*?)</div>', index, re.S)
    linked = any('href="dma-ownership.html"' in t for t in trees)
except OSError:
    linked = False
if linked:
    link = "dma-ownership.html linked from driver-api/index.html"
else:
    link = "dma-ownership.html NOT linked from driver-api/index.html's toctree"
    bad += 1

vb = warnings(f"{docs}/abi-base/validate.log", base)
vp = warnings(f"{docs}/abi-patched/validate.log", patched)
vnew, vcb, vcp = compare("get_abi.pl validate", vb, vp)
bad += vnew
rb = warnings(f"{docs}/abi-base/render.log", f"{docs}/abi-base")
rp = warnings(f"{docs}/abi-patched/render.log", f"{docs}/abi-patched")
rnew, _, _ = compare("ABI rendering", rb, rp)
bad += rnew

# The drivers the DFL driver_override entry names must exist in the tree.
missing = []
try:
    abi = open(f"{patched}/Documentation/ABI/testing/sysfs-bus-dfl").read()
    m = re.search(r"What:\s*\S*dfl\S*/driver_override\n(.*?)(?=\nWhat:|\Z)", abi, re.S)
    entry = m.group(1) if m else ""
except OSError:
    entry = ""
import subprocess
names = set(re.findall(r"\b(dfl-[a-z0-9-]+)\b", entry))
for n in sorted(names):
    # a name the entry itself dates after 5.10 ("dfl-n3000-nios, arrived
    # in 5.11") is no example
    if re.search(re.escape(n) + r",?\s+(arrived|added|merged)\s+in\s+\d", entry):
        continue
    r = subprocess.run(["git", "-C", patched, "grep", "-qF", f'"{n}"', "--", "drivers"])
    if r.returncode:
        r = subprocess.run(["grep", "-rqF", f'"{n}"', f"{patched}/drivers"])
    if r.returncode:
        missing.append(n)
for n in missing:
    print(f"the DFL driver_override ABI entry names '{n}', which is no driver of this tree")
bad += len(missing)

print(f"docs: driver-api built, {new} new warnings ({cb} in base, {cp} in patched); {link}; "
      f"get_abi.pl validate: {vnew} new ({vcb} in base, {vcp} in patched)")
print(f"docs: ABI files the series changes ({' '.join(abi_files.split()) or 'none'}) "
      f"render with {rnew} new warnings, driver names in the DFL entry: "
      f"{', '.join(sorted(names)) or 'none'} ({len(missing)} missing)")
sys.exit(1 if bad else 0)
EOF
log "docs: $((SECONDS - t0)) s"
exit $rc
