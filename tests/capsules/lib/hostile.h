/* What every hostile test capsule shares (tests/capsules/, docs/kernel.md
 * "Hostile tests"): printing through the console capability (slot 0, write)
 * and small helpers, header-only so that each capsule's src/ gets it by
 * copy (tests/capsules/test-bundle.sh). Freestanding: no libc. */
#ifndef NONOS_HOSTILE_H
#define NONOS_HOSTILE_H

#include <stdbool.h>
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/capsule.h>
#include <nonos/error.h>
#include <nonos/syscall.h>

#include "hostile_slots.h"

static inline uint64_t hostile_length(const char *text)
{
    uint64_t n = 0;
    while (text[n] != '\0')
        n++;
    return n;
}

static inline void hostile_print(const char *text)
{
    nonos_console_write(NONOS_SLOT_CONSOLE, text, hostile_length(text));
}

/* Prints text followed by a signed decimal number and a newline. */
static inline void hostile_print_number(const char *text, long value)
{
    char digits[24];
    int n = (int)sizeof digits;
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    digits[--n] = '\n';
    do {
        digits[--n] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (value < 0)
        digits[--n] = '-';
    hostile_print(text);
    nonos_console_write(NONOS_SLOT_CONSOLE, digits + n, (uint64_t)(sizeof digits - (unsigned)n));
}

static inline void hostile_require_harness(const char *name)
{
    struct nonos_cap_info info;
    if (nonos_cap_identify(HOSTILE_SLOT_HARNESS, &info) == 0 && info.type == NONOS_OBJECT_PROCESS &&
        info.rights == 0)
        return;
    hostile_print(name);
    hostile_print(": a hostile test capsule, started outside the test harness: does nothing\n");
    nonos_exit(0);
}

/* xorshift64: the capsules' pseudo-random numbers (seeded from the clock). */
static inline uint64_t hostile_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* The n-th Fibonacci number (mod 2^64): work whose answer a capsule
 * knows in advance (fib(90) = 2880067194370816120), so a capsule that
 * keeps running can tell that its registers and memory still compute. */
static inline uint64_t hostile_fibonacci(uint64_t n)
{
    uint64_t a = 0, b = 1;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t t = a + b;
        a = b;
        b = t;
    }
    return a;
}

#endif
