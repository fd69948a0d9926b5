/* Overflow-checked size arithmetic.
 * Every size computed from outside input (lengths in a header, counts in a
 * manifest, offsets in a packet) is added and multiplied through these, which
 * report overflow instead of wrapping. They return true on success. */
#ifndef NONOS_BASE_CHECKED_H
#define NONOS_BASE_CHECKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline bool size_add(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

static inline bool size_mul(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

static inline bool u64_add(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

static inline bool u64_mul(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* True when [offset, offset + length) lies inside a buffer of `size` bytes. */
static inline bool range_fits(uint64_t offset, uint64_t length, uint64_t size)
{
    return offset <= size && length <= size - offset;
}

#endif
