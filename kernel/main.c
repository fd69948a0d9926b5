/* kernel_main: the order in which the kernel brings itself up.
 *
 * Each step may use only what the steps before it set up:
 *   serial      port I/O only, so panics are visible from the first line
 *   bootinfo    copied out of boot data (memory_init)
 *   CPU tables  GDT/TSS, IDT: from here exceptions print a report
 *   memory      frames, own page tables (the loader's are dropped), then
 *               NXE/WP/SMEP/SMAP/PAT, then the heap, then user mode
 *               (syscall entry, FPU/SIMD state format)
 *   devices     framebuffer console
 *   time        interrupt controller (x86: PIC masked, LAPIC), then the
 *               timer's calibration window opens: the steps up to
 *               timer_init are its measuring time, instead of a wait
 *   capsules    the boot bundle is verified (kernel/capsule)
 *   firmware    ACPI tables
 *   devices     I/O APICs from the MADT, PCI through the MCFG's ECAM, the
 *               IOMMU (DMAR; every device blocked, interrupt remapping on),
 *               the dma= boot option
 *   time        the calibration window closes; the tick starts
 *   randomness  the system generator, seeded from RDSEED/RDRAND (CPU
 *               features), TSC jitter and the loader's UEFI seed
 *   threads     scheduler, then the capsule "init" (which starts the
 *               other system capsules, the shell among them); only when
 *               the bundle has no verified init (or it cannot start), the
 *               kernel's shell thread instead; the boot flow becomes idle
 * Interrupts stay off until the very end. */
#include "boot/bootinfo.h"
#include "kernel/acpi/acpi.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/debug.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/time.h"
#include "kernel/arch/user.h"
#include "kernel/capsule/capsule.h"
#include "kernel/console/console.h"
#include "kernel/console/serial.h"
#include "kernel/device/device.h"
#include "kernel/ipc/ipc.h"
#include "kernel/lib/print.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/panic.h"
#include "kernel/proc/process.h"
#include "kernel/random/system_random.h"
#include "kernel/sched/thread.h"
#include "kernel/shell/shell.h"

_Noreturn void kernel_main(uint64_t bootinfo_phys, uint64_t entry_tsc);

static void symbols_load(void)
{
    const struct bootinfo *info = boot_info();
    int result = symbols_init(info->kernel_file ? phys_to_virt(info->kernel_file) : NULL,
                              info->kernel_file_size);
    if (result != SYMBOLS_OK)
        kprintf("kernel: backtraces unsymbolized: %s\n", symbols_error_message(result));
}

static void memory_setup(void)
{
    frame_init();
    vm_init();
    cpu_enable_protection();
    heap_init();
    user_init(); /* syscall entry, per-CPU entry data, FPU/SIMD state format */
}

static void cpu_report(void)
{
    char cpu[64];
    cpu_describe(cpu, sizeof cpu);
    struct frame_stats frames;
    frame_stats(&frames);
    kprintf("kernel: cpu %s, %lu MiB free of %lu MiB\n", cpu,
            frames.free_frames * FRAME_SIZE >> 20, frames.total_frames * FRAME_SIZE >> 20);
}

_Noreturn void kernel_main(uint64_t bootinfo_phys, uint64_t entry_tsc)
{
    serial_init();
    kprintf("boot: entry tsc=%lu\n", entry_tsc);
    memory_init(bootinfo_phys);
    cpu_init();
    symbols_load();
    memory_setup();
    console_init(&boot_info()->framebuffer);
    cpu_report();
    interrupt_controller_init();
    timer_calibration_start();
    capsule_boot(); /* verify the boot bundle before anything could map it */
    if (acpi_init(boot_info()->acpi_rsdp) != 0)
        kprintf("kernel: ACPI unavailable; poweroff will halt instead\n");
    device_init(acpi_state()->xsdt, boot_info()->command_line, boot_info()->command_line_size);
    timer_init(entry_tsc);
    if (system_random_init() != CRYPTO_OK)
        kprintf("kernel: no entropy yet: whatever needs keys refuses until a source works\n");
    sched_init();
    ipc_init();
    /* init starts the system capsules, the shell capsule among them; the
     * kernel's own shell is only the fallback of a bundle without init. */
    if (!process_start_init()) {
        kprintf("kernel: no init: the kernel shell runs instead of the shell capsule\n");
        if (!thread_create("shell", shell_main, NULL))
            panic("cannot create the shell thread");
    }
    /* The idle thread. It runs only when no thread is ready, and a thread
     * made ready from here or by an interrupt other than the tick (init
     * above, the keyboard) would otherwise wait for the next tick to be
     * scheduled: up to 4 ms, which under -icount was 3 M of the boot's
     * entry -> prompt figure, spent halted before init ran. */
    for (;;) {
        thread_yield();
        cpu_wait_for_interrupt();
    }
}
