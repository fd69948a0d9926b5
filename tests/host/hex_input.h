/* Test inputs written as text, shared by the host tests of lib/crypto
 * (hash, stream and curve areas). Test-only code (uses libc); the hex itself
 * is lib/base/hex.c, so link $(BASE_SRCS). A spec is one of
 *   "t:<text>"         the ASCII text
 *   "x:<hex>" or <hex>  hex bytes, either case ("-" alone is empty)
 *   "r:<hex byte>:<n>" the byte repeated n times
 *   "s:<hex byte>:<n>" the sequence byte, byte+1, ... (mod 256), n bytes
 * A malformed spec or too small a buffer is a bug in the test: the helpers
 * that return a count abort on it, hex_input_decode reports it as -1. */
#ifndef NONOS_TESTS_HOST_HEX_INPUT_H
#define NONOS_TESTS_HOST_HEX_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hex.h"

/* Decodes spec into out (capacity cap); returns the byte count, or -1 when
 * the spec is malformed or does not fit. */
__attribute__((unused))
static long hex_input_decode(const char *spec, uint8_t *out, size_t cap)
{
    unsigned value = 0, count = 0;
    size_t n = 0;
    if (strcmp(spec, "-") == 0)
        return 0;
    if (strncmp(spec, "t:", 2) == 0) {
        n = strlen(spec + 2);
        if (n > cap)
            return -1;
        memcpy(out, spec + 2, n);
        return (long)n;
    }
    if ((strncmp(spec, "r:", 2) == 0 || strncmp(spec, "s:", 2) == 0)) {
        if (sscanf(spec + 2, "%x:%u", &value, &count) != 2 || count > cap)
            return -1;
        for (unsigned i = 0; i < count; i++)
            out[i] = (uint8_t)(spec[0] == 'r' ? value : value + i);
        return (long)count;
    }
    if (strncmp(spec, "x:", 2) == 0)
        spec += 2;
    if (!hex_decode(spec, strlen(spec), HEX_ANY_CASE, out, cap, &n))
        return -1;
    return (long)n;
}

/* hex_input_decode that aborts on a malformed spec; returns the count. */
__attribute__((unused))
static size_t hex_input_bytes(const char *spec, uint8_t *out, size_t cap)
{
    long n = hex_input_decode(spec, out, cap);
    if (n < 0) {
        fprintf(stderr, "bad test input spec: %s\n", spec);
        abort();
    }
    return (size_t)n;
}

/* True when got[0..len) equals the bytes of spec. */
__attribute__((unused))
static bool hex_input_equal(const uint8_t *got, size_t len, const char *spec)
{
    static uint8_t want[4096];
    size_t n = hex_input_bytes(spec, want, sizeof want);
    return n == len && memcmp(got, want, len) == 0;
}

/* Prints "label: <hex>" to stderr, to make a failure replayable. */
__attribute__((unused))
static void hex_input_print(const char *label, const uint8_t *p, size_t len)
{
    fprintf(stderr, "%s: ", label);
    for (size_t i = 0; i < len; i++)
        fprintf(stderr, "%02x", p[i]);
    fputc('\n', stderr);
}

#endif
