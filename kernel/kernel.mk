# kernel/: the NØNOS kernel, a freestanding higher-half x86_64 ELF.
# Sources of the kernel core; helper fragments add theirs to
# KERNEL_DEVICE_SRCS (kernel/devices.mk, included before this file).
KERNEL_ELF := $(BUILD)/kernel/nonos-kernel.elf

KERNEL_CORE_SRCS := \
	kernel/main.c \
	kernel/arch/x86_64/start.S \
	kernel/arch/x86_64/isr.S \
	kernel/arch/x86_64/switch.S \
	kernel/arch/x86_64/probe.S \
	kernel/arch/x86_64/cpu.c \
	kernel/arch/x86_64/gdt.c \
	kernel/arch/x86_64/idt.c \
	kernel/arch/x86_64/trap.c \
	kernel/arch/x86_64/panic.c \
	kernel/arch/x86_64/symbols.c \
	kernel/arch/x86_64/lapic.c \
	kernel/arch/x86_64/timer.c \
	kernel/arch/x86_64/entropy.c \
	kernel/mm/memory.c \
	kernel/mm/frame.c \
	kernel/mm/vm.c \
	kernel/mm/heap.c \
	kernel/sched/thread.c \
	kernel/random/system_random.c \
	kernel/test/selftest.c \
	kernel/test/test_mm.c \
	kernel/test/test_arch.c \
	kernel/test/test_sched.c \
	kernel/test/test_random.c

KERNEL_SRCS := $(KERNEL_CORE_SRCS) $(KERNEL_DEVICE_SRCS) $(KERNEL_CAPSULE_SRCS) \
	$(CRYPTO_SRCS) $(BASE_SRCS) $(BASE_FREESTANDING_SRCS)
KERNEL_OBJS := $(call objs,kernel,$(KERNEL_SRCS))

# --strip-debug keeps .symtab (panic backtraces are symbolized from it) but
# drops DWARF, which would triple the file size.
$(KERNEL_ELF): $(KERNEL_OBJS) kernel/kernel.ld
	@mkdir -p $(@D)
	$(LD) -T kernel/kernel.ld -nostdlib -static --no-pie -z max-page-size=4096 \
		-z noexecstack --strip-debug -o $@ $(KERNEL_OBJS)

all: $(KERNEL_ELF)
