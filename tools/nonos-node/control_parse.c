/* Parsing a control-socket command line (control_parse.h). Pure: no state,
 * no system calls. The checks run in a fixed order (framing, then bytes,
 * then words), which decides the error of a line with several faults; the
 * corpus in tests/corpus/node-control/ pins that order. */
#include "tools/nonos-node/control_parse.h"

#include <string.h>

/* A word: [start, end) of the line, end at the next space or the line's end. */
struct word {
    size_t start, end;
    int more; /* a space follows the word */
};

static struct word word_at(const uint8_t *line, size_t len, size_t start)
{
    const uint8_t *space = start < len ? memchr(line + start, ' ', len - start) : NULL;
    size_t end = space != NULL ? (size_t)(space - line) : len;
    return (struct word){ start, end, space != NULL };
}

static int word_is(const uint8_t *line, struct word word, const char *name)
{
    size_t n = strlen(name);
    return word.end - word.start == n && memcmp(line + word.start, name, n) == 0;
}

/* The line before its '\n' in *len, or a framing or byte error. */
static enum control_error line_frame(const uint8_t *input, size_t *len)
{
    size_t window = *len < CONTROL_LINE_MAX ? *len : CONTROL_LINE_MAX;
    const uint8_t *newline = window > 0 ? memchr(input, '\n', window) : NULL;
    if (newline == NULL)
        return *len >= CONTROL_LINE_MAX ? CONTROL_ERR_TOO_LONG : CONTROL_ERR_NO_NEWLINE;
    *len = (size_t)(newline - input);
    if (memchr(input, '\0', *len) != NULL)
        return CONTROL_ERR_NUL;
    for (size_t i = 0; i < *len; i++)
        if (input[i] < 0x20 || input[i] > 0x7e)
            return CONTROL_ERR_BYTE;
    return *len == 0 ? CONTROL_ERR_EMPTY : CONTROL_OK;
}

/* get KEY / put KEY VALUE, from the word after the command. */
static enum control_error key_value(const uint8_t *line, size_t len, struct word command,
                                    struct control_request *out)
{
    if (!command.more)
        return CONTROL_ERR_MISSING_KEY;
    struct word key = word_at(line, len, command.end + 1);
    if (key.end == key.start)
        return CONTROL_ERR_MISSING_KEY;
    if (key.end - key.start > CONTROL_KEY_MAX)
        return CONTROL_ERR_KEY_LONG;
    out->key = line + key.start;
    out->key_len = key.end - key.start;
    if (out->command == CONTROL_GET)
        return key.more ? CONTROL_ERR_EXTRA : CONTROL_OK;
    if (!key.more || key.end + 1 == len)
        return CONTROL_ERR_MISSING_VALUE;
    if (len - (key.end + 1) > CONTROL_VALUE_MAX)
        return CONTROL_ERR_VALUE_LONG;
    out->value = line + key.end + 1;
    out->value_len = len - (key.end + 1);
    return CONTROL_OK;
}

static enum control_error line_parse(const uint8_t *line, size_t len, struct control_request *out)
{
    struct word command = word_at(line, len, 0);
    if (word_is(line, command, "status")) {
        out->command = CONTROL_STATUS;
        return command.more ? CONTROL_ERR_EXTRA : CONTROL_OK;
    }
    if (word_is(line, command, "get"))
        out->command = CONTROL_GET;
    else if (word_is(line, command, "put"))
        out->command = CONTROL_PUT;
    else
        return CONTROL_ERR_UNKNOWN;
    return key_value(line, len, command, out);
}

enum control_error control_parse(const uint8_t *input, size_t len, struct control_request *out)
{
    *out = (struct control_request){ 0 };
    enum control_error error = line_frame(input, &len);
    if (error == CONTROL_OK)
        error = line_parse(input, len, out);
    if (error != CONTROL_OK)
        *out = (struct control_request){ 0 };
    return error;
}

const char *control_parse_message(enum control_error error)
{
    static const char *const messages[CONTROL_ERR_COUNT] = {
        [CONTROL_OK] = "ok",
        [CONTROL_ERR_NO_NEWLINE] = "no newline at the end of the command",
        [CONTROL_ERR_TOO_LONG] = "line too long (at most 512 bytes with its newline)",
        [CONTROL_ERR_NUL] = "NUL byte in the command",
        [CONTROL_ERR_BYTE] = "byte outside printable ASCII in the command",
        [CONTROL_ERR_EMPTY] = "empty command (status, put KEY VALUE, get KEY)",
        [CONTROL_ERR_UNKNOWN] = "unknown command (status, put KEY VALUE, get KEY)",
        [CONTROL_ERR_EXTRA] = "extra argument (status, put KEY VALUE, get KEY)",
        [CONTROL_ERR_MISSING_KEY] = "missing key (put KEY VALUE, get KEY)",
        [CONTROL_ERR_MISSING_VALUE] = "missing value (put KEY VALUE)",
        [CONTROL_ERR_KEY_LONG] = "key too long (at most 128 bytes)",
        [CONTROL_ERR_VALUE_LONG] = "value too long (at most 256 bytes)",
    };
    return (unsigned)error < CONTROL_ERR_COUNT ? messages[error] : "unknown error";
}

const char *control_parse_name(enum control_error error)
{
    static const char *const names[CONTROL_ERR_COUNT] = {
        [CONTROL_OK] = "CONTROL_OK",
        [CONTROL_ERR_NO_NEWLINE] = "CONTROL_ERR_NO_NEWLINE",
        [CONTROL_ERR_TOO_LONG] = "CONTROL_ERR_TOO_LONG",
        [CONTROL_ERR_NUL] = "CONTROL_ERR_NUL",
        [CONTROL_ERR_BYTE] = "CONTROL_ERR_BYTE",
        [CONTROL_ERR_EMPTY] = "CONTROL_ERR_EMPTY",
        [CONTROL_ERR_UNKNOWN] = "CONTROL_ERR_UNKNOWN",
        [CONTROL_ERR_EXTRA] = "CONTROL_ERR_EXTRA",
        [CONTROL_ERR_MISSING_KEY] = "CONTROL_ERR_MISSING_KEY",
        [CONTROL_ERR_MISSING_VALUE] = "CONTROL_ERR_MISSING_VALUE",
        [CONTROL_ERR_KEY_LONG] = "CONTROL_ERR_KEY_LONG",
        [CONTROL_ERR_VALUE_LONG] = "CONTROL_ERR_VALUE_LONG",
    };
    return (unsigned)error < CONTROL_ERR_COUNT ? names[error] : "CONTROL_ERR_?";
}
