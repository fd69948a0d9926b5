/* panic() and the backtrace printed with every panic report. The backtrace
 * follows saved rbp links (the kernel is built with frame pointers); each
 * frame is checked to be mapped before it is read, so a corrupt stack ends
 * the trace instead of faulting inside the panic. */
#include "kernel/panic.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/console/console.h"
#include "kernel/arch/x86_64/panic_report.h"
#include "kernel/arch/debug.h"
#include "kernel/lib/print.h"
#include "kernel/mm/vm.h"

#include <stdarg.h>
#include <stdbool.h>

static volatile bool panicking;

void panic_begin(void)
{
    interrupts_disable();
    if (panicking) {
        for (;;)
            cpu_halt();
    }
    panicking = true;
}

_Noreturn void panic_halt(void)
{
    kprintf("system halted\n");
    console_flush();
    for (;;) {
        interrupts_disable();
        cpu_halt();
    }
}

static void backtrace_line(unsigned depth, uint64_t address)
{
    uint64_t offset = 0;
    const char *name = symbols_lookup(address, &offset);
    if (name)
        kprintf("  #%-2u %016lx %s+0x%lx\n", depth, address, name, offset);
    else
        kprintf("  #%-2u %016lx ?\n", depth, address);
}

static bool frame_readable(uint64_t rbp)
{
    if (rbp % 8 != 0 || rbp < 0xffff800000000000ull)
        return false;
    return vm_query(vm_space_active(), rbp, NULL) && vm_query(vm_space_active(), rbp + 8, NULL);
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
    kprintf("  backtrace:\n");
    backtrace_line(0, rip);
    for (unsigned depth = 1; depth < BACKTRACE_MAX_FRAMES && rbp; depth++) {
        if (!frame_readable(rbp))
            break;
        const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
        uint64_t return_address = frame[1];
        if (return_address == 0)
            break;
        /* The call instruction is just before the return address. */
        backtrace_line(depth, return_address - 1);
        if (frame[0] <= rbp)
            break; /* stacks grow down: a caller's frame is always higher */
        rbp = frame[0];
    }
}

_Noreturn void panic(const char *fmt, ...)
{
    panic_begin();
    va_list args;
    va_start(args, fmt);
    kprintf("\nPANIC: ");
    kvprintf(fmt, args);
    va_end(args);
    kprintf("\n");
    backtrace_print((uint64_t)(uintptr_t)panic, (uint64_t)(uintptr_t)__builtin_frame_address(0));
    panic_halt();
}
