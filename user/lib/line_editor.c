/* The prompt's line editor (line_editor.h). */
#include "line_editor.h"

#include "text.h"

#define KEY_CTRL_C 0x03
#define KEY_BACKSPACE 0x08
#define KEY_CTRL_U 0x15
#define KEY_ESCAPE 0x1b
#define KEY_DELETE 0x7f
#define ESCAPE_LENGTH_MAX 8 /* parameters before the final byte, as the kernel's */

void line_editor_init(struct line_editor *editor, char *line, size_t cap)
{
    editor->line = line;
    editor->cap = cap;
    editor->last_was_return = false;
    line_editor_reset(editor);
}

void line_editor_reset(struct line_editor *editor)
{
    editor->len = 0;
    editor->escape = 0;
    editor->escape_length = 0;
    editor->line[0] = '\0';
}

static void erase(struct line_editor *editor, size_t count, struct byte_buffer *echo)
{
    for (size_t i = 0; i < count && editor->len > 0; i++) {
        editor->len--;
        text_append(echo, "\b \b", 3);
    }
}

/* Inside an escape sequence: true while the byte belongs to it. ESC
 * followed by anything but '[' or 'O' was a lone Esc key, and the byte
 * after it is ordinary input. */
static bool escape_consume(struct line_editor *editor, uint8_t byte)
{
    if (editor->escape == 1) {
        editor->escape = (byte == '[' || byte == 'O') ? 2 : 0;
        return editor->escape == 2;
    }
    editor->escape_length++;
    if ((byte >= 0x40 && byte <= 0x7e) || editor->escape_length >= ESCAPE_LENGTH_MAX)
        editor->escape = 0;
    return true;
}

static enum line_status finish(struct line_editor *editor, struct byte_buffer *echo)
{
    text_append(echo, "\n", 1);
    editor->line[editor->len] = '\0';
    return LINE_DONE;
}

enum line_status line_editor_feed(struct line_editor *editor, uint8_t byte, struct byte_buffer *echo)
{
    bool after_return = editor->last_was_return;
    editor->last_was_return = byte == '\r';
    if (editor->escape != 0 && escape_consume(editor, byte))
        return LINE_EDITING;
    if (byte == '\r' || (byte == '\n' && !after_return))
        return finish(editor, echo);
    if (byte == '\n') /* the second half of "\r\n" */
        return LINE_EDITING;
    if (byte == KEY_BACKSPACE || byte == KEY_DELETE) {
        erase(editor, 1, echo);
    } else if (byte == KEY_CTRL_U) {
        erase(editor, editor->len, echo);
    } else if (byte == KEY_CTRL_C) {
        text_append(echo, "^C\n", 3);
        line_editor_reset(editor);
        return LINE_CANCELLED;
    } else if (byte == KEY_ESCAPE) {
        editor->escape = 1;
        editor->escape_length = 0;
    } else if (byte >= ' ' && byte < KEY_DELETE && editor->len + 1 < editor->cap) {
        editor->line[editor->len++] = (char)byte;
        text_append(echo, (const char *)&editor->line[editor->len - 1], 1);
    }
    return LINE_EDITING;
}
