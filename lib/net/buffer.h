/* Small helpers shared by the lib/net encoders: appending to a struct
 * byte_buffer with its capacity checked, and byte copies (memmove/memset: lib/base/mem.c in
 * freestanding builds). */
#ifndef NONOS_NET_BUFFER_H
#define NONOS_NET_BUFFER_H

#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"

/* Extends out by len bytes and returns where they start, or NULL (out
 * unchanged) when they do not fit. The bytes are not initialized. */
uint8_t *net_buffer_reserve(struct byte_buffer *out, size_t len);

/* Appends len bytes; false (out unchanged) when they do not fit. */
_Bool net_buffer_append(struct byte_buffer *out, const void *data, size_t len);

void net_copy(void *destination, const void *source, size_t len);
void net_zero(void *destination, size_t len);

#endif
