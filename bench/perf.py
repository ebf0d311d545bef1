#!/usr/bin/env python3
"""perf.py: 'make bench'. A benchmark, not a test: it reports, it does not judge.

Boots the base and the patched kernel in one run, each with a bench group of
an e1000 and N edu devices behind one bridge (N varied), and measures in the
guest (guest/perf/perf, benchtool): sysfs bind and unbind of e1000 (a driver
that claims kernel DMA), and VFIO_GROUP_SET_CONTAINER, VFIO_SET_IOMMU,
VFIO_GROUP_GET_DEVICE_FD and the close. Each figure is the median of
bench.iters iterations within a boot, then the median over ROUNDS boots,
base and patched interleaved. Under TCG, differences of a few percent are
within the noise; the per-size spread is printed so that the reader can judge.
"""
import os, re, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402

SIZES = [int(x) for x in os.environ.get("BENCH_SIZES", "1 8 30").split()]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ITERS = int(os.environ.get("BENCH_ITERS", "30"))
KEYS = ["bind_ns", "unbind_ns", "set_container_ns", "set_iommu_ns", "get_device_fd_ns",
        "close_ns"]


def run(name, img, initrd, n):
    rc, text = check.boot(name, img, initrd, ["perf"], append="bench.iters=%d" % ITERS,
                          timeout=900, extra=(), bench_group=n, reuse=False)
    vals = dict(re.findall(r"@@\| perf (\S+) (\d+)", text))
    if rc != 0 or not all(k in vals for k in KEYS):
        sys.exit("error: bench boot %s failed (status %d); see build/logs/%s.log" % (name, rc, name))
    return {k: int(v) for k, v in vals.items()}


def main():
    check.host_packages()
    kernels = {"base": check.build("base"), "patched": check.build("vm")}
    res = {}
    for n in SIZES:
        for r in range(ROUNDS):
            order = ["base", "patched"] if r % 2 == 0 else ["patched", "base"]
            for k in order:
                img, initrd = kernels[k]
                v = run("bench-%s-%d-%d" % (k, n, r), img, initrd, n)
                for key in KEYS:
                    res.setdefault((k, n, key), []).append(v[key])
    print("\n================ bench (median of %d boots x %d iterations, microseconds) ================"
          % (ROUNDS, ITERS))
    print("%-18s %6s %12s %12s %8s   %s" % ("what", "edus", "base", "patched", "ratio", "spread (base | patched)"))
    for key in KEYS:
        for n in SIZES:
            b, p = res[("base", n, key)], res[("patched", n, key)]
            mb, mp = statistics.median(b), statistics.median(p)
            print("%-18s %6d %12.1f %12.1f %8.3f   %s | %s" % (
                key[:-3], n, mb / 1000, mp / 1000, mp / mb if mb else float("nan"),
                ",".join("%.0f" % (x / 1000) for x in b), ",".join("%.0f" % (x / 1000) for x in p)))
    print("\ntargets: bind/unbind ratio <= 1.02; the ownership claim flat in group size")


if __name__ == "__main__":
    main()
