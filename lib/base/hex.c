/* Hexadecimal encoding and decoding (see hex.h). Portable and freestanding:
 * the kernel, lib/capsule and the host tools share this one copy. */
#include "base/hex.h"

int hex_digit_value(int c, enum hex_case accept)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (accept == HEX_ANY_CASE && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool hex_encode(const uint8_t *data, size_t len, char *out, size_t out_size)
{
    static const char digits[] = "0123456789abcdef";
    if (out_size == 0 || len > (out_size - 1) / 2)
        return false;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * len] = '\0';
    return true;
}

bool hex_decode(const char *hex, size_t hex_len, enum hex_case accept,
                uint8_t *out, size_t out_size, size_t *out_len)
{
    if (hex_len % 2 != 0 || hex_len / 2 > out_size)
        return false;
    /* Check every digit first, so that a refused input changes nothing. */
    for (size_t i = 0; i < hex_len; i++) {
        if (hex_digit_value((unsigned char)hex[i], accept) < 0)
            return false;
    }
    for (size_t i = 0; i < hex_len / 2; i++) {
        /* Both are 0..15 (checked above); unsigned keeps the shift defined
         * for a reader, and the analyzer, that cannot see that. */
        unsigned high = (unsigned)hex_digit_value((unsigned char)hex[2 * i], accept);
        unsigned low = (unsigned)hex_digit_value((unsigned char)hex[2 * i + 1], accept);
        out[i] = (uint8_t)(high << 4 | low);
    }
    *out_len = hex_len / 2;
    return true;
}
