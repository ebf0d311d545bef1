#!/bin/bash
# initramfs.sh KERNEL_OUT_DIR OUTPUT: the one place that builds the VM's
# initramfs: Debian's busybox-static, the bench's guest programs, the modules
# of that kernel, and the kselftests of the tree it was built from (if any).
# The architecture is the kernel's: an arm64 kernel gets arm64 programs
# (Debian's cross compiler and busybox-static:arm64).
. "$(dirname "$0")/lib.sh"

kout=$(readlink -f "${1:?usage: initramfs.sh KERNEL_OUT_DIR OUTPUT}")
dest=${2:?usage: initramfs.sh KERNEL_OUT_DIR OUTPUT}
need_pkgs busybox-static:/bin/busybox cpio:cpio gcc:gcc libc6-dev:/usr/lib/x86_64-linux-gnu/libc.a \
	file:file make:make
file -L /bin/busybox 2>/dev/null | grep -q dynamically &&
	die "/bin/busybox is not static: install busybox-static"
busybox=/bin/busybox cc=gcc
if grep -qx CONFIG_ARM64=y "$kout/.config" 2>/dev/null; then
	need_pkgs gcc-aarch64-linux-gnu:aarch64-linux-gnu-gcc \
		libc6-dev-arm64-cross:/usr/aarch64-linux-gnu/lib/libc.a
	busybox=$(arm64_busybox) cc=aarch64-linux-gnu-gcc
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,proc,sys,dev,tmp,etc,bench/scenarios,bench/perf,bench/stress,bench/modules,bench/kselftest,lib}
cp "$busybox" "$root/bin/busybox"
# the applets of the host's busybox: the same Debian version and configuration
for a in $(/bin/busybox --list); do
	[[ $a == busybox ]] || ln -sf busybox "$root/bin/$a"
done
# the kernel's own module requests (request_module()) run /sbin/modprobe
ln -sf ../bin/busybox "$root/sbin/modprobe"
cp "$TOP/guest/init" "$root/init"
cp "$TOP/guest/state" "$root/bench/state"
cp "$TOP"/guest/scenarios/* "$root/bench/scenarios/"
cp "$TOP"/guest/perf/* "$root/bench/perf/"
cp "$TOP"/guest/stress/* "$root/bench/stress/"
cp "$TOP"/guest/modules/* "$root/bench/modules/"
for t in benchtool ownstress; do
	$cc -static -O2 -Wall -Werror -pthread -o "$root/bench/$t" "$TOP/guest/$t.c" ||
		die "guest/$t.c does not build"
done
if [[ -d $kout/modroot/lib/modules ]]; then
	cp -a "$kout/modroot/lib/modules" "$root/lib/"
fi
# kselftests that the tree carries (the series adds tools/testing/selftests/iommu)
src=$(readlink -f "$kout/source" 2>/dev/null || true)
if [[ -n $src && -d $src/tools/testing/selftests/iommu ]]; then
	kst=$kout/kselftest
	# built anew each time: lib.mk's rule does not depend on the Makefile,
	# the harness or the UAPI headers, and make tree keeps unchanged mtimes
	rm -rf "$kst"
	mkdir -p "$kst"
	make -s -C "$src/tools/testing/selftests/iommu" OUTPUT="$kst" \
		CC=$cc LDFLAGS=-static KHDR_INCLUDES="-I$kout/usr/include" \
		>"$kst/build.log" 2>&1 || { cat "$kst/build.log" >&2; die "kselftests of $src do not build"; }
	find "$kst" -maxdepth 1 -type f -perm -u+x -exec cp {} "$root/bench/kselftest/" \;
	find "$src/tools/testing/selftests/iommu" -maxdepth 1 -name '*.sh' -exec cp {} "$root/bench/kselftest/" \;
fi
# The same inputs give the same bytes (sorted names, owner 0, mtime 0, inode
# numbers in that order, no gzip timestamp): check.py reuses the verdict of
# a boot whose inputs did not change.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible -R 0:0 | gzip -n -1) >"$dest.tmp" ||
	die "cpio failed"
mv "$dest.tmp" "$dest"
echo "$dest"
