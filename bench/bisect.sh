#!/bin/bash
# bisect.sh: build the VM kernel at every commit of the series, in a separate
# worktree (build/bisect) and output directory, so the main build stays warm.
# Results are cached per commit id: an unchanged series costs nothing.
# Writes build/bisect.results: "ok|fail <n>/<total> <subject>" per patch.
# ARCH=arm64: only the patches that touch a C file that the arm64 VM kernel
# compiles and the x86_64 one does not (an object in build/out/arm64-vm-default
# and none in build/out/vm-default: vfio-platform, vfio-amba, vfio-fsl-mc, the
# Arm SMMU drivers), for arm64; the results go to build/bisect-arm64.results.
. "$(dirname "$0")/lib.sh"

# build/bisect/{linux,out} mirrors build/{linux,out}, so that ccache
# (CCACHE_BASEDIR=build/) sees the same relative paths and shares entries.
# arm64 has its own, build/bisect-arm64/{linux,out}, so that both can run at
# once (check.py runs the arm64 one in the background).
arch=${ARCH:-x86_64}
[[ $arch == x86 ]] && arch=x86_64
bdir=$BUILD/bisect res=$BUILD/bisect.results
[[ $arch == x86_64 ]] || bdir=$BUILD/bisect-$arch res=$BUILD/bisect-$arch.results
wt=$bdir/linux
cache=$bdir/ok
mkdir -p "$bdir"
: >"$res"
touch "$cache"
worktree "$wt" dmaown-base >/dev/null
commits=$(git -C "$TREE" rev-list --reverse dmaown-base..HEAD)
total=$(echo "$commits" | grep -c . || true)
frags=("$TOP"/kconfig/vm.config "$TOP/kconfig/$arch.config" "$TOP"/kconfig/series.config)
# kernel.sh builds x86_64's default VM kernel modular
[[ $arch == x86_64 ]] && frags+=("$TOP"/kconfig/modular.config)
cfg=$(cat "${frags[@]}" | sha256sum | cut -c1-16)-$arch
# a C file of commit $1 that only the $arch VM kernel compiles, if any
x86_unbuilt() {
	local f
	for f in $(git -C "$TREE" diff-tree --no-commit-id --name-only -r "$1" -- '*.c'); do
		[[ -e $OUT/$arch-vm-default/${f%.c}.o && ! -e $OUT/vm-default/${f%.c}.o ]] &&
			{ echo "$f"; return; }
	done
	return 0
}
# the VM build of the whole series for $arch
full=$OUT/vm-default
[[ $arch == x86_64 ]] || full=$OUT/$arch-vm-default
# whether trees $1 and $2 differ only in files this build never reads:
# tools/testing/, Documentation/ but its Kconfig, and C files that no
# command of the build of the whole series read (kbuild's .cmd files list
# every source and header of each target: objects, host programs,
# asm-offsets). Not sound for a file that an earlier commit compiles and a
# later patch stops compiling; the series has none.
unread_only() {
	local f files
	[[ -f $full/vmlinux ]] || return 1
	files=$(git -C "$TREE" diff --name-only "$1" "$2") || return 1
	for f in $files; do
		case $f in
		*Kconfig*) return 1 ;;
		Documentation/*|tools/testing/*) ;;
		*.c)	! grep -rqF --include='.*.cmd' -- "$f" "$full" || return 1 ;;
		*)	return 1 ;;
		esac
	done
}
# the trees of the last run, by place in the series: a commit whose tree
# differs from the last good one at its place only in unread files builds as
# that one did (a change to vfio-platform does not rebuild the x86_64 kernel
# at the twelve commits after it)
last=$bdir/last
touch "$last"
mv "$last" "$last.old"
: >"$last"
[[ $arch == x86_64 || ( -d $OUT/vm-default && -d $OUT/$arch-vm-default ) ]] ||
	die "bisect.sh: ARCH=$arch needs the x86_64 and $arch VM builds first"
i=0 rc=0
for c in $commits; do
	i=$((i + 1))
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	if [[ $arch != x86_64 ]]; then
		why=$(x86_unbuilt "$c")
		[[ -n $why ]] || continue
		subj="$subj ($why)"
	fi
	tree=$(git -C "$TREE" rev-parse "$c^{tree}")
	echo "$i $tree" >>"$last"
	if grep -qx "$tree $cfg" "$cache"; then
		echo "ok $i/$total $subj" >>"$res"
		continue
	fi
	prev=$(awk -v i="$i" '$1 == i { print $2 }' "$last.old")
	if [[ -n $prev ]] && grep -qx "$prev $cfg" "$cache" && unread_only "$prev" "$tree"; then
		log "bisect $i/$total ($arch): as the last run's tree, but for files this build does not read"
		echo "ok $i/$total $subj" >>"$res"
		echo "$tree $cfg" >>"$cache"
		continue
	fi
	git -C "$wt" checkout -q --detach "$c" || die "cannot check out $c"
	log "bisect build $i/$total ($arch): $subj"
	if ARCH=$arch BENCH_TREE=$wt BENCH_OUT=$bdir/out BENCH_PARTIAL_SERIES=1 \
		"$TOP/bench/kernel.sh" vm >/dev/null; then
		echo "ok $i/$total $subj" >>"$res"
		echo "$tree $cfg" >>"$cache"
	else
		echo "fail $i/$total $subj" >>"$res"
		rc=1
	fi
done
exit $rc
