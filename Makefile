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
                 -DNONOS_FREESTANDING
EFI_CFLAGS := $(COMMON_CFLAGS) -O2 --target=x86_64-unknown-windows -ffreestanding \
              -fno-builtin -fshort-wchar -mno-red-zone -mgeneral-regs-only \
              -fno-stack-protector -DNONOS_FREESTANDING

.DEFAULT_GOAL := all
.PHONY: all run test bench fuzz deps clean
.SECONDARY:
.DELETE_ON_ERROR:

all:

deps:
	@sh scripts/deps.sh

$(BUILD)/host-san/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_SAN_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kernel/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kernel/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/efi/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

# Constant-time (valgrind, ctgrind) programs: optimized and hardened like
# build/host, no sanitizers, but DWARF 4, since Debian 12's valgrind (3.19)
# cannot read clang 14's default DWARF 5. host-ct-scalar differs on purpose:
# -DNONOS_CRYPTO_SCALAR leaves out the vector paths, as the kernel runs.
HOST_CT_CFLAGS := $(HOST_CFLAGS) -gdwarf-4 -DNONOS_CONSTTIME_CHECK

$(BUILD)/host-ct/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CT_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host-ct-scalar/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CT_CFLAGS) -DNONOS_CRYPTO_SCALAR -MMD -MP -c $< -o $@

# Object lists for one environment: $(call objs,host-san,$(SRCS))
objs = $(patsubst %.c,$(BUILD)/$(1)/%.o,$(patsubst %.S,$(BUILD)/$(1)/%.o,$(2)))

include $(sort $(wildcard lib/*/*.mk))
include $(sort $(wildcard sdk/*.mk boot/*.mk kernel/*.mk tools/*.mk user/*.mk))
include $(sort $(wildcard tests/*.mk))

run: deps all
	sh tests/qemu/run.sh

test: deps
	@sh tests/run.sh

bench: deps
	@for t in $(BENCH_TARGETS); do $(MAKE) --no-print-directory $$t || exit 1; done

fuzz: deps
	@for t in $(FUZZ_TARGETS); do $(MAKE) --no-print-directory $$t || exit 1; done

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# `make print-VAR` prints a variable (used by tests/static-analysis.sh).
print-%:
	@echo '$($*)'
