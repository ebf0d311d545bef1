# The DMA-ownership series for Linux 5.10 LTS and the bench that judges it.
# 'make' runs the whole job and prints a report; 'make check' verifies the
# series and ends with "N passed, N failed". See README.md.
SHELL := /bin/bash
B := bench

.PHONY: all report check tree export base vm-kernel base-kernel bench soak mutants docs distro-check clean help
# REBOOT=1 boots every VM again instead of reusing the verdict of a boot
# whose kernel, initramfs and QEMU arguments did not change; ARM64_DEBUG=1
# adds the arm64 debug variant to 'make check'
all report: tree
	@BENCH_REBOOT=$(or $(REBOOT),$(BENCH_REBOOT)) python3 $(B)/check.py --report

check: tree
	@BENCH_REBOOT=$(or $(REBOOT),$(BENCH_REBOOT)) BENCH_ARM64_DEBUG=$(ARM64_DEBUG) \
		python3 $(B)/check.py --check

bench: tree
	@python3 $(B)/check.py --bench

# SOAK_SECONDS=N sets the soak's length (600), FAULT_STRIDE=K the fault sweep's
# step after n = 64 (1: every allocation)
soak: tree
	@SOAK_SECONDS=$(SOAK_SECONDS) FAULT_STRIDE=$(FAULT_STRIDE) python3 $(B)/check.py --soak

# every mutant of bench/mutants/ must be killed (MUTANTS="a b" for some)
mutants: tree
	@python3 $(B)/mutants.py $(MUTANTS)

# Debian's own configs, W=1, sparse and kernel-doc, base vs patched; fails on
# any error or new warning. DISTRO_ARCHES="amd64 arm64" (both by default).
distro-check: tree
	@$(B)/distro-check.sh $(DISTRO_ARCHES)

base:
	@$(B)/base.sh

tree:
	@$(B)/tree.sh

export:
	@$(B)/export.sh

vm-kernel: tree
	@$(B)/kernel.sh vm

base-kernel:
	@$(B)/kernel.sh base

# driver-api docs (Sphinx), kernel-doc and ABI checks, base vs patched
docs: tree
	@$(B)/docs.sh

clean:
	rm -rf build

help:
	@sed -n 's/^# \{0,1\}//p' README.md | sed -n '/^Commands/,/^Layout/p'
