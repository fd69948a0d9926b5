/* Small helpers shared by the hash-area host tests: hex decoding and
 * printing. Test-only code (uses libc). */
#ifndef NONOS_TESTS_CRYPTO_HASH_UTIL_H
#define NONOS_TESTS_CRYPTO_HASH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes the hex string `hex` into out (capacity cap); returns the byte
 * count, or -1 on a malformed string or too small a buffer. */
__attribute__((unused))
static long hex_decode(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

/* True when the len bytes at got equal the hex string want. */
__attribute__((unused))
static bool hex_equal(const uint8_t *got, size_t len, const char *want)
{
    uint8_t buf[1024];
    long n = hex_decode(want, buf, sizeof(buf));
    return n == (long)len && memcmp(buf, got, len) == 0;
}

__attribute__((unused))
static void hex_print(FILE *f, const char *label, const uint8_t *p, size_t len)
{
    fprintf(f, "%s: ", label);
    for (size_t i = 0; i < len; i++)
        fprintf(f, "%02x", p[i]);
    fputc('\n', f);
}

/* Builds a test input from a compact spec: "t:<text>" for ASCII text,
 * "x:<hex>" for hex bytes, "r:<hex byte>:<count>" for a repeated byte, and
 * "s:<first hex byte>:<count>" for the sequence first, first+1, ... (mod 256).
 * Returns the length, or aborts on a malformed spec (a bug in the test). */
__attribute__((unused))
static size_t spec_bytes(const char *spec, uint8_t *out, size_t cap)
{
    unsigned value = 0, count = 0;
    long n = -1;
    if (strncmp(spec, "t:", 2) == 0 && strlen(spec + 2) <= cap) {
        n = (long)strlen(spec + 2);
        memcpy(out, spec + 2, (size_t)n);
    } else if (strncmp(spec, "x:", 2) == 0) {
        n = hex_decode(spec + 2, out, cap);
    } else if ((spec[0] == 'r' || spec[0] == 's') &&
               sscanf(spec + 2, "%x:%u", &value, &count) == 2 && count <= cap) {
        for (unsigned i = 0; i < count; i++)
            out[i] = (uint8_t)(spec[0] == 'r' ? value : value + i);
        n = (long)count;
    }
    if (n < 0) {
        fprintf(stderr, "bad test input spec: %s\n", spec);
        abort();
    }
    return (size_t)n;
}

#endif
