#!/usr/bin/env python3
"""vm.py: the one place that starts QEMU for the bench.

Boots KERNEL with INITRD, TCG by default, on
  --arch x86_64: a q35 machine with an emulated Intel IOMMU (--iommu intel,
                 the default) or AMD IOMMU (--iommu amd), interrupt
                 remapping on, split irqchip;
  --arch arm64:  a virt machine (GICv3 with ITS, device tree) with an Arm
                 SMMUv3 (--iommu smmuv3) or a virtio-iommu (--iommu virtio);
and a PCI topology in which several endpoints share one IOMMU group. The
serial console goes to LOG.
A guest line "@@HOST device_add {json}" or "@@HOST device_del {json}" makes the
host hot-add or hot-remove a device through QMP. Every boot has a hard timeout.

Exit status: 0 the guest finished (@@DONE), 10 the kernel panicked or oopsed
(oops=panic), 11 timeout, 12 QEMU failed.
"""
import argparse, json, os, re, select, shutil, socket, struct, subprocess, sys, tempfile, time

# Group A: two e1000 and an edu behind a PCIe-to-PCI bridge (one IOMMU group
# with the bridge). Group B: an e1000 alone on a root port. Group C: an edu
# alone on a root port. rp4 is an empty hotplug-capable root port.
X86_TOPOLOGY = [
    "-device", "pcie-root-port,id=rp1,chassis=1,slot=1",
    "-device", "pcie-pci-bridge,id=br1,bus=rp1",
    "-device", "e1000,bus=br1,addr=1",
    "-device", "e1000,bus=br1,addr=2",
    "-device", "edu,bus=br1,addr=3",
    "-device", "pcie-root-port,id=rp2,chassis=2,slot=2",
    "-device", "e1000,bus=rp2",
    "-device", "pcie-root-port,id=rp3,chassis=3,slot=3",
    "-device", "edu,bus=rp3",
    "-device", "pcie-root-port,id=rp4,chassis=4,slot=4",
]
# arm64: group A is the three functions of one multifunction device on the
# root bus (functions without ACS share a group). Not behind a PCIe-to-PCI
# bridge: arm-smmu-v3 in 5.10 BUGs at boot (arm_smmu_write_strtab_ent) on two
# devices that carry the bridge's aliased stream ID, with or without the
# series. Not behind a root port either: with a device tree, 5.10 enables ACS
# only once the first device is configured for the IOMMU (of_iommu_configure()
# calls pci_request_acs()), after enumeration, and groups each endpoint alone
# before its root port has a group. The root bus cannot hot-plug, so nothing
# is hot-added into group A on arm64 (the kselftest's hot-add case skips).
ARM64_TOPOLOGY = [
    "-device", "e1000,bus=pcie.0,addr=2.0,multifunction=on",
    "-device", "e1000,bus=pcie.0,addr=2.1,multifunction=on",
    "-device", "edu,bus=pcie.0,addr=2.2,multifunction=on",
    "-device", "pcie-root-port,id=rp2,chassis=2,slot=2",
    "-device", "e1000,bus=rp2",
    "-device", "pcie-root-port,id=rp3,chassis=3,slot=3",
    "-device", "edu,bus=rp3",
    "-device", "pcie-root-port,id=rp4,chassis=4,slot=4",
]
# where a hot-added device joins group A (guest/init's bench.hotadd=BUS:ADDR)
HOTADD = {"x86_64": "br1:5", "arm64": ""}


def bench_group(n, arch):
    """x86_64: rp5 -> br2 with an e1000 at slot 1 and n edu devices (no driver)
    after it; arm64: an e1000 at function 0 of slot 5 of the root bus and n
    edu functions."""
    if not n:
        return []
    if arch == "arm64":
        if n > 7:
            sys.exit("vm.py: an arm64 bench group has at most 7 edu (one device's functions)")
        out = ["-device", "e1000,bus=pcie.0,addr=5.0,multifunction=on"]
        for i in range(n):
            out += ["-device", "edu,bus=pcie.0,addr=5.%d,multifunction=on" % (i + 1)]
        return out
    out = ["-device", "pcie-root-port,id=rp5,chassis=5,slot=5",
           "-device", "pcie-pci-bridge,id=br2,bus=rp5",
           "-device", "e1000,bus=br2,addr=1"]
    for i in range(n):
        out += ["-device", "edu,bus=br2,addr=0x%x" % (i + 2)]
    return out


def dfl_image(path):
    """A Device Feature List for the kernel's DFL enumeration (drivers/fpga/dfl.h):
    an FME FIU header at 0 and one FME private feature, id 0x100, at 0x1000.
    QEMU's ivshmem-plain shows it as BAR 2; dfl-test (CONFIG_FPGA_DFL_TEST)
    enumerates it."""
    def dfh(ftype, fid, nxt, eol):
        return (ftype << 60) | (int(eol) << 40) | (nxt << 16) | fid
    img = bytearray(1 << 20)
    struct.pack_into("<Q", img, 0x0, dfh(4, 0, 0x1000, False))     # FIU, FME
    struct.pack_into("<Q", img, 0x18, 0)                           # NEXT_AFU: none
    struct.pack_into("<Q", img, 0x1000, dfh(3, 0x100, 0, True))    # private, EOL
    with open(path, "wb") as f:
        f.write(img)
    return ["-object", "memory-backend-file,id=dflmem,share=on,size=1M,mem-path=" + path,
            "-device", "pcie-root-port,id=rp6,chassis=6,slot=6",
            "-device", "ivshmem-plain,memdev=dflmem,bus=rp6"]


PANIC = ("Kernel panic - not syncing",)


def qmp(path, cmds):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    f = s.makefile("rw")
    f.readline()
    out = []
    for c in [{"execute": "qmp_capabilities"}] + cmds:
        f.write(json.dumps(c) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "return" in r or "error" in r:
                out.append(r)
                break
    s.close()
    return out[1:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--append", default="")
    ap.add_argument("--log", required=True)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--silence", type=int, default=600, metavar="S",
                    help="a guest that prints nothing for S seconds hangs: stop it (status 11)")
    ap.add_argument("--memory", default="1G")
    ap.add_argument("--bench-group", type=int, default=0, metavar="N",
                    help="add a group for 'make bench': a bridge with an e1000 and N edu")
    ap.add_argument("--arch", default="x86_64", choices=("x86_64", "arm64"))
    ap.add_argument("--iommu", default=None, choices=("intel", "amd", "smmuv3", "virtio"),
                    help="the emulated IOMMU (intel, the default, or amd on x86_64; smmuv3, "
                    "the default, or virtio on arm64)")
    ap.add_argument("--extra", action="append", default=[],
                    help="extra QEMU argument (repeatable)")
    a = ap.parse_args()

    accel = os.environ.get("BENCH_ACCEL", "tcg")
    # The serial port is driven by the boot console (earlycon, kept), not by
    # the 8250 driver's console: CONFIG_DEBUG_TEST_DRIVER_REMOVE unbinds
    # every driver once, 8250 included, and its console would vanish. The
    # guest's init therefore writes to /dev/kmsg (printk.devkmsg=on).
    # console=tty0 names a console this kernel does not have (no VT), so that
    # the 8250 console is not enabled beside the boot console: every line
    # would come twice.
    common = ("keep_bootcon console=tty0 printk.devkmsg=on oops=panic panic=-1 "
              "panic_on_warn=0 loglevel=7 ")
    if HOTADD[a.arch]:
        common += "bench.hotadd=%s " % HOTADD[a.arch]
    if a.arch == "x86_64":
        iommu = a.iommu or "intel"
        if iommu not in ("intel", "amd"):
            sys.exit("vm.py: x86_64 has intel or amd")
        # one kernel carries both drivers; each finds its own ACPI table
        # (DMAR or IVRS). QEMU's amd-iommu is a PCI function of the root
        # bus.
        cmdline = ("earlycon=uart8250,io,0x3f8,115200 no_timer_check intel_iommu=on iommu=nopt "
                   + common + a.append)
        machine = ["qemu-system-x86_64", "-machine", "q35,kernel-irqchip=split",
                   "-device", "intel-iommu,intremap=on" if iommu == "intel"
                   else "amd-iommu,intremap=on"]
        topology = X86_TOPOLOGY
    else:
        # The same console arrangement with the PL011: its amba driver is
        # unbound once by DEBUG_TEST_DRIVER_REMOVE too; console=tty0 keeps the
        # device tree's stdout-path from adding the PL011 console beside it.
        iommu = a.iommu or "smmuv3"
        if iommu not in ("smmuv3", "virtio"):
            sys.exit("vm.py: arm64 has smmuv3 or virtio")
        cmdline = "earlycon=pl011,0x9000000 iommu.passthrough=0 " + common + a.append
        machine = ["qemu-system-aarch64", "-cpu", "cortex-a57", "-machine",
                   "virt,gic-version=3" + (",iommu=smmuv3" if iommu == "smmuv3" else "")]
        if iommu == "virtio":
            machine += ["-device", "virtio-iommu-pci"]
        topology = ARM64_TOPOLOGY
    tmp = tempfile.mkdtemp(prefix="bench-vm-")
    sock = os.path.join(tmp, "qmp")
    argv = machine + [
            "-accel", accel, "-smp", "2", "-m", a.memory,
            "-nodefaults", "-display", "none", "-serial", "stdio", "-no-reboot",
            "-qmp", "unix:%s,server=on,wait=off" % sock,
            "-kernel", a.kernel, "-initrd", a.initrd, "-append", cmdline
            ] + topology + dfl_image(os.path.join(tmp, "dfl.img")) + \
        bench_group(a.bench_group, a.arch) + a.extra
    log = open(a.log, "w")
    log.write("# " + " ".join(argv) + "\n")
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + a.timeout
    heard = time.monotonic()
    buf, status, panicked = b"", None, False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            status = 11
            break
        if time.monotonic() - heard > a.silence:
            # a TCG guest can freeze (seen once in the debug boot's fault
            # sweep: an RCU stall, then nothing for 20 minutes); do not wait
            # for the whole timeout
            log.write("# vm: no output from the guest for %d s: stopped as hung\n" % a.silence)
            status = 11
            break
        r, _, _ = select.select([p.stdout], [], [], min(left, 1.0))
        if not r:
            if p.poll() is not None:
                break
            continue
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            break
        heard = time.monotonic()
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            text = line.decode("utf-8", "replace").rstrip("\r")
            text = re.sub(r"^\[\s*\d+\.\d+\] (?=@@)", "", text)  # guest lines via /dev/kmsg
            log.write(text + "\n")
            log.flush()
            if any(x in text for x in PANIC):
                panicked = True
            m = re.search(r"@@HOST (device_add|device_del) (\{.*\})", text)
            if m:
                args = json.loads(m.group(2))
                res = qmp(sock, [{"execute": m.group(1), "arguments": args}])
                log.write("# host: %s %s -> %s\n" % (m.group(1), json.dumps(args), json.dumps(res)))
            if text.startswith("@@DONE"):
                status = 0
    if buf:
        log.write(buf.decode("utf-8", "replace") + "\n")
    if p.poll() is None:
        p.kill()
    rc = p.wait()
    if panicked:
        status = 10
    elif status is None:
        status = 12 if rc else 11
    log.write("# vm: status %d (qemu exit %d)\n" % (status, rc))
    log.close()
    shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(status)


if __name__ == "__main__":
    main()
