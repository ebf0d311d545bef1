#!/bin/bash
# Fetch the pinned Debian linux-source package through a private apt
# configuration, check it, unpack it into the cache and make it a git tree
# with one base commit. Idempotent; a half-done run leaves nothing trusted.
. "$(dirname "$0")/lib.sh"

src=$(base_src)
if [[ -n ${KERNEL_SRC:-} ]]; then
	git -C "$src" rev-parse -q --verify HEAD >/dev/null ||
		die "KERNEL_SRC=$src must be a git tree with the base commit checked out"
	exit 0
fi
[[ -f $src/.git/dmaown-base-ok ]] && exit 0

need_pkgs git:git xz-utils:xz dpkg:dpkg-deb ca-certificates:/etc/ssl/certs/ca-certificates.crt
mkdir -p "$CACHE/dl"
private_apt "$CACHE/apt" "$BASE_MIRROR $BASE_SUITE main"
deb=$CACHE/dl/${BASE_PACKAGE}_${BASE_VERSION}_all.deb
if ! echo "$BASE_DEB_SHA256  $deb" | sha256sum -c --status 2>/dev/null; then
	rm -f "$deb"
	log "downloading $BASE_PACKAGE=$BASE_VERSION from $BASE_SUITE"
	apt-get "${aptopt[@]}" -qq update >&2 ||
		die "apt-get update of $BASE_SUITE failed (network or mirror?)"
	(cd "$CACHE/dl" && apt-get "${aptopt[@]}" -qq download "$BASE_PACKAGE=$BASE_VERSION") >&2 ||
		die "download of $BASE_PACKAGE=$BASE_VERSION from $BASE_SUITE failed"
	echo "$BASE_DEB_SHA256  $deb" | sha256sum -c --status ||
		die "checksum mismatch: $deb is not $BASE_DEB_SHA256 (base.conf)"
fi

tmp=$CACHE/src.tmp
rm -rf "$tmp" && mkdir -p "$tmp"
log "unpacking $deb"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "./usr/src/$BASE_PACKAGE.tar.xz" ||
	die "$deb has no usr/src/$BASE_PACKAGE.tar.xz"
echo "$BASE_TAR_SHA256  $tmp/usr/src/$BASE_PACKAGE.tar.xz" | sha256sum -c --status ||
	die "checksum mismatch: $BASE_PACKAGE.tar.xz is not $BASE_TAR_SHA256 (base.conf)"
tar -xJf "$tmp/usr/src/$BASE_PACKAGE.tar.xz" -C "$tmp" || die "unpacking the source tarball failed"
rm -f "$tmp/usr/src/$BASE_PACKAGE.tar.xz"
[[ -f $tmp/$BASE_DIR/Makefile ]] || die "tarball has no $BASE_DIR/"
log "making the base commit"
(
	cd "$tmp/$BASE_DIR"
	git init -q -b base .
	# Debian's .gitignore ignores the whole top level: add with -f.
	git add -f -A
	GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@localhost \
	GIT_COMMITTER_NAME=base GIT_COMMITTER_EMAIL=base@localhost \
	GIT_AUTHOR_DATE=2026-07-31T09:44:00Z GIT_COMMITTER_DATE=2026-07-31T09:44:00Z \
		git commit -q -m "Linux ${BASE_VERSION%-*} (Debian $BASE_PACKAGE $BASE_VERSION)"
	touch .git/dmaown-base-ok
) || die "could not make the base git tree"
rm -rf "$CACHE/src/$BASE_DIR"
mkdir -p "$CACHE/src"
mv "$tmp/$BASE_DIR" "$CACHE/src/$BASE_DIR"
rm -rf "$tmp"
log "base tree: $CACHE/src/$BASE_DIR ($(git -C "$CACHE/src/$BASE_DIR" rev-parse --short HEAD))"
