/* libFuzzer target for the kernel console's input: PS/2 scancode decoding
 * (kernel/console/keyboard.c) and the line editor's logic
 * (kernel/console/line_edit.c). The input is the layout of
 * tests/corpus/console-input/: a capacity byte (the line buffer's size),
 * then a stream that is run twice, once as typed bytes and once as
 * scancodes through keyboard_decode; the line starts again after each
 * Enter or ctrl-C. The buffer is exactly `capacity` bytes on the heap, so
 * ASan sees any write past it. After every byte abort() on: a line of
 * capacity bytes or more, no NUL after it, a stored byte that is not
 * printable ASCII, a line changed by a byte whose result says it was not,
 * an echo other than the one the result implies, a decoded character
 * outside ASCII, or an escape state past its bound. */
#include <stdlib.h>
#include <string.h>

#include "kernel/console/keyboard.h"
#include "kernel/console/line_edit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ECHO_MAX (3 * 256)

struct echo {
    char text[ECHO_MAX];
    size_t length;
};

static void echo_collect(void *context, const char *text, size_t length)
{
    struct echo *echo = context;
    if (length > sizeof echo->text - echo->length)
        abort(); /* more echo than erasing a whole 255-byte line gives */
    memcpy(echo->text + echo->length, text, length);
    echo->length += length;
}

static void check_line(const struct line_edit *edit)
{
    if (edit->capacity == 0) {
        if (edit->length != 0)
            abort();
        return;
    }
    if (edit->length >= edit->capacity || edit->line[edit->length] != '\0')
        abort();
    for (size_t i = 0; i < edit->length; i++)
        if (edit->line[i] < 0x20 || edit->line[i] > 0x7e)
            abort();
    if (edit->escape > 2 + LINE_EDIT_ESCAPE_MAX - 1)
        abort();
}

/* A TAKEN byte added one character (the byte itself, echoed) or erased
 * some (each echoed "\b \b"); the rest of the line is as it was. */
static void check_taken(const struct line_edit *edit, const char *before, size_t old, uint8_t byte,
                        const struct echo *echo)
{
    size_t kept = edit->length < old ? edit->length : old;
    if (memcmp(edit->line, before, kept) != 0)
        abort();
    if (edit->length == old + 1) {
        if (edit->line[old] != (char)byte || echo->length != 1 || echo->text[0] != (char)byte)
            abort();
        return;
    }
    if (edit->length >= old || echo->length != 3 * (old - edit->length))
        abort();
    for (size_t i = 0; i < echo->length; i += 3)
        if (memcmp(echo->text + i, "\b \b", 3) != 0)
            abort();
}

/* What one result allows the line and the echo to be. */
static void check_result(const struct line_edit *edit, enum line_edit_result result, const char *before,
                         size_t old, uint8_t byte, const struct echo *echo)
{
    switch (result) {
    case LINE_EDIT_TAKEN:
        check_taken(edit, before, old, byte, echo);
        return;
    case LINE_EDIT_DONE:
        if (echo->length != 1 || echo->text[0] != '\n')
            abort();
        break;
    case LINE_EDIT_CANCELLED:
        if (edit->length != 0 || echo->length != 3 || memcmp(echo->text, "^C\n", 3) != 0)
            abort();
        return;
    case LINE_EDIT_FULL:
        if (byte < 0x20 || byte > 0x7e || (edit->capacity > 0 && old + 1 != edit->capacity))
            abort();
        __attribute__((fallthrough));
    case LINE_EDIT_IGNORED:
    case LINE_EDIT_ESCAPE:
        if (echo->length != 0)
            abort();
        break;
    default:
        abort();
    }
    if (edit->length != old || memcmp(edit->line, before, old) != 0)
        abort();
}

static void edit_key(struct line_edit *edit, uint8_t byte)
{
    char before[256];
    struct echo *echo = edit->context;
    size_t old = edit->length;
    if (old > 0)
        memcpy(before, edit->line, old);
    echo->length = 0;
    enum line_edit_result result = line_edit_key(edit, byte);
    check_line(edit);
    check_result(edit, result, before, old, byte, echo);
    if (result == LINE_EDIT_DONE || result == LINE_EDIT_CANCELLED)
        line_edit_start(edit, edit->line, edit->capacity);
}

static void run(const uint8_t *stream, size_t size, size_t capacity, bool scancodes)
{
    static struct echo echo;
    struct keyboard_state keyboard = { 0 };
    struct line_edit edit = { .echo = echo_collect, .context = &echo };
    char *line = malloc(capacity); /* 0 bytes too: ASan flags any touch */
    if (line == NULL && capacity > 0)
        return;
    line_edit_start(&edit, line, capacity);
    check_line(&edit);
    for (size_t i = 0; i < size; i++) {
        int c = stream[i];
        if (scancodes) {
            c = keyboard_decode(&keyboard, stream[i]);
            if (c > 0x7f || c < -1 || c == 0 || keyboard.extended != (stream[i] == 0xe0))
                abort();
        }
        if (c >= 0)
            edit_key(&edit, (uint8_t)c);
    }
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    run(data + 1, size - 1, data[0], false);
    run(data + 1, size - 1, data[0], true);
    return 0;
}
