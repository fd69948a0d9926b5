/* Appending to length-checked buffers (see buffer.h). */
#include "net/buffer.h"

#include "base/checked.h"

uint8_t *net_buffer_reserve(struct byte_buffer *out, size_t len)
{
    if (out->data == NULL || !range_fits(out->len, len, out->cap))
        return NULL;
    uint8_t *start = out->data + out->len;
    out->len += len;
    return start;
}

_Bool net_buffer_append(struct byte_buffer *out, const void *data, size_t len)
{
    uint8_t *start = net_buffer_reserve(out, len);
    if (start == NULL)
        return 0;
    net_copy(start, data, len);
    return 1;
}

void net_copy(void *destination, const void *source, size_t len)
{
    if (len != 0)
        __builtin_memmove(destination, source, len);
}

void net_zero(void *destination, size_t len)
{
    if (len != 0)
        __builtin_memset(destination, 0, len);
}
