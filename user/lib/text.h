/* Text into buffers that carry their lengths, for capsules (no libc).
 *
 * A text buffer is lib/base's struct byte_buffer holding characters:
 * text_printf appends with the kernel's bounded formatter (ksnprintf,
 * kernel/lib/format.c, built into every system capsule) and never writes
 * past cap; what does not fit is dropped and the call returns false, so a
 * caller can tell a cut table from a whole one. The buffer is not kept
 * NUL-terminated: len says how much is text. */
#ifndef NONOS_USER_TEXT_H
#define NONOS_USER_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"

/* An empty text buffer over storage[0..cap). */
struct byte_buffer text_buffer(char *storage, size_t cap);

/* Appends formatted text; false (and as much as fits) when it does not fit. */
bool text_printf(struct byte_buffer *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends len bytes of text; false (and as much as fits) when they do not fit. */
bool text_append(struct byte_buffer *out, const char *text, size_t len);

/* Appends len bytes of text from another process for the console: each
 * byte that is not printable ASCII (0x20..0x7e) is written as \xNN and a
 * backslash as \\, so no control character or escape sequence reaches
 * the terminal and the shown text reads back to the bytes; with lines, a
 * '\n' passes unchanged (a multi-line report). False (and the whole
 * escapes that fit, never half of one) when it does not fit. */
bool text_append_escaped(struct byte_buffer *out, const uint8_t *text, size_t len, bool lines);

/* The length of s, at most max (s need not be NUL-terminated within max). */
size_t text_length(const char *s, size_t max);

/* True when a[0..a_length) and b[0..b_length) are the same bytes. */
bool text_same(const char *a, size_t a_length, const char *b, size_t b_length);

/* True when the len bytes at a equal the NUL-terminated b. */
bool text_equal(const char *a, size_t len, const char *b);

/* Parses len bytes of decimal digits (no sign, no blanks) into *out;
 * false for an empty, non-digit or out-of-range (> UINT64_MAX) text. */
bool text_parse_u64(const char *text, size_t len, uint64_t *out);

#endif
