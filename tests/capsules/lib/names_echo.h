/* What the name-service test capsules (tests/capsules/names-echo-*) share:
 * one line of output through the console capability (slot 0, write), text
 * then a signed decimal number. Header-only, copied into each capsule's
 * src/ (tests/capsules/test-bundle.sh). Freestanding: no libc. */
#ifndef NONOS_TEST_NAMES_ECHO_H
#define NONOS_TEST_NAMES_ECHO_H

#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/syscall.h>

static inline void say(const char *text, long value)
{
    char line[96];
    uint64_t n = 0;
    while (text[n] != '\0' && n < sizeof line - 24)
        line[n] = text[n], n++;
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    char digits[21];
    int d = 0;
    do
        digits[d++] = (char)('0' + magnitude % 10);
    while ((magnitude /= 10) != 0);
    if (value < 0)
        line[n++] = '-';
    while (d > 0)
        line[n++] = digits[--d];
    line[n++] = '\n';
    nonos_console_write(NONOS_SLOT_CONSOLE, line, n);
}

#endif
