# SPDX-License-Identifier: GPL-2.0
#
# mtetag: build, boot and test a Linux 6.12 kernel with the mtetag overlay
# under QEMU's MTE emulation. See README.md.
#
#   make run      build, boot, swap tagged memory out and back, show the store
#   make test     host tests, style gates, KUnit and in-guest tests on the
#                 mtetag, debug and baseline kernels; ends 'N passed, N failed'
#   make shell    interactive guest on the mtetag kernel
#
# Build output goes to build/ (ignored); the unpacked kernel source, the
# guest's packages and ccache live in $(MTETAG_CACHE), shared by all clones.

# MTETAG_BUILD in the environment moves build/ as it does for the scripts
BUILD		?= $(or $(MTETAG_BUILD),$(CURDIR)/build)
MTETAG_CACHE	?= $(HOME)/.cache/mtetag
SRC		:= $(BUILD)/src
SWAP		?= disk
export MTETAG_CACHE
export MTETAG_BUILD := $(BUILD)

KERNEL_mtetag	:= $(BUILD)/kernel-mtetag/arch/arm64/boot/Image
INITRD		:= $(BUILD)/guest/initrd.cpio.gz

.PHONY: all deps tree kernels kernel-baseline kernel-mtetag kernel-debug kernel-bench \
	kernel-baseline-profile kernel-bench-profile \
	initramfs run test shell host-test check bench bench-codec icount soak corpus \
	patches clean distclean help

all: run

help:
	@sed -n '3,12p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@scripts/deps.sh

tree: deps
	@scripts/tree.sh mtetag $(SRC) >/dev/null

# the *-profile twins: the benchmark's kernels for BENCH_PROFILE=1
kernel-baseline kernel-baseline-profile: kernel-%: deps
	@scripts/kbuild.sh $* "$$(scripts/tree.sh pristine)" $(BUILD)/kernel-$*

kernel-mtetag kernel-debug kernel-bench kernel-bench-profile: kernel-%: tree
	@scripts/kbuild.sh $* $(SRC) $(BUILD)/kernel-$*

kernels: kernel-mtetag kernel-baseline kernel-debug

initramfs: tree
	@scripts/initramfs.sh $(BUILD)/guest $(SRC)

run: kernel-mtetag initramfs
	@scripts/demo.sh $(KERNEL_mtetag) $(INITRD) $(BUILD)/logs/run.log $(SWAP)

shell: kernel-mtetag initramfs
	@scripts/qemu.sh $(KERNEL_mtetag) $(INITRD) shell /dev/null $(SWAP)

host-test: deps
	@scripts/host-test.sh

test: deps
	@scripts/test.sh

check: tree
	@scripts/check.sh

# mtetag against unpatched 6.12, A B A B boots (not part of 'make test');
# BENCH_ROUNDS=1 BENCH_QUICK=1 for a smoke run. See scripts/bench.sh.
bench: deps
	@scripts/bench.sh

# Not part of 'make test': long or measuring runs.
SOAK_MINUTES ?= 10
soak: kernel-mtetag initramfs
	@TIMEOUT=$$(( $(SOAK_MINUTES) * 60 + 600 )) APPEND="guest_soak_minutes=$(SOAK_MINUTES)" \
		scripts/qemu.sh $(KERNEL_mtetag) $(INITRD) soak $(BUILD)/logs/soak.log $(SWAP)
	@python3 scripts/results.py $(BUILD)/logs/soak.log soak --expect-tests

patches: tree
	@scripts/patches.sh

bench-codec: deps
	@$(MAKE) -C tools/testing/mtetag bench

# arm64 instructions per page of each codec path, under user-mode QEMU
# (tools/testing/mtetag/icount.sh; no boot, not part of 'make test').
# deps.sh checks everything 'deps' does, plus qemu-user.
icount:
	@scripts/deps.sh qemu-user
	@$(MAKE) -C tools/testing/mtetag icount

# Real tag pages for the host codec corpus, captured in the guest from
# programs on a glibc-tagged heap (not part of 'make test'). See
# tools/testing/mtetag/corpus/captured/README.
corpus: kernel-mtetag initramfs
	@scripts/corpus.sh $(KERNEL_mtetag) $(INITRD) $(BUILD)/logs/corpus.log \
		tools/testing/mtetag/corpus/captured

clean:
	rm -rf $(BUILD)

distclean: clean
	@echo "the shared cache $(MTETAG_CACHE) is kept; remove it by hand if wanted"
