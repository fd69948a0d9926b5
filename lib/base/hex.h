/* Hexadecimal text for byte strings: two digits per byte, high nibble
 * first. Encoding writes lowercase and a NUL, decoding refuses odd lengths,
 * non-digits and too small a buffer, and never writes on refusal. Canonical
 * formats (capsule hashes, key files) take lowercase only; HEX_ANY_CASE is
 * for formats that allow both (TOML escapes, test vectors). */
#ifndef NONOS_BASE_HEX_H
#define NONOS_BASE_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hex_case {
    HEX_LOWERCASE, /* 0-9 a-f */
    HEX_ANY_CASE,  /* 0-9 a-f A-F */
};

/* The value 0..15 of the digit c, or -1 when c is not one. */
int hex_digit_value(int c, enum hex_case accept);

/* Writes 2 * len digits and a NUL to out; false (nothing written) when
 * out_size is less than 2 * len + 1. */
bool hex_encode(const uint8_t *data, size_t len, char *out, size_t out_size);

/* Decodes the hex_len digits at hex into out and sets *out_len to
 * hex_len / 2; false (out untouched) on an odd length, a non-digit or
 * hex_len / 2 > out_size. */
bool hex_decode(const char *hex, size_t hex_len, enum hex_case accept,
                uint8_t *out, size_t out_size, size_t *out_len);

#endif
