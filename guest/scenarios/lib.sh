# Helpers for the bench scenarios (busybox sh). TAP on stdout.
n=0 fails=0
# The kernel log from this scenario's start on: a check that greps the log
# must not be satisfied by a line an earlier scenario left there.
BENCH_MARK="bench: scenario $(basename "$0") starts (pid $$)"
echo "$BENCH_MARK" > /dev/kmsg
own_dmesg() { dmesg | sed -n "/$BENCH_MARK/,\$p"; }
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then ok "$1 (expected $2)"; else notok "$1 (expected $2, got $3)"; fi
}
drv() { [ -e "/sys/bus/pci/devices/$1/driver" ] && basename "$(readlink "/sys/bus/pci/devices/$1/driver")" || echo none; }
group_of() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }
# devices of vendor:device, in bus order
find_pci() { for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor):$(cat $d/device)" = "$1" ] && basename $d; done; }
# to_driver DEV DRIVER: unbind, set driver_override, reprobe
to_driver() {
	[ -e "/sys/bus/pci/devices/$1/driver" ] && echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
	echo "$2" > "/sys/bus/pci/devices/$1/driver_override"
	echo "$1" > /sys/bus/pci/drivers_probe 2>/dev/null
	drv "$1"
}
# The marker must still be in the kernel log: if it rotated out of the ring,
# own_dmesg saw nothing and the checks that grep it proved nothing.
done_tap() {
	dmesg | grep -qF "$BENCH_MARK" ||
		notok "the kernel log still holds the scenario's start (own_dmesg saw all of it)"
	echo "1..$n"; [ $fails = 0 ]
}
# readd DEV: remove a PCI device and rescan, so that it is added again
readd() { echo 1 > "/sys/bus/pci/devices/$1/remove"; echo 1 > /sys/bus/pci/rescan; }
# refused_by_owner DEV DRIVER GROUP OWNER: yes if the log has the refusal
# line, which names the driver once (dev_warn()'s prefix: "DRIVER DEV: ")
refused_by_owner() {
	own_dmesg | grep -q "$2 $1: kernel DMA refused: IOMMU group $3 is owned by $4 (pid [0-9]*)" &&
		echo yes || echo no
}
netdev() { ls "/sys/bus/pci/devices/$1/net" 2>/dev/null | head -1; }
# IOMMU faults (VT-d, SMMUv3, virtio-iommu) and e1000 Tx hangs in the log
FAULTS='DMAR: \[DMA (Read|Write)\]|arm-smmu-v3 .*: event 0x[0-9a-f]+ received|fault from EP|AMD-Vi: Event logged|Detected Tx Unit Hang'
dma_faults() { own_dmesg | grep -cE "$FAULTS"; }
amd_iommu() { ls /sys/class/iommu 2>/dev/null | grep -q '^ivhd'; }
# dma_baseline DEV ADDRESS: under AMD-Vi, the same transmit from DEV before
# the scenario gives any group to an owner (BASE_TX frames, BASE_NF faults
# or Tx hangs): what QEMU's amd-iommu does with e1000's DMA in this boot
dma_baseline() {
	amd_iommu && [ -n "$(netdev "$1")" ] || return 0
	f=$(dma_faults)
	BASE_TX=$(transmit "$1" "$2")
	BASE_NF=$(($(dma_faults) - f))
	echo "$BASE_TX $BASE_NF $1" > /tmp/dma-baseline
	echo "# before any owner: $1 transmitted $BASE_TX frames, $BASE_NF IOMMU faults or Tx hangs"
}
# no_dma_reason: under AMD-Vi, why the IOMMU cannot carry a device's DMA at
# all, as the last dma_baseline of this boot measured it (one is made now
# if none was); nothing if it can, or if this is not AMD-Vi. guest/init
# passes it to the kselftests as IOMMU_SELFTEST_NO_DMA.
no_dma_reason() {
	amd_iommu || return 0
	[ -s /tmp/dma-baseline ] || dma_baseline "$(find_pci 0x8086:0x100e | head -1)" 10.77.9.1 > /dev/null
	[ -s /tmp/dma-baseline ] || return 0
	read tx nf dev < /tmp/dma-baseline
	if [ "$tx" -eq 0 ] || [ "$nf" -ne 0 ]; then
		echo "QEMU's amd-iommu cannot carry DMA: e1000 $dev with no owner transmitted $tx frames, with $nf IOMMU faults or Tx hangs"
	fi
}
# dma_cases WHAT DEV ADDRESS FAULTS-BEFORE: transmit from DEV and check the
# frames went out with no IOMMU fault and no Tx hang since FAULTS-BEFORE.
# QEMU 7.2's amd-iommu cannot carry e1000's DMA (its Tx unit hangs even
# before any owner exists): under AMD-Vi a transmit that fails is a SKIP,
# which bench/skips allows on x86_64/amd-iommu only, if and only if the
# scenario's dma_baseline failed the same way before any owner; a transmit
# that works is judged, and so is a failure after a baseline that worked.
dma_cases() {
	tx=$(transmit "$2" "$3")
	nf=$(($(dma_faults) - $4))
	if amd_iommu && { [ "$tx" -eq 0 ] || [ "$nf" -ne 0 ]; } && [ -n "${BASE_TX:-}" ] &&
	   { [ "$BASE_TX" -eq 0 ] || [ "$BASE_NF" -ne 0 ]; }; then
		why="QEMU's amd-iommu cannot carry e1000's DMA ($tx frames, $nf faults or Tx hangs; before any owner $BASE_TX frames, $BASE_NF)"
		n=$((n + 1)); echo "ok $n - $1$2 transmitted frames # SKIP $why"
		n=$((n + 1)); echo "ok $n - $1no IOMMU fault and no Tx hang # SKIP $why"
		return
	fi
	if [ "$tx" -gt 0 ]; then ok "$1$2 transmitted $tx frames"; else notok "$1$2 transmitted no frame"; fi
	check "$1no IOMMU fault and no Tx hang" 0 "$nf"
}
# transmit DEV ADDRESS: bring DEV's netdev up at ADDRESS, ping a host that is
# not there (the frames still go out through DMA), print the frames sent
transmit() {
	nic=$(netdev "$1")
	ip link set dev "$nic" up && ip addr add "$2/24" dev "$nic"
	sleep 3	# the e1000 watchdog brings the link up
	ping -c 4 -W 1 -I "$nic" "${2%.*}.254" > /dev/null 2>&1
	sleep 3	# and reports a Tx hang after 2 s without progress
	cat "/sys/class/net/$nic/statistics/tx_packets" 2>/dev/null || echo 0
	ip addr flush dev "$nic"; ip link set dev "$nic" down
}
