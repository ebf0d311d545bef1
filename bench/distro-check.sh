#!/bin/bash
# distro-check.sh [amd64] [arm64]: build what the series touches, base and
# patched, with Debian's own 5.10 kernel config (plus the options the series
# needs that Debian leaves off), with W=1 and sparse (C=2), run kernel-doc on
# every C file and header the series changes, link those directories' modules
# and run modpost over them (amd64: against Debian's Module.symvers), and fail
# on any build or modpost error or on any warning the patched tree has that
# the base has not.
#
#   amd64: config.amd64_none_amd64 from Debian's linux-config-5.10 package
#   arm64: linux-config-5.10 of that version is not served for arm64, so the
#          config is made from the linux source package's debian/ the way
#          Debian's build does (debian/bin/kconfig.py over the KCONFIG files
#          that debian/rules.gen names for arm64_none_arm64)
#
# Everything is fetched once into $CACHE/distro/ through a private apt
# configuration and checked against the SHA256 that apt's signed indices give.
# Builds: build/distro/<arch>-<base|patched>/ (O=), ccache, nice 19.
. "$(dirname "$0")/lib.sh"

arches=("$@")
((${#arches[@]})) || arches=(amd64 arm64)
DL=$CACHE/distro
DOUT=${DISTRO_OUT:-$BUILD/distro}
NICE=(nice -n "${DISTRO_NICE:-19}")
# Absolute paths in every diagnostic (ccache would make paths below $BUILD
# relative), so that normalising them is one rule.
export CCACHE_BASEDIR=
t0=$SECONDS

need_pkgs gcc:gcc make:make bc:bc bison:bison flex:flex libelf-dev:/usr/include/libelf.h \
	libssl-dev:/usr/include/openssl/ssl.h ccache:ccache sparse:sparse perl:perl \
	python3:python3 xz-utils:xz dpkg:dpkg-deb binutils:objdump ca-certificates:/etc/ssl/certs/ca-certificates.crt
for a in "${arches[@]}"; do
	case $a in
	amd64) ;;
	arm64) need_pkgs gcc-aarch64-linux-gnu:aarch64-linux-gnu-gcc ;;
	*) die "distro-check: unknown architecture '$a' (amd64 or arm64)" ;;
	esac
done

"$TOP/bench/base.sh"
base=$(base_src)
[[ -f $TREE/Makefile ]] || die "no patched tree at $TREE: run 'make tree'"
patched=$TREE
git -C "$patched" rev-parse -q --verify dmaown-base >/dev/null ||
	die "$patched has no tag dmaown-base (the base commit)"

# ---------------------------------------------------------------- downloads
apt_ready=
distro_apt() {
	[[ -n $apt_ready ]] && return 0
	private_apt "$CACHE/apt-distro" "$BASE_MIRROR $BASE_SUITE main" amd64
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $BASE_MIRROR $BASE_SUITE main" \
		>>"$CACHE/apt-distro/sources.list"
	aptopt+=(-o "APT::Architectures::=arm64")
	apt-get "${aptopt[@]}" -qq update >&2 || die "apt-get update of $BASE_SUITE failed"
	apt_ready=1
}

# sha256 of PACKAGE:ARCH=VERSION from the signed Packages index
deb_sha256() {
	apt-cache "${aptopt[@]}" show "$1" 2>/dev/null | sed -n 's/^SHA256: //p' | head -1
}

# amd64_deb PACKAGE: prints the path of PACKAGE:amd64=$BASE_VERSION's .deb in
# $DL, downloaded once and checked against the SHA256 of the signed Packages
# index. Call distro_apt first (this runs in a command substitution).
amd64_deb() {
	local deb=$DL/${1}_${BASE_VERSION}_amd64.deb sum
	mkdir -p "$DL"
	sum=$(deb_sha256 "$1:amd64=$BASE_VERSION")
	[[ -n $sum ]] || die "$1=$BASE_VERSION (amd64) is not in $BASE_SUITE"
	if ! echo "$sum  $deb" | sha256sum -c --status 2>/dev/null; then
		log "downloading $1=$BASE_VERSION (amd64)"
		(cd "$DL" && rm -f "$deb" && apt-get "${aptopt[@]}" -qq download "$1:amd64=$BASE_VERSION") >&2 ||
			die "download of $1=$BASE_VERSION (amd64) failed"
		echo "$sum  $deb" | sha256sum -c --status || die "checksum mismatch: $deb is not $sum"
	fi
	echo "$deb"
}

# Debian's config for amd64: config.amd64_none_amd64 from linux-config-5.10.
debian_config_amd64() {
	local cfg=$DL/config.amd64 deb
	[[ -s $cfg ]] && return 0
	distro_apt
	deb=$(amd64_deb linux-config-5.10) || exit 1
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-config-5.10/config.amd64_none_amd64.xz |
		xz -d >"$cfg.tmp" || die "$deb has no config.amd64_none_amd64.xz"
	mv "$cfg.tmp" "$cfg"
	echo "config.amd64_none_amd64 of linux-config-5.10 $BASE_VERSION" >"$cfg.origin"
	log "Debian's amd64 config: $cfg (from linux-config-5.10 $BASE_VERSION)"
}

# Debian's Module.symvers for amd64: every symbol that Debian's kernel of the
# base version exports (vmlinux and modules), from the linux-headers package
# that linux-headers-amd64 of that version depends on.
debian_symvers_amd64() {
	local sv=$DL/Module.symvers.amd64 pkg deb
	[[ -s $sv ]] && return 0
	distro_apt
	pkg=$(apt-cache "${aptopt[@]}" show "linux-headers-amd64:amd64=$BASE_VERSION" 2>/dev/null |
		sed -n 's/^Depends: \(linux-headers-[^ ]*-amd64\) .*/\1/p' | head -1)
	[[ -n $pkg ]] || die "linux-headers-amd64=$BASE_VERSION is not in $BASE_SUITE"
	deb=$(amd64_deb "$pkg") || exit 1
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg/Module.symvers" >"$sv.tmp" ||
		die "$deb has no Module.symvers"
	mv "$sv.tmp" "$sv"
	echo "Module.symvers of $pkg $BASE_VERSION" >"$sv.origin"
}

# The linux source package's debian/ directory (linux_VERSION.debian.tar.xz),
# checked against the SHA256 of the signed Sources index.
debian_dir() {
	local d=$DL/linux-$BASE_VERSION url name sum tar
	[[ -f $d/.ok ]] && { echo "$d"; return 0; }
	distro_apt
	read -r url name sum < <(apt-get "${aptopt[@]}" --print-uris -qq source "linux=$BASE_VERSION" 2>/dev/null |
		awk '$2 ~ /\.debian\.tar\.xz$/ {gsub("\047", "", $1); sub("^SHA256:", "", $4); print $1, $2, $4}')
	[[ -n ${sum:-} ]] || die "the linux source package $BASE_VERSION is not in $BASE_SUITE (deb-src)"
	tar=$DL/$name
	if ! echo "$sum  $tar" | sha256sum -c --status 2>/dev/null; then
		log "downloading $name"
		rm -f "$tar"
		/usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "$url" "$tar" "SHA256:$sum" >&2 ||
			die "download of $url failed"
		echo "$sum  $tar" | sha256sum -c --status || die "checksum mismatch: $tar is not $sum"
	fi
	rm -rf "$d" && mkdir -p "$d"
	tar -xJf "$tar" -C "$d" || die "cannot unpack $tar"
	touch "$d/.ok"
	echo "$d"
}

# Debian's config for arm64. linux-config-5.10 of $BASE_VERSION for arm64 is
# used if the suite serves it; otherwise (so far always: listed, but 404) it is
# made as Debian's build makes it: debian/rules.real runs debian/bin/kconfig.py
# over the KCONFIG files of debian/rules.gen's config.arm64_none_arm64 target
# (with DEBUG_INFO=y, as when the -dbg package is built), and Debian's build
# then runs oldconfig (olddefconfig here, later). Done for amd64, this gives
# linux-config's amd64 config again but for INIT_STACK_ALL_ZERO (gcc 12 has
# it, Debian's gcc-10 had not).
debian_config_arm64() {
	local cfg=$DL/config.arm64 deb=$DL/linux-config-5.10_${BASE_VERSION}_arm64.deb sum d line kcfg salt
	[[ -s $cfg ]] && return 0
	mkdir -p "$DL"
	distro_apt
	sum=$(deb_sha256 "linux-config-5.10:arm64=$BASE_VERSION")
	if [[ -n $sum ]] && (cd "$DL" && apt-get "${aptopt[@]}" -qq download "linux-config-5.10:arm64=$BASE_VERSION") >/dev/null 2>&1 &&
		echo "$sum  $deb" | sha256sum -c --status; then
		dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-config-5.10/config.arm64_none_arm64.xz |
			xz -d >"$cfg.tmp" || die "$deb has no config.arm64_none_arm64.xz"
		mv "$cfg.tmp" "$cfg"
		echo "linux-config-5.10 $BASE_VERSION arm64 .deb" >"$cfg.origin"
		log "Debian's arm64 config: $cfg (from linux-config-5.10 $BASE_VERSION)"
		return 0
	fi
	log "linux-config-5.10=$BASE_VERSION is not served for arm64: making the config from the source package"
	d=$(debian_dir)
	line=$(grep -m1 -A1 '^debian/build/config\.arm64_none_arm64::' "$d/debian/rules.gen" | tail -1)
	kcfg=$(sed -n "s/.* KCONFIG='\([^']*\)'.*/\1/p" <<<"$line")
	salt=$(sed -n "s/.*BUILD_SALT=\\\\\"\([^\\\\]*\)\\\\\".*/\1/p" <<<"$line")
	[[ -n $kcfg ]] || die "debian/rules.gen names no KCONFIG for config.arm64_none_arm64"
	# shellcheck disable=SC2086 # KCONFIG is a list of files, as in rules.real
	(cd "$d" && PYTHONPATH=debian/lib/python python3 debian/bin/kconfig.py "$cfg.tmp" $kcfg \
		-o "BUILD_SALT=\"${salt:-5.10.0-arm64}\"" -o 'MODULE_SIG_KEY="output/signing_key.pem"' \
		-o DEBUG_INFO=y) ||
		die "debian/bin/kconfig.py failed"
	# as linux-config-5.10 ships them (debian/rules.real): without the
	# signing key, trusted keys and build salt
	sed -i '/CONFIG_\(MODULE_SIG_\(ALL\|KEY\)\|SYSTEM_TRUSTED_KEYS\|BUILD_SALT\)[ =]/d' "$cfg.tmp"
	mv "$cfg.tmp" "$cfg"
	echo "debian/bin/kconfig.py $kcfg (linux $BASE_VERSION source)" >"$cfg.origin"
	log "Debian's arm64 config: $cfg (kconfig.py $kcfg)"
}

# --------------------------------------------------------------- the series
# Directories to build: the top two levels of every file the series changes,
# less tools/, Documentation/, include/ (headers are built through their
# users) and files at the top level (MAINTAINERS).
changed=$(git -C "$patched" diff --name-only dmaown-base HEAD)
mapfile -t dirs < <(grep -v -e '^tools/' -e '^Documentation/' -e '^include/' <<<"$changed" |
	awk -F/ 'NF > 2 {print $1 "/" $2 "/"} NF == 2 {print $1 "/"}' | sort -u)
((${#dirs[@]})) || die "the series changes no directory to build"
mapfile -t kdoc_files < <(grep -v -e '^tools/' -e '^Documentation/' <<<"$changed" | grep -E '\.[ch]$')

# sparse through a wrapper that marks its lines, so one build log holds both
mkdir -p "$DOUT"
cat >"$DOUT/sparse-tagged" <<'EOF'
#!/bin/bash
# sparse, its diagnostics prefixed with "[sparse] " (distro-check.sh)
out=$(sparse "$@" 2>&1); rc=$?
[[ -z $out ]] || printf '%s\n' "$out" | sed 's/^/[sparse] /' >&2
exit $rc
EOF
chmod +x "$DOUT/sparse-tagged"

# norm SRC OUT: diagnostic lines on stdin -> "file: warning: text", one per
# distinct original line (a header's warning seen by many files counts once),
# the line and column numbers dropped.
norm() {
	sort -u | sed -e "s|^$1/||" -e "s|^$2/||" -e 's|^\([^: ]*\):[0-9]\+\(:[0-9]\+\)\?: |\1: |' | sort
}
# new_of BASE PATCHED: the lines of PATCHED beyond their count in BASE
new_of() {
	awk 'NR == FNR {n[$0]++; next} {if (n[$0] > 0) n[$0]--; else print}' "$1" "$2"
}

# ----------------------------------------------------------------- building
# build ARCH SIDE: configure and build build/distro/ARCH-SIDE; leaves
# gcc.warn, sparse.warn, errors and ncc in it.
build() {
	local arch=$1 side=$2 src karch cross out frags f bad=0 l rc ts
	case $side in base) src=$base ;; patched) src=$patched ;; esac
	case $arch in
	amd64) karch=x86_64 cross= ;;
	arm64) karch=arm64 cross=aarch64-linux-gnu- ;;
	esac
	out=$DOUT/$arch-$side
	mkdir -p "$out"
	frags=("$TOP/kconfig/distro.config")
	[[ $arch == arm64 ]] && frags+=("$TOP/kconfig/distro-arm64.config")
	[[ $side == patched ]] && frags+=("$TOP/kconfig/distro-series.config")
	local mk=("${NICE[@]}" make -C "$src" O="$out" ARCH="$karch" CROSS_COMPILE="$cross"
		CC="ccache ${cross}gcc" -j"$JOBS")
	# Debian's config, then the fragments (later lines win), olddefconfig;
	# .config is replaced only when it changes, so a warm run stays warm.
	cat "$DL/config.$arch" "${frags[@]}" >"$out/.config.want"
	ts=$SECONDS
	KCONFIG_CONFIG=.config.want "${mk[@]}" olddefconfig >"$out/config.log" 2>&1 ||
		{ tail -20 "$out/config.log" >&2; die "olddefconfig failed for $arch $side"; }
	cmp -s "$out/.config.want" "$out/.config" || cp "$out/.config.want" "$out/.config"
	for f in "${frags[@]}"; do
		while IFS= read -r l; do
			case $l in CONFIG_*=*|"# CONFIG_"*" is not set") ;; *) continue ;; esac
			if ! grep -qxF -- "$l" "$out/.config"; then
				echo "error: $arch $side: '$l' ($(basename "$f")) did not survive olddefconfig" >&2
				bad=1
			fi
		done <"$f"
	done
	((bad == 0)) || die "the $arch $side config is not what kconfig/distro*.config ask for"
	log "$arch $side: modules_prepare"
	"${mk[@]}" W=1 modules_prepare >"$out/prepare.log" 2>&1 ||
		{ grep -E 'error|Error' "$out/prepare.log" | head -20 >&2; die "make modules_prepare failed for $arch $side (log: $out/prepare.log)"; }
	# every object again (ccache replays a cached compile's warnings)
	for f in "${dirs[@]}"; do rm -rf "${out:?}/$f"; done
	log "$arch $side: W=1 C=2 ${dirs[*]}"
	rc=0
	"${mk[@]}" W=1 C=2 CHECK="$DOUT/sparse-tagged" KBUILD_MODULES=1 "${dirs[@]}" >"$out/build.log" 2>&1 || rc=$?
	grep -E '^\s+CC( \[M\])?\s' "$out/build.log" | wc -l >"$out/ncc"
	{ grep -v '^\[sparse\] ' "$out/build.log" | grep -E ': (fatal )?error: ' || true
	  ((rc == 0)) || echo "make exited with $rc"; } >"$out/errors"
	# W=1 also runs kernel-doc on every compiled .c: its lines have no column
	grep -v '^\[sparse\] ' "$out/build.log" | grep -E ': warning: ' |
		grep -vE '^[^ :]+:[0-9]+: warning: ' | norm "$src" "$out" >"$out/gcc.warn" || true
	grep -E '^[^ :]+:[0-9]+: warning: ' "$out/build.log" | norm "$src" "$out" >"$out/w1doc.warn" || true
	sed -n 's/^\[sparse\] //p' "$out/build.log" | grep -E ': (warning|error): ' | norm "$src" "$out" >"$out/sparse.warn" || true
	echo $((SECONDS - ts)) >"$out/seconds"
	log "$arch $side: $(cat "$out/ncc") files compiled in $((SECONDS - ts)) s, $(wc -l <"$out/errors") errors, $(wc -l <"$out/gcc.warn") W=1 warnings, $(wc -l <"$out/sparse.warn") sparse (log: $out/build.log)"
}

# kernel-doc over every .c/.h the series changes, base and patched
kdoc() {
	local side=$1 src f
	case $side in base) src=$base ;; patched) src=$patched ;; esac
	for f in "${kdoc_files[@]}"; do
		[[ -f $src/$f ]] || continue
		(cd "$src" && perl scripts/kernel-doc -none "$f" 2>&1) || true
	done | grep -E ': warning: ' | norm "$src" "$src" >"$DOUT/kernel-doc-$side.warn" || true
}

# run_modpost ARCH SIDE: link the modules that the built directories make and run
# modpost over them (make's single .ko targets, as for an in-tree module), so
# that a symbol a module uses and nothing exports is an error, as it is in
# Debian's build.  Without vmlinux, modpost learns what the kernel exports
# from vmlinux.symvers, made here: the exports of the built directories'
# built-in objects, read from their __ksymtab sections (with the CRCs their
# __crc_ symbols carry), and Debian's Module.symvers for everything else (the
# rest of vmlinux, and the modules outside these directories). Leaves
# modpost.errors and modpost.warn in the build directory.
run_modpost() {
	local arch=$1 side=$2 src out rc=0 d mk
	case $side in base) src=$base ;; patched) src=$patched ;; esac
	out=$DOUT/$arch-$side
	[[ $arch == amd64 ]] || die "run_modpost: Debian's Module.symvers is fetched for amd64 only"
	mk=("${NICE[@]}" make -C "$src" O="$out" ARCH=x86_64 CC="ccache gcc" -j"$JOBS")
	for d in "${dirs[@]}"; do cat "$out/$d/modules.order" 2>/dev/null || true; done |
		sort -u >"$out/modpost.modules"
	# the built-in objects' exports: "<crc> <symbol> vmlinux <EXPORT_SYMBOL[_GPL]>"
	for d in "${dirs[@]}"; do
		if [[ -f $out/$d/built-in.a ]]; then objdump -t "$out/$d/built-in.a"; fi
	done 2>/dev/null | awk '
		NF < 5 { next }
		$NF ~ /^__crc_/ { crc[substr($NF, 7)] = "0x" substr($1, length($1) - 7) }
		$(NF - 2) ~ /^___ksymtab(_gpl)?\+/ && $NF ~ /^__ksymtab_/ {
			s = substr($NF, 11); t[s] = $(NF - 2) ~ /_gpl\+/ ? "EXPORT_SYMBOL_GPL" : "EXPORT_SYMBOL" }
		END { for (s in t) printf "%s\t%s\tvmlinux\t%s\t\n", (s in crc ? crc[s] : "0x00000000"), s, t[s] }' |
		sort >"$out/modpost.builtin"
	# Debian's exports, less the symbols and modules the built directories make
	awk -F'\t' 'FILENAME == ARGV[1] { mine[$2] = 1; next }
		FILENAME == ARGV[2] { sub(/\.ko$/, ""); mod[$0] = 1; next }
		!($2 in mine) && !($3 in mod)' "$out/modpost.builtin" "$out/modpost.modules" \
		"$DL/Module.symvers.$arch" | cat - "$out/modpost.builtin" >"$out/vmlinux.symvers"
	rm -f "$out/Module.symvers" "$out/modules-only.symvers"
	# W=1 as the objects were built (no recompiling); no C=: sparse ran already
	"${mk[@]}" W=1 KBUILD_MODULES=1 $(cat "$out/modpost.modules") >"$out/modpost.log" 2>&1 || rc=$?
	{ grep -E '^(ERROR|FATAL): modpost: ' "$out/modpost.log" || true
	  ((rc == 0)) || echo "make exited with $rc"; } >"$out/modpost.errors"
	grep -E '^WARNING: modpost: ' "$out/modpost.log" | sed "s|$out/||g" | sort >"$out/modpost.warn" || true
	log "$arch $side: modpost over $(wc -l <"$out/modpost.modules") modules: $(wc -l <"$out/modpost.errors") errors, $(wc -l <"$out/modpost.warn") warnings (log: $out/modpost.log)"
}

fail=0
kdoc base; kdoc patched
new_of "$DOUT/kernel-doc-base.warn" "$DOUT/kernel-doc-patched.warn" >"$DOUT/kernel-doc.new"
kd_line="kernel-doc: $(wc -l <"$DOUT/kernel-doc-base.warn") in base, $(wc -l <"$DOUT/kernel-doc-patched.warn") in patched, $(wc -l <"$DOUT/kernel-doc.new") new (the ${#kdoc_files[@]} .c/.h files the series changes)"

report=()
for a in "${arches[@]}"; do
	ta=$SECONDS
	"debian_config_$a"
	build "$a" base
	build "$a" patched
	b=$DOUT/$a-base p=$DOUT/$a-patched
	mp_line=
	if [[ $a == amd64 ]]; then
		debian_symvers_amd64
		run_modpost "$a" base
		run_modpost "$a" patched
		new_of "$b/modpost.warn" "$p/modpost.warn" >"$DOUT/$a-modpost.new"
		mp_line=" modpost over the $(wc -l <"$p/modpost.modules") modules the built directories make: $(wc -l <"$p/modpost.errors") errors ($(wc -l <"$b/modpost.errors") in base), $(wc -l <"$DOUT/$a-modpost.new") new warnings;"
	fi
	new_of "$b/gcc.warn" "$p/gcc.warn" >"$DOUT/$a-gcc.new"
	new_of "$b/sparse.warn" "$p/sparse.warn" >"$DOUT/$a-sparse.new"
	new_of "$b/w1doc.warn" "$p/w1doc.warn" >"$DOUT/$a-w1doc.new"
	nerr=$(($(wc -l <"$b/errors") + $(wc -l <"$p/errors")))
	line="distro-check $a: $(cat "$p/ncc") files compiled ($(cat "$b/ncc") in base), $nerr errors,"
	line+=" W=1: $(wc -l <"$b/gcc.warn") warnings in base, $(wc -l <"$p/gcc.warn") in patched, $(wc -l <"$DOUT/$a-gcc.new") new;"
	line+=" sparse: $(wc -l <"$b/sparse.warn") in base, $(wc -l <"$p/sparse.warn") in patched, $(wc -l <"$DOUT/$a-sparse.new") new;"
	line+="$mp_line $kd_line; W=1's kernel-doc of every compiled file: $(wc -l <"$b/w1doc.warn") in base, $(wc -l <"$p/w1doc.warn") in patched, $(wc -l <"$DOUT/$a-w1doc.new") new"
	report+=("$line")
	{
		echo "$line"
		[[ ! -s $b/errors ]] || sed "s|^|  $a base error: |" "$b/errors"
		[[ ! -s $p/errors ]] || sed "s|^|  $a patched error: |" "$p/errors"
		sed "s|^|  new W=1 warning: |" "$DOUT/$a-gcc.new"
		sed "s|^|  new sparse warning: |" "$DOUT/$a-sparse.new"
		sed "s|^|  new kernel-doc warning (W=1): |" "$DOUT/$a-w1doc.new"
		if [[ $a == amd64 ]]; then
			sed "s|^|  $a base modpost error: |" "$b/modpost.errors"
			sed "s|^|  $a patched modpost error: |" "$p/modpost.errors"
			sed "s|^|  new modpost warning: |" "$DOUT/$a-modpost.new"
		fi
	} >"$DOUT/$a.report"
	echo "distro-check $a: $((SECONDS - ta)) s" >&2
	((nerr == 0)) && [[ ! -s $DOUT/$a-gcc.new && ! -s $DOUT/$a-sparse.new && ! -s $DOUT/$a-w1doc.new ]] || fail=1
	[[ $a != amd64 ]] || [[ ! -s $b/modpost.errors && ! -s $p/modpost.errors && ! -s $DOUT/$a-modpost.new ]] || fail=1
done
[[ ! -s $DOUT/kernel-doc.new ]] || fail=1

echo "Debian configs: $(for a in "${arches[@]}"; do printf '%s: %s; ' "$a" "$(cat "$DL/config.$a.origin")"; done)"
echo "built: ${dirs[*]} (W=1 C=2 KBUILD_MODULES=1), kernel-doc -none on ${#kdoc_files[@]} changed files"
for a in "${arches[@]}"; do cat "$DOUT/$a.report"; done
sed "s|^|  new kernel-doc warning: |" "$DOUT/kernel-doc.new"
echo "distro-check: $((SECONDS - t0)) s in all; logs in $DOUT/"
exit $fail
