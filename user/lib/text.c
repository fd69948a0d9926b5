/* Text into length-carrying buffers (text.h). Invariant: out->len <= out->cap
 * after every call; nothing is written at or past data[cap]. */
#include "text.h"

#include <stdarg.h>

#include "base/checked.h"
#include "kernel/lib/print.h"

struct byte_buffer text_buffer(char *storage, size_t cap)
{
    struct byte_buffer buffer = { (uint8_t *)storage, 0, cap };
    return buffer;
}

bool text_append(struct byte_buffer *out, const char *text, size_t len)
{
    size_t room = out->cap - out->len;
    size_t n = len < room ? len : room;
    for (size_t i = 0; i < n; i++)
        out->data[out->len + i] = (uint8_t)text[i];
    out->len += n;
    return n == len;
}

bool text_append_escaped(struct byte_buffer *out, const uint8_t *text, size_t len, bool lines)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        uint8_t c = text[i];
        char escape[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
        size_t n = 4;
        if (c == '\\') {
            escape[1] = '\\';
            n = 2;
        } else if ((c >= 0x20 && c <= 0x7e) || (lines && c == '\n')) {
            escape[0] = (char)c;
            n = 1;
        }
        if (out->cap - out->len < n)
            return false;
        for (size_t k = 0; k < n; k++)
            out->data[out->len++] = (uint8_t)escape[k];
    }
    return true;
}

bool text_printf(struct byte_buffer *out, const char *fmt, ...)
{
    size_t room = out->cap - out->len;
    va_list args;
    va_start(args, fmt);
    /* ksnprintf stores at most room - 1 characters and a NUL; the NUL is
     * not part of the text and the next append overwrites it. */
    size_t want = kvsnprintf((char *)out->data + out->len, room, fmt, args);
    va_end(args);
    if (want < room) {
        out->len += want;
        return true;
    }
    out->len += room > 0 ? room - 1 : 0;
    return false;
}

size_t text_length(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

bool text_same(const char *a, size_t a_length, const char *b, size_t b_length)
{
    if (a_length != b_length)
        return false;
    for (size_t i = 0; i < a_length; i++) {
        if (a[i] != b[i])
            return false;
    }
    return true;
}

bool text_equal(const char *a, size_t len, const char *b)
{
    for (size_t i = 0; i < len; i++) {
        if (b[i] == '\0' || a[i] != b[i])
            return false;
    }
    return b[len] == '\0';
}

bool text_parse_u64(const char *text, size_t len, uint64_t *out)
{
    uint64_t value = 0;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        if (!u64_mul(value, 10, &value) || !u64_add(value, (uint64_t)(text[i] - '0'), &value))
            return false;
    }
    *out = value;
    return true;
}
