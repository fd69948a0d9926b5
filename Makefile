# NØNOS build.
#   make          build everything into build/ (image: build/nonos.img)
#   make run      build and boot the image in QEMU on this terminal
#   make test     every test; the last line is "N passed, N failed"
#   make bench    every benchmark (make bench-<area> for one)
#   make fuzz     every libFuzzer target for a bounded time
#
# Each subsystem owns a fragment (lib/*/*.mk, boot/boot.mk, kernel/kernel.mk,
# tools/*.mk, tests/*.mk) that lists its sources and adds its targets. Objects
# are built once per environment under build/<environment>/, mirroring the
# source tree:
#   build/host-san  Linux, ASan + UBSan: host unit tests
#   build/host      Linux, optimized and hardened: host tools and benchmarks
#   build/fuzz      Linux, libFuzzer + ASan + UBSan
#   build/kernel    freestanding x86_64 ELF, higher half
#   build/efi       freestanding x86_64 PE32+ (UEFI)

BUILD := build
CC := clang
LD := ld.lld
LLD_LINK := lld-link
OBJCOPY := llvm-objcopy
NM := llvm-nm

WARNINGS := -std=c17 -Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes \
            -Wmissing-prototypes -Wpointer-arith -Wimplicit-fallthrough
COMMON_CFLAGS := $(WARNINGS) -I. -Ilib -g

HOST_SAN_CFLAGS := $(COMMON_CFLAGS) -O1 -fno-omit-frame-pointer \
                   -fsanitize=address,undefined -fno-sanitize-recover=all
HOST_CFLAGS := $(COMMON_CFLAGS) -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
FUZZ_CFLAGS := $(COMMON_CFLAGS) -O1 -fno-omit-frame-pointer \
               -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
KERNEL_CFLAGS := $(COMMON_CFLAGS) -O2 --target=x86_64-unknown-none-elf -ffreestanding \
                 -fno-builtin -nostdlib -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
                 -mgeneral-regs-only -fno-omit-frame-pointer -fno-stack-protector \
                 -ffunction-sections -fdata-sections -DNONOS_FREESTANDING
EFI_CFLAGS := $(COMMON_CFLAGS) -O2 --target=x86_64-unknown-windows -ffreestanding \
              -fno-builtin -fshort-wchar -mno-red-zone -mgeneral-regs-only \
              -fno-stack-protector -DNONOS_FREESTANDING

.DEFAULT_GOAL := all
.PHONY: all run test bench fuzz deps clean
.SECONDARY:
.DELETE_ON_ERROR:

all:

# Every goal that builds (plain `make` too) first installs the missing Debian
# packages, before any rule runs: scripts/deps.sh is idempotent and costs a
# few dpkg queries when nothing is missing. Its messages go to the terminal
# (stderr); a failed install stops make here with one line. Sub-makes, and
# the many `make` calls of the test suites, inherit NONOS_DEPS_DONE and skip
# the check. `make clean`, `make deps` and `make print-VAR` do not trigger it.
DEPS_FREE_GOALS := clean deps print-%
ifeq ($(NONOS_DEPS_DONE),)
ifneq ($(or $(if $(MAKECMDGOALS),,default),$(filter-out $(DEPS_FREE_GOALS),$(MAKECMDGOALS))),)
DEPS_OUTPUT := $(shell sh scripts/deps.sh >&2 || echo failed)
ifneq ($(DEPS_OUTPUT),)
$(error missing Debian packages could not be installed (see the apt-get messages above); run: sudo sh scripts/deps.sh)
endif
endif
endif
export NONOS_DEPS_DONE := 1

deps:
	@sh scripts/deps.sh

# Each environment's objects depend on a file that holds its flags and is
# rewritten only when they change, so a changed flag rebuilds what it
# affects instead of linking stale objects: $(call flags_file,ENV,FLAGS).
.PHONY: FORCE
FORCE:
define flags_file
$(BUILD)/$(1)/.cflags: FORCE
	@mkdir -p $$(@D)
	@echo '$(2)' | cmp -s - $$@ || echo '$(2)' > $$@
endef
$(eval $(call flags_file,host-san,$(HOST_SAN_CFLAGS)))
$(eval $(call flags_file,host,$(HOST_CFLAGS)))
$(eval $(call flags_file,fuzz,$(FUZZ_CFLAGS)))
$(eval $(call flags_file,kernel,$(KERNEL_CFLAGS)))
$(eval $(call flags_file,efi,$(EFI_CFLAGS)))

$(BUILD)/host-san/%.o: %.c $(BUILD)/host-san/.cflags
	@mkdir -p $(@D)
	$(CC) $(HOST_SAN_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/%.o: %.c $(BUILD)/host/.cflags
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/%.o: %.c $(BUILD)/fuzz/.cflags
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kernel/%.o: %.c $(BUILD)/kernel/.cflags
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kernel/%.o: %.S $(BUILD)/kernel/.cflags
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/efi/%.o: %.c $(BUILD)/efi/.cflags
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

# Constant-time (valgrind, ctgrind) programs: optimized and hardened like
# build/host, no sanitizers, but DWARF 4, since Debian 12's valgrind (3.19)
# cannot read clang 14's default DWARF 5. host-ct-scalar differs on purpose:
# -DNONOS_CRYPTO_SCALAR leaves out the vector paths, as the kernel runs.
HOST_CT_CFLAGS := $(HOST_CFLAGS) -gdwarf-4 -DNONOS_CONSTTIME_CHECK

$(eval $(call flags_file,host-ct,$(HOST_CT_CFLAGS)))
$(eval $(call flags_file,host-ct-scalar,$(HOST_CT_CFLAGS) -DNONOS_CRYPTO_SCALAR))

$(BUILD)/host-ct/%.o: %.c $(BUILD)/host-ct/.cflags
	@mkdir -p $(@D)
	$(CC) $(HOST_CT_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host-ct-scalar/%.o: %.c $(BUILD)/host-ct-scalar/.cflags
	@mkdir -p $(@D)
	$(CC) $(HOST_CT_CFLAGS) -DNONOS_CRYPTO_SCALAR -MMD -MP -c $< -o $@

# Object lists for one environment: $(call objs,host-san,$(SRCS))
objs = $(patsubst %.c,$(BUILD)/$(1)/%.o,$(patsubst %.S,$(BUILD)/$(1)/%.o,$(2)))

include $(sort $(wildcard lib/*/*.mk))
include $(sort $(wildcard sdk/*.mk boot/*.mk kernel/*.mk tools/*.mk user/*.mk))
include $(sort $(wildcard tests/*.mk))

# Every libFuzzer target, derived from the files: tests/fuzz/fuzz_NAME.c is
# run by `make fuzz-NAME` (underscores become dashes), whose rule lives in the
# fragment of its area. A new fuzz file without a rule breaks `make fuzz` and
# suite 80-fuzz-smoke, so it cannot be missed.
# (FUZZ_DIR is for the test of this rule, in suite 05-runner.)
FUZZ_DIR ?= tests/fuzz
FUZZ_TARGETS := $(subst _,-,$(patsubst $(FUZZ_DIR)/fuzz_%.c,fuzz-%,$(sort $(wildcard $(FUZZ_DIR)/fuzz_*.c))))

run: all
	sh tests/qemu/run.sh

test:
	@sh tests/run.sh

# Every benchmark runs even when one fails (bench-ipc fails while a figure
# cannot be measured); the status says whether any failed.
bench:
	@status=0; for t in $(BENCH_TARGETS); do $(MAKE) --no-print-directory $$t || status=1; done; exit $$status

fuzz:
	@for t in $(FUZZ_TARGETS); do $(MAKE) --no-print-directory $$t || exit 1; done

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)

# `make print-VAR` prints a variable (used by tests/static-analysis.sh).
print-%:
	@echo '$($*)'
