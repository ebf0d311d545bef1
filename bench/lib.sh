# Common settings of the bench; sourced by every bench script.
# shellcheck shell=bash
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../base.conf
. "$TOP/base.conf"
CACHE=${DMAOWN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dmaown}
BUILD=$TOP/build
TREE=${BENCH_TREE:-$BUILD/linux}
OUT=${BENCH_OUT:-$BUILD/out}
# The base kernel builds from build/base/linux, a worktree of build/linux at
# dmaown-base, into build/base/out: the layout of build/{linux,out}, so that
# ccache (CCACHE_BASEDIR below) sees the same relative paths. Its entries
# then serve every file the series does not change in the patched build,
# and whole builds of the bisect's first commits (series 1 on the base).
BASE_BUILD=$BUILD/base
JOBS=${JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
# Paths below build/ are hashed relative to the build directory, so the
# bisect worktree (build/bisect/linux -> build/bisect/out/vm-*) and the
# base's (build/base/linux -> build/base/out/base-*) share cache entries
# with build/linux -> build/out/vm-*.
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
export CCACHE_SLOPPINESS=include_file_mtime,include_file_ctime,time_macros
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 1970'
export KBUILD_BUILD_USER=bench KBUILD_BUILD_HOST=bench
# and no link counter in the version string: the same objects link to the
# same image, which is what lets check.py reuse a boot's verdict
export KBUILD_BUILD_VERSION=1
# git am needs a committer, and b4 an identity in git's configuration: a
# machine without a git identity gets the bench's.
if ! git config user.email >/dev/null 2>&1; then
	export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-bench} GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-bench@localhost}
	i=${GIT_CONFIG_COUNT:-0}
	export "GIT_CONFIG_KEY_$i=user.name" "GIT_CONFIG_VALUE_$i=bench" \
		"GIT_CONFIG_KEY_$((i + 1))=user.email" "GIT_CONFIG_VALUE_$((i + 1))=bench@localhost" \
		GIT_CONFIG_COUNT=$((i + 2))
	unset i
fi

die() { echo "error: $*" >&2; exit 1; }
log() { echo ">> $*" >&2; }

# need_pkgs PKG:CMD... installs the Debian packages whose command (or file) is
# missing, or stops naming them.
need_pkgs() {
	local miss=() p c
	for pc in "$@"; do
		p=${pc%%:*}; c=${pc#*:}
		if [[ $c == /* ]]; then [[ -e $c ]] && continue
		else command -v "$c" >/dev/null 2>&1 && continue; fi
		miss+=("$p")
	done
	((${#miss[@]})) || return 0
	log "installing missing Debian packages: ${miss[*]}"
	if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		# one install at a time: make check builds arm64 kernels in the
		# background while it builds the x86_64 ones
		mkdir -p "$CACHE"
		{ flock 9 && apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends "${miss[@]}"; } 9>"$CACHE/apt.lock" >&2 ||
			die "could not install Debian packages: ${miss[*]}"
	else
		die "missing Debian packages (install them as root): ${miss[*]}"
	fi
}

# The three series, in the order they apply, each in patches/<dir>/ with its
# own cover letter and series file; patches/series lists all of their patches
# in order. In build/linux the branch named as the directory without its
# "N-" prefix ends each series (the work branch "series" ends the last).
SERIES_DIRS=(1-pci-iommu-fixes 2-dma-ownership 3-dfl-driver-override)
series_branch() { echo "${1#*-}"; }

# The sync stamp of build/linux: "<HEAD> <hash of patches/>" as of the last
# 'make tree' or 'make export'; tree.sh reads it to tell which side changed.
series_hash() { (cd "$1" && cat series $(grep -v '^#' series) 2>/dev/null | sha256sum | cut -c1-64); }
mark_synced() { echo "$(git -C "$TREE" rev-parse HEAD) $(series_hash "$TOP/patches")" >"$TREE/.git/dmaown-sync"; }

# worktree DIR REV [reset]: prints DIR, a worktree of build/linux, made at
# REV if DIR is not one (again after 'make tree' made build/linux anew, or
# if it was removed); with "reset" also if it is not at REV. Serialised:
# builds of two arches may ask at once.
worktree() {
	local wt=$1 rev=$2
	mkdir -p "$(dirname "$wt")"
	(
		flock 9
		git -C "$TREE" worktree prune
		if [[ $(git -C "$wt" rev-parse --show-toplevel 2>/dev/null) != "$wt" ||
		      ( -n ${3:-} && $(git -C "$wt" rev-parse HEAD) != $(git -C "$TREE" rev-parse "$rev") ) ]]; then
			rm -rf "$wt"
			git -C "$TREE" worktree add -q -f --detach "$wt" "$rev" >&2 || exit 1
		fi
	) 9>"$(dirname "$wt")/.lock" || die "cannot make the worktree $wt"
	echo "$wt"
}
# base_worktree: the base kernel's source tree (see BASE_BUILD), at dmaown-base
base_worktree() { worktree "$BASE_BUILD/linux" dmaown-base reset; }

# Source tree of the unpatched base: KERNEL_SRC or the cached Debian tree.
base_src() {
	if [[ -n ${KERNEL_SRC:-} ]]; then
		[[ -f $KERNEL_SRC/Makefile ]] || die "KERNEL_SRC=$KERNEL_SRC is not a kernel tree"
		echo "$KERNEL_SRC"
	else
		echo "$CACHE/src/$BASE_DIR"
	fi
}

# private_apt DIR "MIRROR SUITE COMPONENT" [ARCH]: an apt configuration of
# its own in DIR (the machine's sources, status and dpkg are not touched);
# sets the array aptopt for apt-get.
private_apt() {
	local apt=$1
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $2" >"$apt/sources.list"
	aptopt=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
		-o Dir::State::status=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
	[[ -z ${3:-} ]] || aptopt+=(-o "APT::Architecture=$3" -o "APT::Architectures::=$3")
}

# The arm64 guest's busybox: Debian's busybox-static for arm64, fetched with a
# private apt configuration (the host's dpkg gets no foreign architecture).
# Prints the path of the static binary.
arm64_busybox() {
	local dir=$CACHE/arm64 deb aptopt
	if [[ ! -x $dir/busybox ]]; then
		need_pkgs dpkg:dpkg-deb ca-certificates:/etc/ssl/certs/ca-certificates.crt >&2
		mkdir -p "$dir"
		private_apt "$CACHE/apt-arm64" "http://deb.debian.org/debian bookworm main" arm64
		log "downloading Debian's busybox-static for arm64"
		{ apt-get "${aptopt[@]}" -qq update &&
			(cd "$dir" && rm -f ./*.deb && apt-get "${aptopt[@]}" -qq download busybox-static:arm64); } >&2 ||
			die "could not download busybox-static:arm64 from bookworm"
		deb=$(ls "$dir"/busybox-static_*_arm64.deb)
		dpkg-deb --fsys-tarfile "$deb" | tar -xO ./bin/busybox >"$dir/busybox.tmp" ||
			die "$deb has no bin/busybox"
		chmod +x "$dir/busybox.tmp" && mv "$dir/busybox.tmp" "$dir/busybox"
	fi
	echo "$dir/busybox"
}
