#!/bin/bash
# kernel.sh vm|base: build the VM kernel (and modules) out of tree from
# allnoconfig plus the fragments in kconfig/ (vm.config and $ARCH.config, for the
# patched kernel series.config, and for x86_64's default one modular.config), with
# ccache. ARCH=x86_64 (default) or arm64 (with Debian's cross compiler);
# VARIANT=debug adds kconfig/debug.config. Prints the kernel image's path
# (bzImage, or arm64's Image) as the last line.
. "$(dirname "$0")/lib.sh"

what=${1:?usage: kernel.sh vm|base}
variant=${VARIANT:-default}
need_pkgs gcc:gcc make:make bc:bc bison:bison flex:flex libelf-dev:/usr/include/libelf.h \
	libssl-dev:/usr/include/openssl/ssl.h ccache:ccache cpio:cpio kmod:depmod \
	rsync:rsync
arch=${ARCH:-x86_64}
case $arch in
x86_64|x86) arch=x86_64 cross= image=arch/x86/boot/bzImage target=bzImage pre= ;;
arm64)	need_pkgs gcc-aarch64-linux-gnu:aarch64-linux-gnu-gcc
	cross=aarch64-linux-gnu- image=arch/arm64/boot/Image target=Image pre=arm64- ;;
*)	die "unknown ARCH=$arch (x86_64 or arm64)" ;;
esac
frags=("$TOP/kconfig/vm.config" "$TOP/kconfig/$arch.config")
nocheck=
case $what in
vm)	src=$TREE
	[[ -f $src/Makefile ]] || die "no patched tree at $src: run 'make tree'"
	frags+=("$TOP/kconfig/series.config")
	# bisect builds: the series' own symbols appear patch by patch
	[[ -n ${BENCH_PARTIAL_SERIES:-} ]] && nocheck=$TOP/kconfig/series.config ;;
base)	"$TOP/bench/base.sh"
	[[ -f $TREE/Makefile ]] || die "no tree at $TREE: run 'make tree'"
	src=$(base_worktree)
	# the base has none of the series' symbols (modular.config names one)
	nocheck=$TOP/kconfig/series.config ;;
*)	die "kernel.sh: unknown kernel '$what' (vm or base)" ;;
esac
case $variant in
default) ;;
debug)	frags+=("$TOP/kconfig/debug.config") ;;
*)	die "unknown VARIANT=$variant (default or debug)" ;;
esac
# x86_64's default kernels, patched and base (whose exports and layouts
# make check compares with the patched ones'), have the drivers as modules,
# as a distribution builds them; the debug and arm64 kernels keep them
# built in
[[ $variant == default && $arch == x86_64 ]] && frags+=("$TOP/kconfig/modular.config")

# build/out/<what>-<variant> for x86_64, build/out/arm64-<what>-<variant> for
# arm64; the base's in build/base/out (see BASE_BUILD in lib.sh)
out=$OUT/$pre$what-$variant
[[ $what == base ]] && out=$BASE_BUILD/out/$pre$what-$variant
mkdir -p "$out"
# The fragments' lines, the last one of each symbol: a later fragment
# overrides an earlier one (modular.config's =m over vm.config's =y).
last_of_each() {
	awk '/^CONFIG_[A-Za-z0-9_]+=/ { k = substr($0, 1, index($0, "=") - 1) }
	     /^# CONFIG_[A-Za-z0-9_]+ is not set$/ { k = $2 }
	     k != "" { if (!(k in v)) o[++n] = k; v[k] = $0; k = "" }
	     END { for (i = 1; i <= n; i++) print v[o[i]] }' "$@"
}
last_of_each "${frags[@]}" >"$out/fragment.config"
checked=$out/fragment.config
if [[ -n ${nocheck:-} ]]; then
	# not the symbols of $nocheck, whichever fragment sets them last
	checked=$out/fragment.checked
	grep -o '^CONFIG_[A-Za-z0-9_]*\|^# CONFIG_[A-Za-z0-9_]*' "$nocheck" | sed 's/^# //' >"$out/nocheck.syms"
	grep -v -w -F -f "$out/nocheck.syms" "$out/fragment.config" >"$checked" || true
fi
mk=(make -s -C "$src" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" CC="ccache ${cross}gcc" -j"$JOBS")
log "configuring $what ($variant) in $out"
"${mk[@]}" KCONFIG_ALLCONFIG="$out/fragment.config" allnoconfig >"$out/config.log" 2>&1 ||
	{ cat "$out/config.log" >&2; die "allnoconfig failed for $what"; }
# Every fragment line must have survived: a dropped symbol is a silent bench bug.
bad=0
while IFS= read -r l; do
	case $l in CONFIG_*=*|"# CONFIG_"*" is not set") ;; *) continue ;; esac
	if [[ $l == CONFIG_*=n ]]; then continue; fi
	if ! grep -qxF -- "$l" "$out/.config"; then
		echo "error: $l did not survive into $out/.config (missing dependency?)" >&2
		bad=1
	fi
done <"$checked"
((bad == 0)) || die "kernel config for $what is not what kconfig/ asks for"

log "building $what ($variant)"
if ! "${mk[@]}" "$target" modules >"$out/build.log" 2>&1; then
	grep -E 'error|Error' "$out/build.log" | head -20 >&2
	die "kernel build of $what failed (log: $out/build.log)"
fi
"${mk[@]}" headers_install >>"$out/build.log" 2>&1 || die "headers_install of $what failed (log: $out/build.log)"
rm -rf "$out/modroot"
"${mk[@]}" INSTALL_MOD_PATH="$out/modroot" modules_install >>"$out/build.log" 2>&1 ||
	die "modules_install of $what failed (log: $out/build.log)"
echo "$out/$image"
