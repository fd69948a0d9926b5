/* Console output of a capsule, through its console capability
 * (NONOS_SLOT_CONSOLE, write right): whole texts and bounded printf-style
 * lines (ksnprintf, so the same conversions as the kernel's kprintf). */
#ifndef NONOS_USER_CONSOLE_H
#define NONOS_USER_CONSOLE_H

#include <stddef.h>

#include "base/bytes.h"

#define CONSOLE_LINE_MAX 256 /* longest console_printf output; more is cut */

void console_print(const char *text, size_t len);
/* Writes a text buffer's contents (text.h). */
void console_print_buffer(const struct byte_buffer *text);
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
