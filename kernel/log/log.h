/* The kernel log: a fixed-size ring of text lines, each stamped with the
 * uptime at which it began ("[    1.234567] text\n").
 *
 * Everything kprintf prints is appended here too; the shell's `log` command
 * shows it. When the ring is full the oldest bytes are overwritten and a
 * snapshot starts at the first complete line still held.
 *
 * Portable (no kernel headers): the caller passes the time and serializes
 * calls (kprintf holds its output lock); host tests run it under ASan. */
#ifndef NONOS_LOG_LOG_H
#define NONOS_LOG_LOG_H

#include <stddef.h>
#include <stdint.h>

#define LOG_RING_SIZE 16384u /* power of two */

/* Appends len bytes of text; a line's timestamp is taken from now_ns when
 * its first byte is appended. NUL bytes are dropped. */
void log_write(const char *text, size_t len, uint64_t now_ns);

/* Copies the log, oldest first, starting at a line boundary, into out
 * (at most cap bytes, no NUL added); returns the number of bytes copied. */
size_t log_snapshot(char *out, size_t cap);

/* Bytes appended since boot (including those overwritten since). */
uint64_t log_total_bytes(void);

/* Zeroes the ring and forgets everything (ZeroState wipe); returns the
 * number of bytes wiped. */
size_t log_wipe(void);

#endif
