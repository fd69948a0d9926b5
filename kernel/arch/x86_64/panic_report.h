/* Pieces of the panic report shared by panic() and the exception handler. */
#ifndef NONOS_ARCH_PANIC_REPORT_H
#define NONOS_ARCH_PANIC_REPORT_H

#include <stdint.h>

/* Interrupts off; a panic inside a panic halts at once (its report would
 * likely fault again). */
void panic_begin(void);

/* Final words ("system halted") and halt forever. */
_Noreturn void panic_halt(void);

/* Prints rip and then every return address up the rbp chain, symbolized
 * against the kernel's symbol table. Stops at rbp = 0, an unmapped or
 * misaligned frame, or after BACKTRACE_MAX_FRAMES. */
#define BACKTRACE_MAX_FRAMES 16
void backtrace_print(uint64_t rip, uint64_t rbp);

#endif
