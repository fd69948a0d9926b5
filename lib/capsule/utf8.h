/* UTF-8 validation (RFC 3629): shortest form only, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF. Used by the TOML parser and the
 * canonical manifest decoder, so text that one accepts the other accepts. */
#ifndef NONOS_CAPSULE_UTF8_H
#define NONOS_CAPSULE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence starting at s[0] (1-4), or 0 when the
 * bytes at s (at most len of them) do not start one. */
size_t utf8_sequence_length(const uint8_t *s, size_t len);

/* True when all len bytes at s are valid UTF-8. */
bool utf8_valid(const uint8_t *s, size_t len);

/* Writes code point cp (a Unicode scalar value) as UTF-8 into out (room for
 * 4 bytes); returns the length, or 0 for a surrogate or cp > U+10FFFF. */
size_t utf8_encode(uint32_t cp, uint8_t out[4]);

#endif
