/* panic: the kernel cannot go on. Prints the message, the registers of the
 * caller and a symbolized backtrace to serial and screen, then halts the CPU
 * for good (interrupts off). Never returns. */
#ifndef NONOS_KERNEL_PANIC_H
#define NONOS_KERNEL_PANIC_H

__attribute__((format(printf, 1, 2))) _Noreturn void panic(const char *fmt, ...);

/* panic unless cond holds: for invariants whose violation means corruption. */
#define KERNEL_ASSERT(cond)                                                              \
    do {                                                                                 \
        if (!(cond))                                                                     \
            panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);            \
    } while (0)

#endif
