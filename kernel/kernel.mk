# kernel/: the NØNOS kernel, a freestanding higher-half x86_64 ELF.
# Sources of the kernel core; helper fragments add theirs to
# KERNEL_DEVICE_SRCS (kernel/devices.mk, included before this file).
#
# Two kernels are linked from the same objects:
#   build/kernel/nonos-kernel.elf       the product: what build/nonos.img and a
#                                       USB stick carry; no test code
#   build/kernel/nonos-kernel-test.elf  the test kernel: the product plus the
#                                       in-kernel tests (kernel/test/*.c) and
#                                       the `selftest` shell command; booted
#                                       by make test (suite 50-kernel-selftest)
# Both are linked with --gc-sections, so each carries only the code it can
# reach: the TOML compiler of lib/capsule, which the kernel never calls (it
# parses canonical manifests only), is not in either. Suite 50 checks the
# product's symbol table for both.
KERNEL_ELF := $(BUILD)/kernel/nonos-kernel.elf
KERNEL_TEST_ELF := $(BUILD)/kernel/nonos-kernel-test.elf

KERNEL_CORE_SRCS := \
	kernel/main.c \
	kernel/arch/x86_64/start.S \
	kernel/arch/x86_64/isr.S \
	kernel/arch/x86_64/switch.S \
	kernel/arch/x86_64/probe.S \
	kernel/arch/x86_64/user_entry.S \
	kernel/arch/x86_64/user.c \
	kernel/arch/x86_64/fpu.c \
	kernel/arch/x86_64/context.c \
	kernel/arch/x86_64/cpu.c \
	kernel/arch/x86_64/gdt.c \
	kernel/arch/x86_64/idt.c \
	kernel/arch/x86_64/trap.c \
	kernel/arch/x86_64/panic.c \
	kernel/arch/x86_64/symbols.c \
	kernel/arch/x86_64/lapic.c \
	kernel/arch/x86_64/mmu.c \
	kernel/arch/x86_64/timer.c \
	kernel/arch/x86_64/entropy.c \
	kernel/arch/x86_64/irq.c \
	kernel/arch/x86_64/ioapic.c \
	kernel/mm/memory.c \
	kernel/mm/frame.c \
	kernel/mm/vm.c \
	kernel/mm/heap.c \
	kernel/sched/thread.c \
	kernel/sched/wait.c \
	kernel/proc/process.c \
	kernel/proc/process_memory.c \
	kernel/proc/loader.c \
	kernel/proc/policy.c \
	kernel/proc/fault.c \
	kernel/proc/process_syscalls.c \
	kernel/proc/memory_syscalls.c \
	kernel/random/system_random.c \
	kernel/lib/cmdline.c \
	kernel/device/pci.c \
	kernel/device/device.c \
	kernel/device/interrupt.c \
	kernel/device/dma.c \
	kernel/device/device_syscalls.c

KERNEL_SRCS := $(KERNEL_CORE_SRCS) $(KERNEL_DEVICE_SRCS) $(KERNEL_CAPSULE_SRCS) $(KERNEL_CAP_SRCS) $(KERNEL_IPC_SRCS) \
	$(CRYPTO_SRCS) $(BASE_SRCS) $(BASE_FREESTANDING_SRCS)
KERNEL_OBJS := $(call objs,kernel,$(KERNEL_SRCS))
# Every file of kernel/test/ (generic tests) and kernel/arch/x86_64/test/
# (tests of x86 specifics) is a test file: a new one joins the test kernel
# (and its table the run, through TEST_TABLE) without being listed here.
KERNEL_TEST_SRCS := $(sort $(wildcard kernel/test/*.c kernel/arch/x86_64/test/*.c))
KERNEL_PRODUCT_OBJS := $(KERNEL_OBJS) $(call objs,kernel,kernel/shell/no_extra_commands.c)
KERNEL_TEST_OBJS := $(KERNEL_OBJS) $(call objs,kernel,$(KERNEL_TEST_SRCS))

# --strip-debug keeps .symtab (panic backtraces are symbolized from it) but
# drops DWARF, which would triple the file size.
KERNEL_LDFLAGS := -T kernel/kernel.ld -nostdlib -static --no-pie -z max-page-size=4096 \
	-z noexecstack --gc-sections --strip-debug

$(KERNEL_ELF): $(KERNEL_PRODUCT_OBJS) kernel/kernel.ld
	@mkdir -p $(@D)
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_PRODUCT_OBJS)

$(KERNEL_TEST_ELF): $(KERNEL_TEST_OBJS) kernel/kernel.ld
	@mkdir -p $(@D)
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_TEST_OBJS)

all: $(KERNEL_ELF)

# The test image: the test kernel with its own boot bundle, the product
# bundle's capsules plus the hostile test capsules of tests/capsules/
# (tests/capsules/test-bundle.sh; docs/kernel.md, "Hostile tests"). The
# product image's bundle never holds them (suite 50 checks it).
KERNEL_TEST_IMAGE := $(BUILD)/test/nonos-test.img
KERNEL_TEST_BUNDLE := $(BUILD)/test/capsules/bundle.bin
KERNEL_TEST_CAPSULE_FILES := $(wildcard tests/capsules/*/* tests/capsules/lib/*) \
	user/lib/virtio.c user/lib/virtio.h user/lib/virtio_pci.c user/lib/virtio_pci.h \
	user/lib/virtqueue.c user/lib/virtqueue.h lib/base/mem.c
$(KERNEL_TEST_BUNDLE): $(BOOT_STAGED_BUNDLE) $(CAPSULE_TOOL) $(SDK_FILES) \
		tests/capsules/test-bundle.sh $(KERNEL_TEST_CAPSULE_FILES)
	sh tests/capsules/test-bundle.sh $(CAPSULE_TOOL) $(BOOT_STAGED_BUNDLE) \
	    $(BUILD)/capsules/keys $(BUILD)/test/capsules
$(eval $(call boot_image,nonos-test,$(KERNEL_TEST_ELF),$(KERNEL_TEST_BUNDLE),$(KERNEL_TEST_IMAGE)))
