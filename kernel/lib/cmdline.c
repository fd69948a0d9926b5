/* Boot command-line options (cmdline.h). Invariant: no byte at or past
 * text[size] is read, whatever the text holds. */
#include "kernel/lib/cmdline.h"

#include <stddef.h>

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Whether text[start..end) equals option (NUL-terminated). */
static bool token_is(const char *text, uint32_t start, uint32_t end, const char *option)
{
    uint32_t i = 0;
    while (start + i < end && option[i] != '\0' && text[start + i] == option[i])
        i++;
    return start + i == end && option[i] == '\0';
}

bool cmdline_has(const char *text, uint32_t size, const char *option)
{
    if (text == NULL || size > CMDLINE_MAX || option == NULL || option[0] == '\0')
        return false;
    uint32_t position = 0;
    while (position < size && text[position] != '\0') {
        while (position < size && blank(text[position]))
            position++;
        uint32_t start = position;
        while (position < size && text[position] != '\0' && !blank(text[position]))
            position++;
        if (position > start && token_is(text, start, position, option))
            return true;
    }
    return false;
}
