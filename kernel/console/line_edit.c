/* The console line editor's logic (line_edit.h): pure, no I/O, so that
 * the kernel shell's input can be tested and fuzzed on Linux. Every path
 * that writes the line checks length + 1 < capacity first, and every byte
 * that is stored is printable, so the line's invariants hold by
 * construction; echo goes out only for what changed the line. */
#include "kernel/console/line_edit.h"

#define KEY_CTRL_C 0x03
#define KEY_BACKSPACE 0x08
#define KEY_CTRL_U 0x15
#define KEY_ESCAPE 0x1b
#define KEY_DELETE 0x7f
#define ESCAPE_AFTER 1 /* edit->escape right after ESC */
#define ESCAPE_IN 2    /* edit->escape at the start of a sequence's body */

static void line_edit_echo(const struct line_edit *edit, const char *text, size_t length)
{
    if (edit->echo != NULL)
        edit->echo(edit->context, text, length);
}

void line_edit_start(struct line_edit *edit, char *line, size_t capacity)
{
    edit->line = line;
    edit->capacity = capacity;
    edit->length = 0;
    edit->escape = 0;
    if (capacity > 0)
        line[0] = '\0';
}

static enum line_edit_result line_edit_erase(struct line_edit *edit)
{
    if (edit->length == 0)
        return LINE_EDIT_IGNORED;
    edit->line[--edit->length] = '\0';
    line_edit_echo(edit, "\b \b", 3);
    return LINE_EDIT_TAKEN;
}

static enum line_edit_result line_edit_kill(struct line_edit *edit)
{
    if (edit->length == 0)
        return LINE_EDIT_IGNORED;
    while (edit->length > 0)
        (void)line_edit_erase(edit);
    return LINE_EDIT_TAKEN;
}

static enum line_edit_result line_edit_insert(struct line_edit *edit, uint8_t byte)
{
    if (edit->capacity == 0 || edit->length + 1 >= edit->capacity)
        return LINE_EDIT_FULL;
    char c = (char)byte;
    edit->line[edit->length++] = c;
    edit->line[edit->length] = '\0';
    line_edit_echo(edit, &c, 1);
    return LINE_EDIT_TAKEN;
}

/* Inside an escape sequence: true when the byte belongs to it (and is
 * skipped). A control byte or one past 0x7e is no part of a sequence: it
 * ends the sequence and is then taken as a key, so an Enter or ctrl-C
 * after a cut-off sequence is never lost. */
static bool line_edit_in_escape(struct line_edit *edit, uint8_t byte)
{
    if (edit->escape == ESCAPE_AFTER) {
        /* A lone Esc key: what follows it is an ordinary key. */
        edit->escape = byte == '[' || byte == 'O' ? ESCAPE_IN : 0;
        return edit->escape != 0;
    }
    if (byte < 0x20 || byte >= KEY_DELETE) {
        edit->escape = 0;
        return false;
    }
    /* Parameters, then a final byte 0x40..0x7e; at most LINE_EDIT_ESCAPE_MAX. */
    bool last = byte >= 0x40 || edit->escape - ESCAPE_IN + 1 >= LINE_EDIT_ESCAPE_MAX;
    edit->escape = last ? 0 : (uint8_t)(edit->escape + 1);
    return true;
}

enum line_edit_result line_edit_key(struct line_edit *edit, uint8_t byte)
{
    bool after_return = edit->after_return;
    edit->after_return = byte == '\r';
    if (byte == '\n' && after_return)
        return LINE_EDIT_IGNORED;
    if (byte == '\r')
        byte = '\n';
    if (edit->escape != 0 && line_edit_in_escape(edit, byte))
        return LINE_EDIT_ESCAPE;
    switch (byte) {
    case '\n':
        line_edit_echo(edit, "\n", 1);
        return LINE_EDIT_DONE;
    case KEY_BACKSPACE:
    case KEY_DELETE:
        return line_edit_erase(edit);
    case KEY_CTRL_U:
        return line_edit_kill(edit);
    case KEY_ESCAPE:
        edit->escape = ESCAPE_AFTER;
        return LINE_EDIT_ESCAPE;
    case KEY_CTRL_C:
        edit->length = 0;
        if (edit->capacity > 0)
            edit->line[0] = '\0';
        line_edit_echo(edit, "^C\n", 3);
        return LINE_EDIT_CANCELLED;
    default:
        if (byte >= ' ' && byte < KEY_DELETE)
            return line_edit_insert(edit, byte);
        return LINE_EDIT_IGNORED;
    }
}

const char *line_edit_result_name(enum line_edit_result result)
{
    static const char *const names[LINE_EDIT_RESULT_COUNT] = {
        [LINE_EDIT_TAKEN] = "LINE_EDIT_TAKEN",         [LINE_EDIT_IGNORED] = "LINE_EDIT_IGNORED",
        [LINE_EDIT_ESCAPE] = "LINE_EDIT_ESCAPE",       [LINE_EDIT_FULL] = "LINE_EDIT_FULL",
        [LINE_EDIT_DONE] = "LINE_EDIT_DONE",           [LINE_EDIT_CANCELLED] = "LINE_EDIT_CANCELLED",
    };
    if ((unsigned)result >= LINE_EDIT_RESULT_COUNT)
        return "LINE_EDIT_?";
    return names[result];
}
