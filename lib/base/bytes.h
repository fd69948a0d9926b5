/* Buffers that carry their lengths.
 * `struct bytes` is a read-only view; `struct byte_buffer` is a writable
 * region with a capacity and a fill level. Functions that consume outside
 * input take these instead of bare pointers, so every read is bounded. */
#ifndef NONOS_BASE_BYTES_H
#define NONOS_BASE_BYTES_H

#include <stddef.h>
#include <stdint.h>

struct bytes {
    const uint8_t *data;
    size_t len;
};

struct byte_buffer {
    uint8_t *data;
    size_t len; /* bytes written so far */
    size_t cap; /* bytes available at data */
};

static inline struct bytes bytes_make(const void *data, size_t len)
{
    struct bytes b = { (const uint8_t *)data, len };
    return b;
}

#endif
