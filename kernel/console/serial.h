/* COM1: a 16550-compatible UART at I/O port 0x3f8, 115200 baud, 8N1,
 * polled (no interrupts). serial_init needs nothing but port I/O, so it runs
 * first in kernel_main and everything after it can print.
 *
 * If no UART answers (the scratch register does not hold a value), output
 * and input are skipped silently: a PC without COM1 still boots to the
 * screen console. */
#ifndef NONOS_CONSOLE_SERIAL_H
#define NONOS_CONSOLE_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

void serial_init(void);
bool serial_present(void);

/* Writes len bytes; "\n" goes out as "\r\n" so terminals return the carriage. */
void serial_write(const char *text, size_t len);

/* The next received byte, or -1 when none is waiting. Never blocks. */
int serial_read(void);

/* True when a received byte waits (serial_read would return it). */
bool serial_pending(void);

#endif
