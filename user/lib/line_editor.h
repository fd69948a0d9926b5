/* The prompt's line editor, as a pure state machine (no system calls):
 * the caller feeds it each byte read from the console and writes out the
 * echo it produces. It behaves like the kernel console's editor
 * (kernel/console/console.c): printable ASCII is inserted and echoed,
 * Backspace and DEL erase one character ("\b \b"), Ctrl-U erases the line,
 * Ctrl-C cancels it ("^C"), Enter ends it, whether the terminal sends "\r",
 * "\n" or "\r\n" (one line each), and terminal escape sequences (arrow
 * keys: ESC [ A, ESC O P, ...) are skipped instead of inserted.
 *
 * Invariant: len < cap, so the finished line always has room for its NUL. */
#ifndef NONOS_USER_LINE_EDITOR_H
#define NONOS_USER_LINE_EDITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"

enum line_status { LINE_EDITING, LINE_DONE, LINE_CANCELLED };

struct line_editor {
    char *line;
    size_t cap;           /* bytes at line, >= 1 */
    size_t len;           /* characters typed so far */
    bool last_was_return; /* the previous byte was '\r': drop a '\n' next */
    uint8_t escape;       /* 0 none, 1 after ESC, 2 inside a sequence */
    uint8_t escape_length;
};

/* Longest echo one byte can produce (Ctrl-U erases the whole line). */
#define LINE_ECHO_MAX(cap) (3 * (cap) + 4)

void line_editor_init(struct line_editor *editor, char *line, size_t cap);

/* Starts a new, empty line (keeps the "\r\n" state across lines). */
void line_editor_reset(struct line_editor *editor);

/* Takes one input byte and appends its echo to echo (whose capacity should
 * be LINE_ECHO_MAX(cap); echo that does not fit is dropped). On LINE_DONE
 * the line is line[0..len) followed by a NUL; on LINE_CANCELLED it is
 * empty. Either way the caller resets the editor before the next line. */
enum line_status line_editor_feed(struct line_editor *editor, uint8_t byte, struct byte_buffer *echo);

#endif
