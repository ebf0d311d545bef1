#!/bin/bash
# bisect.sh: build the VM kernel at every commit of the series, in a separate
# worktree (build/bisect) and output directory, so the main build stays warm.
# Results are cached per commit id: an unchanged series costs nothing.
# Writes build/bisect.results: "ok|fail <n>/<total> <subject>" per patch.
. "$(dirname "$0")/lib.sh"

# build/bisect/{linux,out} mirrors build/{linux,out}, so that ccache
# (CCACHE_BASEDIR=build/) sees the same relative paths and shares entries.
wt=$BUILD/bisect/linux
res=$BUILD/bisect.results
cache=$BUILD/bisect/ok
mkdir -p "$BUILD/bisect"
: >"$res"
touch "$cache"
[[ -d $wt ]] || git -C "$TREE" worktree add -q --detach "$wt" dmaown-base ||
	die "cannot create the bisect worktree"
commits=$(git -C "$TREE" rev-list --reverse dmaown-base..HEAD)
total=$(echo "$commits" | grep -c . || true)
cfg=$(cat "$TOP"/kconfig/vm.config "$TOP"/kconfig/series.config | sha256sum | cut -c1-16)
i=0 rc=0
for c in $commits; do
	i=$((i + 1))
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	tree=$(git -C "$TREE" rev-parse "$c^{tree}")
	if grep -qx "$tree $cfg" "$cache"; then
		echo "ok $i/$total $subj" >>"$res"
		continue
	fi
	git -C "$wt" checkout -q --detach "$c" || die "cannot check out $c"
	log "bisect build $i/$total: $subj"
	if BENCH_TREE=$wt BENCH_OUT=$BUILD/bisect/out BENCH_PARTIAL_SERIES=1 \
		"$TOP/bench/kernel.sh" vm >/dev/null; then
		echo "ok $i/$total $subj" >>"$res"
		echo "$tree $cfg" >>"$cache"
	else
		echo "fail $i/$total $subj" >>"$res"
		rc=1
	fi
done
exit $rc
