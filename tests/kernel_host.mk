# Host tests of the kernel's portable parts (helper DEVICES): ksnprintf, the
# log ring, PS/2 decoding and the ACPI table parser, under ASan + UBSan; and
# the ACPI libFuzzer target. Further down: capabilities, the system-call
# dispatcher and its libFuzzer target (fuzz-syscall).
KERNEL_HOST_SRCS := kernel/lib/format.c kernel/log/log.c kernel/console/keyboard.c
KERNEL_ACPI_SRCS := kernel/acpi/acpi_tables.c kernel/acpi/acpi_platform.c

$(BUILD)/tests/kernel/format_test: $(BUILD)/host-san/tests/kernel/format_test.o \
		$(call objs,host-san,$(KERNEL_HOST_SRCS))
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

# The framebuffer console with vm_map_mmio replaced by the test (a heap buffer).
$(BUILD)/tests/kernel/framebuffer_test: $(BUILD)/host-san/tests/kernel/framebuffer_test.o \
		$(call objs,host-san,kernel/console/framebuffer.c kernel/console/font.c)
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

$(BUILD)/tests/kernel/acpi_test: $(BUILD)/host-san/tests/kernel/acpi_test.o \
		$(call objs,host-san,$(KERNEL_ACPI_SRCS))
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

$(BUILD)/tests/kernel/acpi_platform_test: $(BUILD)/host-san/tests/kernel/acpi_platform_test.o \
		$(call objs,host-san,$(KERNEL_ACPI_SRCS))
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

$(BUILD)/tests/kernel/cmdline_test: $(BUILD)/host-san/tests/kernel/cmdline_test.o \
		$(call objs,host-san,kernel/lib/cmdline.c)
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

FUZZ_TARGETS += fuzz-cmdline
$(BUILD)/fuzz/tests/fuzz/fuzz_cmdline: $(BUILD)/fuzz/tests/fuzz/fuzz_cmdline.o \
		$(call objs,fuzz,kernel/lib/cmdline.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-cmdline
fuzz-cmdline: $(BUILD)/fuzz/tests/fuzz/fuzz_cmdline
	@mkdir -p build/fuzz/corpus/cmdline
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=512 build/fuzz/corpus/cmdline tests/corpus/cmdline

FUZZ_TARGETS += fuzz-acpi fuzz-acpi-platform
$(BUILD)/fuzz/tests/fuzz/fuzz_acpi_platform: $(BUILD)/fuzz/tests/fuzz/fuzz_acpi_platform.o \
		$(call objs,fuzz,$(KERNEL_ACPI_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-acpi-platform
fuzz-acpi-platform: $(BUILD)/fuzz/tests/fuzz/fuzz_acpi_platform
	@mkdir -p build/fuzz/corpus/acpi-platform
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus/acpi-platform tests/corpus/acpi-platform

$(BUILD)/fuzz/tests/fuzz/fuzz_acpi: $(BUILD)/fuzz/tests/fuzz/fuzz_acpi.o \
		$(call objs,fuzz,$(KERNEL_ACPI_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

# `make fuzz-acpi` runs it for FUZZ_SECONDS, seeded with the committed corpus.
.PHONY: fuzz-acpi
fuzz-acpi: $(BUILD)/fuzz/tests/fuzz/fuzz_acpi
	@mkdir -p build/fuzz/corpus/acpi
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=8192 build/fuzz/corpus/acpi tests/corpus/acpi

# The DMAR table parser (helper iommu): directed cases, the committed
# corpus (tests/corpus/acpi-dmar) and its libFuzzer target.
KERNEL_DMAR_SRCS := kernel/acpi/acpi_dmar.c kernel/acpi/acpi_tables.c

$(BUILD)/tests/kernel/dmar_test: $(BUILD)/host-san/tests/kernel/dmar_test.o \
		$(call objs,host-san,$(KERNEL_DMAR_SRCS))
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

FUZZ_TARGETS += fuzz-acpi-dmar
$(BUILD)/fuzz/tests/fuzz/fuzz_acpi_dmar: $(BUILD)/fuzz/tests/fuzz/fuzz_acpi_dmar.o \
		$(call objs,fuzz,$(KERNEL_DMAR_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-acpi-dmar
fuzz-acpi-dmar: $(BUILD)/fuzz/tests/fuzz/fuzz_acpi_dmar
	@mkdir -p build/fuzz/corpus/acpi-dmar
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus/acpi-dmar tests/corpus/acpi-dmar

# Capabilities and objects (helper cap): the real object.c and capability.c
# over the C library's heap, kprintf and panic of tests/kernel/fake/kernel_runtime.c.
KERNEL_CAP_HOST_SRCS := kernel/cap/object.c kernel/cap/capability.c tests/kernel/fake/kernel_runtime.c

$(BUILD)/tests/kernel/capability_test: $(BUILD)/host-san/tests/kernel/capability_test.o \
		$(call objs,host-san,$(KERNEL_CAP_HOST_SRCS))
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

# The dispatcher with the generated table and the capability handlers
# (kernel/cap/cap_syscalls.c, with the fake lock of tests/kernel/fake); the
# process, the audit log, the user-memory copy (memcpy into a window) and
# every other handler are the fakes of tests/kernel/fake/syscall_fakes.c,
# shared by dispatch_test and fuzz_syscall.
KERNEL_DISPATCH_HOST_SRCS := $(KERNEL_CAP_HOST_SRCS) kernel/syscall/dispatch.c \
	kernel/syscall/table.c kernel/syscall/unimplemented.c kernel/error.c \
	tests/kernel/fake/syscall_fakes.c

$(BUILD)/host-san/tests/kernel/fake/cap_syscalls.o: kernel/cap/cap_syscalls.c \
		tests/kernel/fake/kernel/arch/interrupt.h $(BUILD)/host-san/.cflags
	@mkdir -p $(@D)
	$(CC) -Itests/kernel/fake $(HOST_SAN_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tests/kernel/dispatch_test: $(BUILD)/host-san/tests/kernel/dispatch_test.o \
		$(BUILD)/host-san/tests/kernel/fake/cap_syscalls.o \
		$(call objs,host-san,$(KERNEL_DISPATCH_HOST_SRCS))
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

# The system calls' libFuzzer target (tests/fuzz/fuzz_syscall.c): sequences
# of calls through the same dispatcher, handlers and fakes, checked against
# a model after each. Seeds (the encoding is in the file's comment): process
# 0 copies, identifies, mints and revokes; process 1 moves, deletes and
# refuses; a thread of no process, unknown numbers and slots above 32 bits.
SYSCALL_FUZZ_SEEDS := $(BUILD)/fuzz/syscall-seeds
SYSCALL_FUZZ_SEED_derive := 000a00300103000000 000f3002180000000000 000b0038010f01050000 000e000000000000 000f38021a0000000000
SYSCALL_FUZZ_SEED_move := 040c082000000000 040d200000000000 040c080000000000 0001180218000105000000 040a0020010f000000
SYSCALL_FUZZ_SEED_refused := 0701000218000105000000 00f0ffffffffffffffff000000000000 0042000000000000 000a04300103000000 04241002180008000000 050f00150000000000

$(BUILD)/fuzz/tests/kernel/fake/cap_syscalls.o: kernel/cap/cap_syscalls.c \
		tests/kernel/fake/kernel/arch/interrupt.h $(BUILD)/fuzz/.cflags
	@mkdir -p $(@D)
	$(CC) -Itests/kernel/fake $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

FUZZ_TARGETS += fuzz-syscall
$(BUILD)/fuzz/tests/fuzz/fuzz_syscall: $(BUILD)/fuzz/tests/fuzz/fuzz_syscall.o \
		$(BUILD)/fuzz/tests/kernel/fake/cap_syscalls.o $(call objs,fuzz,$(KERNEL_DISPATCH_HOST_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

$(SYSCALL_FUZZ_SEEDS)/%: tests/kernel_host.mk
	@mkdir -p $(@D)
	@echo $(SYSCALL_FUZZ_SEED_$*) | tr -d ' ' | xxd -r -p >$@

.PHONY: fuzz-syscall
fuzz-syscall: $(BUILD)/fuzz/tests/fuzz/fuzz_syscall $(addprefix $(SYSCALL_FUZZ_SEEDS)/,derive move refused)
	@mkdir -p build/fuzz/corpus/syscall
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=1024 build/fuzz/corpus/syscall $(SYSCALL_FUZZ_SEEDS)

# The kernel console's input (helper kinput): the line editor's logic
# (kernel/console/line_edit.c) and PS/2 decoding, directed cases and the
# committed corpus tests/corpus/console-input/ (console_input_test --check),
# and their libFuzzer target.
KERNEL_INPUT_SRCS := kernel/console/line_edit.c kernel/console/keyboard.c

$(BUILD)/tests/kernel/console_input_test: $(BUILD)/host-san/tests/kernel/console_input_test.o \
		$(call objs,host-san,$(KERNEL_INPUT_SRCS) tests/host/expected_corpus.c)
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

FUZZ_TARGETS += fuzz-console-input
$(BUILD)/fuzz/tests/fuzz/fuzz_console_input: $(BUILD)/fuzz/tests/fuzz/fuzz_console_input.o \
		$(call objs,fuzz,$(KERNEL_INPUT_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-console-input
fuzz-console-input: $(BUILD)/fuzz/tests/fuzz/fuzz_console_input
	@mkdir -p build/fuzz/corpus/console-input
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus/console-input tests/corpus/console-input
