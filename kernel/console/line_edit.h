/* The console line editor's logic, without I/O: one input byte at a time
 * in, the line and its echo out, with an explicit result for every byte.
 * console_read_line (console.c) feeds it the bytes it polls from serial
 * and the keyboard; the same code runs on Linux (tests/kernel/
 * console_input_test.c, the corpus tests/corpus/console-input/ and the
 * fuzz target tests/fuzz/fuzz_console_input.c).
 *
 * Invariants after every byte: length < capacity (when capacity > 0),
 * line[length] == '\0', line[0..length) holds only printable ASCII
 * (0x20..0x7e), and nothing outside line[0..capacity) is written. Echo is
 * printable ASCII, "\b \b" (one erased character), "^C\n" or "\n".
 * A terminal's "\r\n" is one Enter (after_return lasts across lines). */
#ifndef NONOS_CONSOLE_LINE_EDIT_H
#define NONOS_CONSOLE_LINE_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum line_edit_result {
    LINE_EDIT_TAKEN,     /* the line changed: a character added or erased */
    LINE_EDIT_IGNORED,   /* no effect: a control byte, NUL, a byte >= 0x80, an erase on
                            an empty line, the "\n" of "\r\n" */
    LINE_EDIT_ESCAPE,    /* part of a terminal escape sequence (ESC [ ..., ESC O ...), skipped */
    LINE_EDIT_FULL,      /* a printable character refused: the line holds capacity - 1 */
    LINE_EDIT_DONE,      /* Enter: the line is complete */
    LINE_EDIT_CANCELLED, /* ctrl-C: the line is abandoned and empty */
    LINE_EDIT_RESULT_COUNT
};

/* Longest escape sequence skipped after ESC [ or ESC O, final byte included. */
#define LINE_EDIT_ESCAPE_MAX 8

struct line_edit {
    char *line;
    size_t capacity; /* bytes of line, the NUL included; 0: every character is refused */
    size_t length;
    void (*echo)(void *context, const char *text, size_t length); /* may be NULL */
    void *context;
    bool after_return; /* the previous byte was "\r" */
    uint8_t escape;    /* 0: none; 1: after ESC; 2 + n: n bytes into ESC [ or ESC O */
};

/* Starts an empty line in line[0..capacity). Keeps echo, context and
 * after_return. Call it again after LINE_EDIT_DONE or LINE_EDIT_CANCELLED. */
void line_edit_start(struct line_edit *edit, char *line, size_t capacity);

/* Takes one input byte, as serial or keyboard_decode gives it. */
enum line_edit_result line_edit_key(struct line_edit *edit, uint8_t byte);

/* "LINE_EDIT_TAKEN", ...; "LINE_EDIT_?" for a value out of range. */
const char *line_edit_result_name(enum line_edit_result result);

#endif
