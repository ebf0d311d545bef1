#!/bin/bash
# make tree: build/linux = the base commit + patches/ applied with git am,
# one commit per patch. Re-running on an unchanged series touches nothing, so
# incremental kernel builds stay incremental. Never trusts a half-applied tree.
. "$(dirname "$0")/lib.sh"

"$TOP/bench/base.sh"
src=$(base_src)
stamp=$TREE/.git/dmaown-sync
phash=$(series_hash "$TOP/patches")

if [[ ! -d $TREE/.git ]]; then
	log "creating $TREE"
	rm -rf "$TREE"
	mkdir -p "$BUILD"
	git clone -q --shared --no-checkout "$src" "$TREE" || die "cannot clone $src"
	rm -f "$stamp"
fi
git -C "$TREE" fetch -q "$src" HEAD && git -C "$TREE" tag -f dmaown-base FETCH_HEAD >/dev/null ||
	die "cannot fetch the base commit from $src"

if [[ -f $stamp && -z ${FORCE:-} ]]; then
	read -r shead sphash <"$stamp"
	head=$(git -C "$TREE" rev-parse HEAD)
	dirty=$(git -C "$TREE" status --porcelain -uno)
	if [[ $head == "$shead" && $phash == "$sphash" ]]; then
		exit 0
	elif [[ $phash == "$sphash" ]]; then
		die "build/linux has commits that are not in patches/: run 'make export' (or 'make tree FORCE=1' to drop them)"
	elif [[ $head != "$shead" ]]; then
		die "both build/linux and patches/ changed since the last sync: export or drop (FORCE=1) one side"
	elif [[ -n $dirty ]]; then
		die "build/linux has uncommitted changes and patches/ changed: commit and export them, or FORCE=1"
	fi
fi

log "applying patches/ to the base in $TREE"
# git am rewrites every file it touches: the files that come out as they were
# get their old mtime back, so that make rebuilds only what changed (and the
# kernel images, and with them check.py's boots, stay the same).
keep=$BUILD/tree.keep
: >"$keep"
if git -C "$TREE" rev-parse -q --verify HEAD >/dev/null; then
	dirty=$(git -C "$TREE" diff --name-only HEAD)
	git -C "$TREE" diff --raw --no-abbrev --no-renames dmaown-base HEAD |
		while read -r _ _ _ blob st path; do
			[[ $st != D && -f $TREE/$path && ! -L $TREE/$path ]] || continue
			grep -qxF -- "$path" <<<"$dirty" && continue
			echo "$blob $(stat -c %.9Y "$TREE/$path") $path"
		done >"$keep"
fi
rm -f "$stamp"
git -C "$TREE" am --abort >/dev/null 2>&1 || true
git -C "$TREE" checkout -q -f -B series dmaown-base || die "cannot check out the base in $TREE"
# Each series' cover letter becomes the description of the branch that ends
# it, so that 'make export' regenerates the same cover letters; a rebase
# moves those branches along (rebase.updateRefs).
git -C "$TREE" config rebase.updateRefs true
tmp=$(mktemp -d)
n=0
for d in "${SERIES_DIRS[@]}"; do
	b=$(series_branch "$d")
	cover=$TOP/patches/$d/0000-cover-letter.patch
	[[ -f $cover ]] || die "patches/$d has no cover letter"
	git mailinfo "$tmp/msg" "$tmp/patch" <"$cover" >"$tmp/info"
	{ sed -n 's/^Subject: \(\[[^]]*\] \)\?//p' "$tmp/info"; echo
	  awk '/^[^ ].* \([0-9]+\):$/ {exit} {print}' "$tmp/msg"; } |
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tmp/desc"
	git -C "$TREE" config "branch.$b.description" "$(cat "$tmp/desc")"
	while read -r p; do
		[[ -z $p || $p == \#* ]] && continue
		[[ -f $TOP/patches/$d/$p ]] || die "patches/$d/series names $p, which is not in patches/$d"
		if ! git -C "$TREE" am -q --keep-non-patch "$TOP/patches/$d/$p" >"$BUILD/am.log" 2>&1; then
			git -C "$TREE" am --abort >/dev/null 2>&1 || true
			git -C "$TREE" checkout -q -f -B series dmaown-base
			sed 's/^/   /' "$BUILD/am.log" >&2
			die "patch $d/$p does not apply (tree left at the base, not trusted)"
		fi
		n=$((n + 1))
	done <"$TOP/patches/$d/series"
	git -C "$TREE" branch -f "$b" HEAD >/dev/null
done
rm -rf "$tmp"
# patches/series must list the same patches in the same order
diff -q <(grep -v '^#' "$TOP/patches/series" | grep .) \
	<(for d in "${SERIES_DIRS[@]}"; do grep -v '^#' "$TOP/patches/$d/series" | grep . | sed "s|^|$d/|"; done) \
	>/dev/null || die "patches/series does not list the three series' patches in order: run 'make export'"
kept=0
while read -r blob mt path; do
	[[ $(git -C "$TREE" rev-parse -q --verify "HEAD:$path" || true) == "$blob" ]] || continue
	touch -d "@$mt" "$TREE/$path" && kept=$((kept + 1))
done <"$keep"
rm -f "$keep"
mark_synced
log "build/linux: base + $n patches ($kept changed files kept their mtime)"
