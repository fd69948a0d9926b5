/* The shell's command lines (parse.h). */
#include "parse.h"

#include "nonos/abi.h"
#include "text.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

struct shell_words shell_split(const char *line, size_t length)
{
    struct shell_words words;
    size_t start = 0;
    while (start < length && is_blank(line[start]))
        start++;
    size_t end = start;
    while (end < length && !is_blank(line[end]))
        end++;
    words.command = line + start;
    words.command_length = end - start;
    while (end < length && is_blank(line[end]))
        end++;
    size_t last = length;
    while (last > end && is_blank(line[last - 1]))
        last--;
    words.arguments = line + end;
    words.arguments_length = last - end;
    return words;
}

bool shell_parse_id(const char *arguments, size_t length, uint64_t *id)
{
    return text_parse_u64(arguments, length, id);
}

bool shell_parse_name(const char *arguments, size_t length)
{
    if (length == 0 || length > NONOS_NAME_MAX)
        return false;
    for (size_t i = 0; i < length; i++) {
        if (is_blank(arguments[i]))
            return false;
    }
    return true;
}
