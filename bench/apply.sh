#!/bin/bash
# apply.sh: apply the three series of patches/ the ways a distribution or a
# maintainer would, each on its own base (the base commit with the series
# before it applied), and check that each gives exactly the tree of its
# branch in build/linux:
#   quilt    quilt push -a (patches/<dir>/series), no fuzz, no ~/.quiltrc;
#   git am   plain git am (no three-way merge), one patch at a time, in the
#            order of the series file;
#   b4       the series as mail (git send-email's headers: Message-Id, the
#            patches in reply to the cover letter) read by b4 am, which must
#            find the version in the subject prefix, every patch, the cover
#            letter and its base-commit: trailer; then its mbox with git am.
# and then all three together, as patches/series lists them, with quilt on
# the base: that must give the tree of build/linux's HEAD, the tree the
# bench tests.
# Prints one line per way and series, "ok|fail <way>: <what>", and exits
# non-zero if any failed. Works in build/apply/linux, a worktree of
# build/linux.
. "$(dirname "$0")/lib.sh"

need_pkgs quilt:quilt b4:b4 git:git
P=$TOP/patches
wt=$BUILD/apply/linux
base=$(git -C "$TREE" rev-parse dmaown-base)
worktree "$wt" dmaown-base >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0

# clean COMMIT: the worktree at COMMIT, nothing else in it
clean() {
	git -C "$wt" am --abort >/dev/null 2>&1 || true
	git -C "$wt" checkout -q -f --detach "$1" && git -C "$wt" clean -q -f -f -d -x
}
# the tree that the worktree's files make (quilt's .pc aside)
files_tree() {
	(cd "$wt" && git add -f -A -- . ':!.pc' && git write-tree && git reset -q)
}
# result WHAT GOT WANT [WHY]
result() {
	if [[ $2 == "$3" ]]; then echo "ok $1"; else echo "fail $1${4:+ ($4)}"; rc=1; fi
}
# quilt_push DIR SERIES: quilt push -a in the worktree; prints quilt's complaints
quilt_push() {
	local out
	out=$(cd "$wt" && QUILT_PATCHES=$1 QUILT_SERIES=$2 QUILT_PC=.pc \
		quilt --quiltrc=/dev/null push -a -q --fuzz=0 2>&1) || true
	echo "$out" | grep -v '^Applying\|^Now at' | head -3 | tr '\n' ' ' || true
}

# prove K DIR START WANT: series K (patches/DIR) on START must give WANT
prove() {
	local k=$1 d=$2 start=$3 want=$4 patches n version i why p f b4rc b4out mbx seen got out
	patches=$(grep -v '^#' "$P/$d/series" | grep .)
	n=$(echo "$patches" | wc -l)
	version=$(sed -n 's/^Subject: \[PATCH \(v[0-9]*\) .*/\1/p' "$P/$d/0000-cover-letter.patch")

	clean "$start"
	out=$(quilt_push "$P/$d" series)
	got=$(files_tree)
	result "quilt: $d: quilt push -a --fuzz=0 applies its $n patches on its base" "$got" "$want" "$out"
	rm -rf "$wt/.pc"

	clean "$start"
	i=0 why=
	for p in $patches; do
		i=$((i + 1))
		# plain git am, as a maintainer runs it (tree.sh adds --keep-non-patch)
		git -C "$wt" -c am.threeWay=false am -q "$P/$d/$p" >/dev/null 2>&1 ||
			{ why="patch $i ($p) does not apply"; break; }
	done
	got=$(git -C "$wt" rev-parse 'HEAD^{tree}')
	result "git am: $d: its $n patches apply one at a time on its base" "$got" "$want" "$why"

	clean "$start"
	# The patch files as git send-email sends them: headers on one line
	# each (b4 0.12 stops on a folded From:), a Message-Id, and every patch
	# in reply to the cover letter.
	for f in "$P/$d/0000-cover-letter.patch" $(printf "$P/$d/%s\n" $patches); do
		i=$(basename "$f" | cut -c1-4)
		awk -v i="$((10#$i))" -v k="$k" 'hdr && /^$/ {
				print last
				print "Message-Id: <dmaown-" k "-" i "@localhost>"
				if (i > 0) print "In-Reply-To: <dmaown-" k "-0@localhost>\nReferences: <dmaown-" k "-0@localhost>"
				hdr = 0 }
			hdr && /^[ \t]/ { sub(/^[ \t]+/, " "); last = last $0; next }
			hdr { if (last != "") print last; last = $0; next }
			FNR == 1 { hdr = 1; last = $0; next }
			{ print }' "$f"
	done >"$tmp/$k.mbox"
	b4rc=0
	mkdir -p "$tmp/b4-$k"
	b4out=$(cd "$wt" && b4 --offline-mode am -m "$tmp/$k.mbox" -o "$tmp/b4-$k" "dmaown-$k-0@localhost" 2>&1) ||
		b4rc=$?
	mbx=$(ls "$tmp/b4-$k"/*.mbx 2>/dev/null | head -1 || true)
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
	result "b4: $d: b4 am finds ${version:-no version}, $n patches, the cover letter and base-commit ${base:0:12}; its mbox applies on its base" \
		"$got" "$want" "$why"
}

k=0 start=$base
for d in "${SERIES_DIRS[@]}"; do
	k=$((k + 1))
	b=$(series_branch "$d")
	end=$(git -C "$TREE" rev-parse -q --verify "refs/heads/$b") ||
		die "build/linux has no branch $b: run 'make tree'"
	prove "$k" "$d" "$start" "$(git -C "$TREE" rev-parse "$end^{tree}")"
	start=$end
done
# and the three together, as a distribution's quilt applies patches/series
clean "$base"
out=$(quilt_push "$P" series)
got=$(files_tree)
result "quilt: all three series, patches/series, give the tree make check tests" \
	"$got" "$(git -C "$TREE" rev-parse 'HEAD^{tree}')" "$out"
rm -rf "$wt/.pc"
clean "$base"
exit $rc
