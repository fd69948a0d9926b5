/* Helpers shared by the stream-area host tests (tests/crypto/stream_*.c):
 * test inputs from hex or text, hex comparison. Test-only code (uses libc). */
#ifndef NONOS_TESTS_CRYPTO_STREAM_UTIL_H
#define NONOS_TESTS_CRYPTO_STREAM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int stream_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes a test input: "t:<text>" is ASCII text, anything else is hex
 * ("-" alone is empty). Aborts on a malformed input, which is a bug in the
 * test itself. Returns the byte count. */
__attribute__((unused))
static size_t stream_bytes(const char *spec, uint8_t *out, size_t cap)
{
    if (strncmp(spec, "t:", 2) == 0) {
        size_t n = strlen(spec + 2);
        if (n > cap)
            abort();
        memcpy(out, spec + 2, n);
        return n;
    }
    if (strcmp(spec, "-") == 0)
        return 0;
    size_t digits = strlen(spec);
    if (digits % 2 != 0 || digits / 2 > cap) {
        fprintf(stderr, "bad hex input: %s\n", spec);
        abort();
    }
    for (size_t i = 0; i < digits / 2; i++) {
        int high = stream_hex_digit(spec[2 * i]);
        int low = stream_hex_digit(spec[2 * i + 1]);
        if (high < 0 || low < 0) {
            fprintf(stderr, "bad hex input: %s\n", spec);
            abort();
        }
        out[i] = (uint8_t)(high << 4 | low);
    }
    return digits / 2;
}

/* True when got[0..len) equals the decoded spec. */
__attribute__((unused))
static bool stream_equal(const uint8_t *got, size_t len, const char *spec)
{
    static uint8_t want[4096];
    size_t n = stream_bytes(spec, want, sizeof want);
    return n == len && memcmp(got, want, len) == 0;
}

__attribute__((unused))
static void stream_print_hex(const char *label, const uint8_t *p, size_t len)
{
    fprintf(stderr, "%s: ", label);
    for (size_t i = 0; i < len; i++)
        fprintf(stderr, "%02x", p[i]);
    fputc('\n', stderr);
}

#endif
