#!/bin/bash
# apply.sh: apply patches/ to a clean checkout of the base the ways a
# distribution or a maintainer would, and check that each gives exactly the
# tree of build/linux:
#   quilt    quilt push -a (patches/series), no fuzz, no ~/.quiltrc;
#   git am   plain git am (no three-way merge), one patch at a time, in the
#            order of patches/series;
#   b4       the series as mail (git send-email's headers: Message-Id, the
#            patches in reply to the cover letter) read by b4 am, which must
#            find the version in the subject prefix, every patch, the cover
#            letter and its base-commit: trailer; then its mbox with git am.
# Prints one line per way, "ok|fail <way>: <what>", and exits non-zero if any
# failed. Works in build/apply/linux, a worktree of build/linux.
. "$(dirname "$0")/lib.sh"

need_pkgs quilt:quilt b4:b4 git:git
P=$TOP/patches
wt=$BUILD/apply/linux
want=$(git -C "$TREE" rev-parse 'HEAD^{tree}')
base=$(git -C "$TREE" rev-parse dmaown-base)
# (again if build/linux was made anew, or the worktree was removed)
git -C "$TREE" worktree prune
if [[ $(git -C "$wt" rev-parse --show-toplevel 2>/dev/null) != "$wt" ]]; then
	rm -rf "$wt" && mkdir -p "$BUILD/apply" &&
		git -C "$TREE" worktree add -q -f --detach "$wt" dmaown-base ||
		die "cannot create the worktree $wt"
fi
patches=$(grep -v '^#' "$P/series" | grep .)
n=$(echo "$patches" | wc -l)
version=$(sed -n 's/^Subject: \[PATCH \(v[0-9]*\) .*/\1/p' "$P/0000-cover-letter.patch")
rc=0

clean() {
	git -C "$wt" am --abort >/dev/null 2>&1 || true
	git -C "$wt" checkout -q -f --detach "$base" && git -C "$wt" clean -q -f -f -d -x
}
# the tree that the worktree's files make (quilt's .pc aside)
files_tree() {
	(cd "$wt" && git add -f -A -- . ':!.pc' && git write-tree && git reset -q)
}
result() {
	if [[ $2 == "$want" ]]; then echo "ok $1"; else echo "fail $1${3:+ ($3)}"; rc=1; fi
}

clean
out=$(cd "$wt" && QUILT_PATCHES=$P QUILT_PC=.pc quilt --quiltrc=/dev/null push -a -q --fuzz=0 2>&1) || true
got=$(files_tree)
result "quilt: quilt push -a --fuzz=0 applies the $n patches to the base" "$got" \
	"$(echo "$out" | grep -v '^Applying\|^Now at' | head -3 | tr '\n' ' ')"
rm -rf "$wt/.pc"

clean
i=0 why=
for p in $patches; do
	i=$((i + 1))
	# plain git am, as a maintainer runs it (tree.sh adds --keep-non-patch)
	git -C "$wt" -c am.threeWay=false am -q "$P/$p" >/dev/null 2>&1 ||
		{ why="patch $i ($p) does not apply"; break; }
done
got=$(git -C "$wt" rev-parse 'HEAD^{tree}')
result "git am: the $n patches apply one at a time on the base" "$got" "$why"

clean
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The patch files as git send-email sends them: headers on one line each (b4
# 0.12 stops on a folded From:), a Message-Id, and every patch in reply to
# the cover letter.
for f in "$P/0000-cover-letter.patch" $(printf "$P/%s\n" $patches); do
	k=$(basename "$f" | cut -c1-4)
	awk -v k="$((10#$k))" 'hdr && /^$/ {
			print last
			print "Message-Id: <dmaown-" k "@localhost>"
			if (k > 0) print "In-Reply-To: <dmaown-0@localhost>\nReferences: <dmaown-0@localhost>"
			hdr = 0 }
		hdr && /^[ \t]/ { sub(/^[ \t]+/, " "); last = last $0; next }
		hdr { if (last != "") print last; last = $0; next }
		FNR == 1 { hdr = 1; last = $0; next }
		{ print }' "$f"
done >"$tmp/series.mbox"
b4rc=0
b4out=$(cd "$wt" && b4 --offline-mode am -m "$tmp/series.mbox" -o "$tmp" dmaown-0@localhost 2>&1) ||
	b4rc=$?
mbx=$(ls "$tmp"/*.mbx 2>/dev/null | head -1 || true)
seen=$(echo "$b4out" | grep -c "^  \[PATCH $version [0-9]*/$n\] " || true)
why=
((b4rc == 0)) && [[ -n $mbx ]] ||
	why="b4 am: status $b4rc, no mbox; it said: $(echo "$b4out" | tail -2 | tr '\n' ' ')"
[[ -n $why || -n $version ]] || why="the cover letter's subject has no version (vN)"
[[ -z $why && $seen == "$n" ]] || why=${why:-"b4 lists $seen patches of $version, not $n"}
[[ -n $why ]] || echo "$b4out" | grep -q "^Cover: " || why="b4 finds no cover letter"
[[ -n $why ]] || echo "$b4out" | grep -q "Base: using specified base-commit $base" ||
	why="b4 does not take base-commit $base from the cover letter"
got=
if [[ -z $why ]]; then
	git -C "$wt" am -q "$mbx" >/dev/null 2>&1 || why="git am of b4's mbox failed"
	got=$(git -C "$wt" rev-parse 'HEAD^{tree}')
fi
result "b4: b4 am finds ${version:-no version}, $n patches, the cover letter and base-commit ${base:0:12}; its mbox applies" \
	"$got" "$why"
clean
exit $rc
