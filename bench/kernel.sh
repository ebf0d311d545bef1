#!/bin/bash
# kernel.sh vm|base: build an x86_64 bzImage (and modules) out of tree from
# allnoconfig plus the fragments in kconfig/, with ccache. VARIANT=debug adds
# kconfig/debug.config. Prints the bzImage path as the last line.
. "$(dirname "$0")/lib.sh"

what=${1:?usage: kernel.sh vm|base}
variant=${VARIANT:-default}
need_pkgs gcc:gcc make:make bc:bc bison:bison flex:flex libelf-dev:/usr/include/libelf.h \
	libssl-dev:/usr/include/openssl/ssl.h ccache:ccache cpio:cpio kmod:depmod \
	rsync:rsync
frags=("$TOP/kconfig/vm.config")
nocheck=
case $what in
vm)	src=$TREE
	[[ -f $src/Makefile ]] || die "no patched tree at $src: run 'make tree'"
	frags+=("$TOP/kconfig/series.config")
	# bisect builds: the series' own symbols appear patch by patch
	[[ -n ${BENCH_PARTIAL_SERIES:-} ]] && nocheck=$TOP/kconfig/series.config ;;
base)	"$TOP/bench/base.sh"
	src=$(base_src) ;;
*)	die "kernel.sh: unknown kernel '$what' (vm or base)" ;;
esac
case $variant in
default) ;;
debug)	frags+=("$TOP/kconfig/debug.config") ;;
*)	die "unknown VARIANT=$variant (default or debug)" ;;
esac

out=$OUT/$what-$variant
mkdir -p "$out"
cat "${frags[@]}" >"$out/fragment.config"
checked=$out/fragment.config
if [[ -n ${nocheck:-} ]]; then
	checked=$out/fragment.checked
	for f in "${frags[@]}"; do [[ $f == "$nocheck" ]] || cat "$f"; done >"$checked"
fi
mk=(make -s -C "$src" O="$out" ARCH=x86_64 CC="ccache gcc" -j"$JOBS")
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
if ! "${mk[@]}" bzImage modules >"$out/build.log" 2>&1; then
	grep -E 'error|Error' "$out/build.log" | head -20 >&2
	die "kernel build of $what failed (log: $out/build.log)"
fi
"${mk[@]}" headers_install >>"$out/build.log" 2>&1 || die "headers_install of $what failed (log: $out/build.log)"
rm -rf "$out/modroot"
"${mk[@]}" INSTALL_MOD_PATH="$out/modroot" modules_install >>"$out/build.log" 2>&1 ||
	die "modules_install of $what failed (log: $out/build.log)"
echo "$out/arch/x86/boot/bzImage"
