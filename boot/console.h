/* Loader output: every message goes to the firmware console (screen) and,
 * through a polled COM1 writer of our own, to the serial port, so it reaches
 * a `-serial` log or a serial cable even on firmware that does not mirror its
 * console there. After ExitBootServices only the serial half remains.
 * Text is ASCII; "\n" becomes CR LF. */
#ifndef NONOS_BOOT_CONSOLE_H
#define NONOS_BOOT_CONSOLE_H

#include <stdint.h>

#include "boot/efi.h"

void console_init(struct efi_system_table *system);
/* Stops using the firmware console (call just before ExitBootServices). */
void console_detach(void);

void console_write(const char *text);
void console_write_hex(uint64_t value);
void console_write_decimal(uint64_t value);
void console_write_digest(const uint8_t digest[32]);

#endif
