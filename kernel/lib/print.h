/* Formatted output for the kernel.
 *
 * ksnprintf/kvsnprintf (kernel/lib/format.c) are portable and bounded: they
 * never write more than `size` bytes, always NUL-terminate when size > 0, and
 * return the length the whole output would have had (like C's snprintf), so
 * a result >= size means the output was truncated. They are built for Linux
 * too and tested under ASan + UBSan (tests/suites/16-kernel-host.sh).
 *
 * Supported: %s %c %d %i %u %x %X %p %%, the length modifiers h hh l ll z,
 * the flags '-' and '0', a width (digits or '*') and a precision (digits or
 * '*'; for %s it bounds how many bytes are read, so %.*s prints a buffer that
 * is not NUL-terminated). An unknown conversion is printed as written.
 *
 * kprintf (kernel/lib/print.c, kernel only) formats into a bounded line
 * buffer and sends it to the console (serial + screen) and the log ring. */
#ifndef NONOS_KERNEL_LIB_PRINT_H
#define NONOS_KERNEL_LIB_PRINT_H

#include <stdarg.h>
#include <stddef.h>

/* Longest output of one kprintf call; longer output is cut (and ends in "..."). */
#define KPRINTF_MAX 512

size_t kvsnprintf(char *buf, size_t size, const char *fmt, va_list args)
    __attribute__((format(printf, 3, 0)));
size_t ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list args) __attribute__((format(printf, 1, 0)));

#endif
