/* Host tests of the kernel console's input under ASan + UBSan: the line
 * editor's logic (kernel/console/line_edit.c) byte by byte with its exact
 * echo, and the committed corpus tests/corpus/console-input/ of hostile
 * keyboard and terminal input, each case with the exact result and line
 * it must give (tests/host/expected_corpus.h).
 *
 * A corpus input is one capacity byte (the line buffer's size, NUL
 * included; the kernel shell's is 128), then the stream:
 *   typed/<case>     bytes as the UART hands them to the editor
 *   scancode/<case>  PS/2 set-1 scancodes, through keyboard_decode (from
 *                    the power-on state) and then to the editor
 * The replay stops at the first line end (Enter or ctrl-C). Its result is
 * the editor's result for the last byte it took, or NO_CHARACTER when no
 * byte reached it; the column is the line then (printable bytes as they
 * are, a space or a backslash as \xHH, "-" for an empty line).
 * usage: console_input_test                     directed cases
 *        console_input_test --write DIR | --check DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console/keyboard.h"
#include "kernel/console/line_edit.h"
#include "tests/host/expected_corpus.h"
#include "tests/host/test.h"

#define NO_CHARACTER LINE_EDIT_RESULT_COUNT
#define SHELL_LINE 128 /* kernel/shell/shell.c's SHELL_LINE_MAX */
#define ECHO_MAX 4096

struct echo {
    char text[ECHO_MAX];
    size_t length;
};

static void echo_collect(void *context, const char *text, size_t length)
{
    struct echo *echo = context;
    if (length > sizeof echo->text - echo->length)
        abort(); /* a test sized its echo too small */
    memcpy(echo->text + echo->length, text, length);
    echo->length += length;
}

/* Feeds bytes to edit; returns the last result, stopping at a line end. */
static enum line_edit_result feed(struct line_edit *edit, const char *bytes, size_t count)
{
    enum line_edit_result result = LINE_EDIT_IGNORED;
    for (size_t i = 0; i < count; i++) {
        result = line_edit_key(edit, (uint8_t)bytes[i]);
        if (result == LINE_EDIT_DONE || result == LINE_EDIT_CANCELLED)
            break;
    }
    return result;
}

static bool echo_is(const struct echo *echo, const char *text)
{
    return echo->length == strlen(text) && memcmp(echo->text, text, echo->length) == 0;
}

static void test_edit_echo(void)
{
    struct echo echo = { .length = 0 };
    struct line_edit edit = { .echo = echo_collect, .context = &echo };
    char line[SHELL_LINE];
    line_edit_start(&edit, line, sizeof line);
    enum line_edit_result r = feed(&edit, "ab\x7f" "c\x08" "d\r", 7);
    test_check(r == LINE_EDIT_DONE && strcmp(line, "ad") == 0 && echo_is(&echo, "ab\b \bc\b \bd\n"),
               "line edit: DEL and backspace erase one character each, echoed \"\\b \\b\"");
    echo.length = 0;
    line_edit_start(&edit, line, sizeof line);
    test_check(line_edit_key(&edit, '\n') == LINE_EDIT_IGNORED && echo.length == 0,
               "line edit: the \"\\n\" of \"\\r\\n\" is dropped at the next line's start");
    r = feed(&edit, "abc\x15xy\x03", 7);
    test_check(r == LINE_EDIT_CANCELLED && edit.length == 0 && line[0] == '\0' &&
                   echo_is(&echo, "abc\b \b\b \b\b \bxy^C\n"),
               "line edit: ctrl-U erases the line, ctrl-C abandons it with \"^C\\n\"");
}

/* The shell's 128-byte line: 127 characters kept, the rest refused without echo. */
static void test_edit_full(void)
{
    struct echo echo = { .length = 0 };
    struct line_edit edit = { .echo = echo_collect, .context = &echo };
    char line[SHELL_LINE + 1];
    memset(line, 'Z', sizeof line);
    line_edit_start(&edit, line, SHELL_LINE);
    int full = 0;
    for (int i = 0; i < 200; i++)
        full += line_edit_key(&edit, 'x') == LINE_EDIT_FULL;
    bool kept = edit.length == SHELL_LINE - 1 && strspn(line, "x") == SHELL_LINE - 1 &&
                line[SHELL_LINE - 1] == '\0' && line[SHELL_LINE] == 'Z';
    test_check(kept && full == 200 - (SHELL_LINE - 1) && echo.length == SHELL_LINE - 1 &&
                   line_edit_key(&edit, '\r') == LINE_EDIT_DONE,
               "line edit: 200 characters into 128 bytes keep 127, refuse %d, write no byte past", full);
    line_edit_start(&edit, NULL, 0);
    test_check(line_edit_key(&edit, 'a') == LINE_EDIT_FULL && line_edit_key(&edit, '\x7f') == LINE_EDIT_IGNORED &&
                   line_edit_key(&edit, '\x03') == LINE_EDIT_CANCELLED && edit.length == 0,
               "line edit: a 0-byte line refuses every character and writes nothing (ASan-checked)");
}

/* What each of the 256 byte values does to an empty line. */
static void test_edit_every_byte(void)
{
    int wrong = 0;
    for (int byte = 0; byte < 256; byte++) {
        struct line_edit edit = { .echo = NULL };
        char line[4];
        line_edit_start(&edit, line, sizeof line);
        enum line_edit_result want = LINE_EDIT_IGNORED;
        if (byte >= 0x20 && byte <= 0x7e)
            want = LINE_EDIT_TAKEN;
        else if (byte == '\r' || byte == '\n')
            want = LINE_EDIT_DONE;
        else if (byte == 0x03)
            want = LINE_EDIT_CANCELLED;
        else if (byte == 0x1b)
            want = LINE_EDIT_ESCAPE;
        enum line_edit_result got = line_edit_key(&edit, (uint8_t)byte);
        if (got != want || edit.length != (want == LINE_EDIT_TAKEN ? 1u : 0u)) {
            fprintf(stderr, "byte 0x%02x: %s\n", byte, line_edit_result_name(got));
            wrong++;
        }
    }
    test_check(wrong == 0, "line edit: each of the 256 byte values on an empty line (%d wrong)", wrong);
}

/* Escape sequences: skipped up to their final byte or 8 bytes; a control
 * byte ends one early and is taken as a key (the Enter is not lost). */
static void test_edit_escape(void)
{
    struct line_edit edit = { .echo = NULL };
    char line[16];
    line_edit_start(&edit, line, sizeof line);
    enum line_edit_result r = feed(&edit, "\x1b[1;5Ax\x1bOPy\x1bz\r", 14);
    test_check(r == LINE_EDIT_DONE && strcmp(line, "xyz") == 0,
               "line edit: ESC [ 1 ; 5 A and ESC O P skipped, a lone Esc keeps the next key: %s", line);
    line_edit_start(&edit, line, sizeof line);
    r = feed(&edit, "\x1b[123456789\r", 12);
    test_check(r == LINE_EDIT_DONE && strcmp(line, "9") == 0,
               "line edit: an escape sequence ends after 8 bytes: %s", line);
    line_edit_start(&edit, line, sizeof line);
    r = feed(&edit, "a\x1b[1\rb", 6);
    test_check(r == LINE_EDIT_DONE && strcmp(line, "a") == 0 && edit.escape == 0,
               "line edit: Enter inside an escape sequence ends it and the line");
}

/* The corpus. */

static struct expected_corpus corpus;

static const char *result_name(int result)
{
    return result == NO_CHARACTER ? "NO_CHARACTER" : line_edit_result_name((enum line_edit_result)result);
}

/* The line as the column shows it; false when it does not fit. */
static bool column_write(const char *line, size_t length, char *column, size_t column_size)
{
    size_t at = 0;
    if (length == 0)
        return snprintf(column, column_size, "-") < (int)column_size;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)line[i];
        bool plain = c > 0x20 && c < 0x7f && c != '\\';
        int n = plain ? snprintf(column + at, column_size - at, "%c", c)
                      : snprintf(column + at, column_size - at, "\\x%02x", c);
        if (n < 0 || (size_t)n >= column_size - at)
            return false;
        at += (size_t)n;
    }
    return true;
}

static bool replay(const char *name, const uint8_t *input, size_t size, int *result, char *column,
                   size_t column_size)
{
    bool scancodes = strncmp(name, "scancode/", 9) == 0;
    struct keyboard_state keyboard = { 0 };
    struct line_edit edit = { .echo = NULL };
    char line[256];
    line_edit_start(&edit, line, size > 0 ? input[0] : 0);
    *result = NO_CHARACTER;
    for (size_t i = 1; i < size && *result != LINE_EDIT_DONE && *result != LINE_EDIT_CANCELLED; i++) {
        int c = scancodes ? keyboard_decode(&keyboard, input[i]) : input[i];
        if (c >= 0)
            *result = (int)line_edit_key(&edit, (uint8_t)c);
    }
    if (!column_write(line, edit.length, column, column_size)) {
        fprintf(stderr, "%s: a %zu-byte line does not fit the column\n", name, edit.length);
        return false;
    }
    return scancodes || strncmp(name, "typed/", 6) == 0;
}

/* A case: capacity, then `length` bytes of `bytes`. */
static struct expected_case *add(const char *name, const char *what, uint8_t capacity, const void *bytes,
                                 size_t length, int expected, const char *column)
{
    struct expected_case *c = expected_corpus_add(&corpus, name, what, length + 1, expected);
    c->data[0] = capacity;
    memcpy(c->data + 1, bytes, length);
    c->length = length + 1;
    snprintf(c->column, sizeof c->column, "%s", column);
    return c;
}

#define TYPED(name, what, capacity, text, expected, column) \
    add("typed/" name, what, capacity, text, sizeof text - 1, expected, column)
#define SCAN(name, what, capacity, expected, column, ...)                                       \
    do {                                                                                        \
        static const uint8_t codes[] = { __VA_ARGS__ };                                         \
        add("scancode/" name, what, capacity, codes, sizeof codes, expected, column);           \
    } while (0)

static void generate_typed(void)
{
    TYPED("line", "a command and Enter (\\r)", SHELL_LINE, "help\r", LINE_EDIT_DONE, "help");
    TYPED("newline", "Enter as \\n", SHELL_LINE, "mem\n", LINE_EDIT_DONE, "mem");
    TYPED("open", "no Enter yet", SHELL_LINE, "abc", LINE_EDIT_TAKEN, "abc");
    TYPED("nothing", "the capacity byte alone", SHELL_LINE, "", NO_CHARACTER, "-");
    add("typed/no-capacity", "an empty file: capacity 0, no byte", 0, "", 0, NO_CHARACTER, "-")->length = 0;
    TYPED("space-backslash", "a space and a backslash are kept", SHELL_LINE, "a b\\c\r", LINE_EDIT_DONE,
          "a\\x20b\\x5cc");
    TYPED("backspace-at-start", "backspace on an empty line", SHELL_LINE, "\b", LINE_EDIT_IGNORED, "-");
    TYPED("delete-at-start", "DEL twice on an empty line, then edits", SHELL_LINE, "\x7f\x7f" "ab\x7f" "c\r",
          LINE_EDIT_DONE, "ac");
    TYPED("erase-last", "backspace erases the last character", SHELL_LINE, "ab\b", LINE_EDIT_TAKEN, "a");
    TYPED("too-long", "10 characters into 8 bytes", 8, "abcdefghij", LINE_EDIT_FULL, "abcdefg");
    TYPED("too-long-enter", "10 characters into 8 bytes, then Enter", 8, "abcdefghij\r", LINE_EDIT_DONE,
          "abcdefg");
    TYPED("full-then-erase", "a full line takes a character after an erase", 4, "abcd\x7fz", LINE_EDIT_TAKEN,
          "abz");
    TYPED("capacity-1", "room for the NUL only", 1, "a", LINE_EDIT_FULL, "-");
    TYPED("capacity-0", "no room at all", 0, "a", LINE_EDIT_FULL, "-");
    TYPED("nul", "NUL bytes inside a line are dropped", SHELL_LINE, "a\0b\r", LINE_EDIT_DONE, "ab");
    TYPED("nul-only", "a NUL alone", SHELL_LINE, "\0", LINE_EDIT_IGNORED, "-");
    TYPED("tab", "a tab is not taken", SHELL_LINE, "\t", LINE_EDIT_IGNORED, "-");
    TYPED("controls", "every other control byte, then text", SHELL_LINE,
          "\x01\x02\x04\x05\x06\x07\t\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x16\x17\x18\x19\x1a\x1c\x1d\x1e\x1fok\r",
          LINE_EDIT_DONE, "ok");
    TYPED("utf-8", "UTF-8 and Latin-1 bytes are refused", SHELL_LINE, "\xc3\xa9t\xe9\r", LINE_EDIT_DONE, "t");
    TYPED("ctrl-c-mid-line", "ctrl-C abandons the line; the rest is not read", SHELL_LINE, "abc\x03" "def\r",
          LINE_EDIT_CANCELLED, "-");
    TYPED("ctrl-u", "ctrl-U kills the line, typing goes on", SHELL_LINE, "abc\x15xy\r", LINE_EDIT_DONE, "xy");
    TYPED("ctrl-u-empty", "ctrl-U on an empty line", SHELL_LINE, "\x15", LINE_EDIT_IGNORED, "-");
    TYPED("escape-arrow", "an arrow key (ESC [ A) is skipped", SHELL_LINE, "ab\x1b[Ac\r", LINE_EDIT_DONE, "abc");
    TYPED("escape-ss3", "F1 (ESC O P) is skipped", SHELL_LINE, "\x1bOPz\r", LINE_EDIT_DONE, "z");
    TYPED("escape-lone", "a lone Esc keeps the next key", SHELL_LINE, "\x1bx\r", LINE_EDIT_DONE, "x");
    TYPED("escape-twice", "Esc, then ESC [ B", SHELL_LINE, "\x1b\x1b[Bq\r", LINE_EDIT_DONE, "q");
    TYPED("escape-cut-by-enter", "Enter inside a sequence ends it and the line", SHELL_LINE, "ab\x1b[1;\r",
          LINE_EDIT_DONE, "ab");
    TYPED("escape-cut-by-ctrl-c", "ctrl-C inside a sequence cancels", SHELL_LINE, "ab\x1b[2\x03",
          LINE_EDIT_CANCELLED, "-");
    TYPED("escape-long", "a sequence ends after 8 bytes", SHELL_LINE, "\x1b[123456789\r", LINE_EDIT_DONE, "9");
    TYPED("escape-unfinished", "input ends inside a sequence", SHELL_LINE, "\x1b[12", LINE_EDIT_ESCAPE, "-");
    TYPED("escape-high", "a byte >= 0x80 ends a sequence and is refused", SHELL_LINE, "\x1b[\xff" "A\r",
          LINE_EDIT_DONE, "A");
}

static void generate_high(void)
{
    uint8_t high[129];
    for (int i = 0; i < 128; i++)
        high[i] = (uint8_t)(0x80 + i);
    high[128] = '\r';
    add("typed/every-high-byte", "each byte 0x80..0xff, then Enter", SHELL_LINE, high, sizeof high, LINE_EDIT_DONE,
        "-");
    uint8_t releases[130];
    memcpy(releases, high, 128);
    releases[128] = 0x1e; /* a */
    releases[129] = 0x1c; /* Enter */
    add("scancode/every-release", "each code 0x80..0xff (releases, 0xe0, 0xe1), then a, Enter", SHELL_LINE,
        releases, sizeof releases, LINE_EDIT_DONE, "a");
    add("scancode/releases-only", "each code 0x80..0xff", SHELL_LINE, releases, 128, NO_CHARACTER, "-");
    uint8_t prefixes[1003];
    memset(prefixes, 0xe0, 1000);
    prefixes[1000] = 0x1e; /* taken as an extended key: nothing */
    prefixes[1001] = 0x1e;
    prefixes[1002] = 0x1c;
    add("scancode/extended-endless", "1000 0xe0 prefixes, a twice (the first extended), Enter", SHELL_LINE,
        prefixes, sizeof prefixes, LINE_EDIT_DONE, "a");
    add("scancode/extended-only", "1000 0xe0 prefixes", SHELL_LINE, prefixes, 1000, NO_CHARACTER, "-");
    uint8_t makes[128];
    for (int i = 0; i < 128; i++)
        makes[i] = (uint8_t)i;
    add("scancode/every-make", "each code 0x00..0x7f pressed, none released: Esc, 1 kept, = erased",
        SHELL_LINE, makes, sizeof makes, LINE_EDIT_DONE, "1234567890-qwertyuiop[]");
    add("scancode/every-make-after-enter", "each code 0x1d..0x7f pressed: ctrl held, ctrl+J is Enter",
        SHELL_LINE, makes + 0x1d, sizeof makes - 0x1d, LINE_EDIT_DONE, "-");
}

static void generate_scancodes(void)
{
    SCAN("help", "h e l p, each pressed and released, Enter", SHELL_LINE, LINE_EDIT_DONE, "help", 0x23, 0xa3,
         0x12, 0x92, 0x26, 0xa6, 0x19, 0x99, 0x1c, 0x9c);
    SCAN("shift", "shift+a, then a", SHELL_LINE, LINE_EDIT_DONE, "Aa", 0x2a, 0x1e, 0x9e, 0xaa, 0x1e, 0x9e, 0x1c);
    SCAN("caps-lock", "caps lock on: a, then shift+a", SHELL_LINE, LINE_EDIT_DONE, "Aa", 0x3a, 0xba, 0x1e, 0x2a,
         0x1e, 0xaa, 0x1c);
    add("scancode/nothing", "the capacity byte alone", SHELL_LINE, "", 0, NO_CHARACTER, "-");
    SCAN("backspace-at-start", "Backspace on an empty line", SHELL_LINE, LINE_EDIT_IGNORED, "-", 0x0e, 0x8e);
    SCAN("ctrl-c-mid-line", "a, ctrl+C, then a and Enter not read", SHELL_LINE, LINE_EDIT_CANCELLED, "-", 0x1e,
         0x9e, 0x1d, 0x2e, 0xae, 0x9d, 0x1e, 0x1c);
    SCAN("right-ctrl-c", "right ctrl (0xe0 0x1d) + C", SHELL_LINE, LINE_EDIT_CANCELLED, "-", 0x1e, 0xe0, 0x1d,
         0x2e);
    SCAN("ctrl-letters", "ctrl+A, S, D: control bytes, refused", SHELL_LINE, LINE_EDIT_IGNORED, "-", 0x1d, 0x1e,
         0x1f, 0x20);
    SCAN("ctrl-h", "a, then ctrl+H erases it", SHELL_LINE, LINE_EDIT_TAKEN, "-", 0x1e, 0x1d, 0x23);
    SCAN("tab", "Tab is not taken", SHELL_LINE, LINE_EDIT_IGNORED, "-", 0x0f, 0x8f);
    SCAN("esc-key-bracket", "Esc, [ and a: read as ESC [ a and skipped", SHELL_LINE, LINE_EDIT_DONE, "-", 0x01,
         0x81, 0x1a, 0x9a, 0x1e, 0x9e, 0x1c);
    SCAN("unknown-keys", "F1, F12, unknown codes 0x59 and 0x7f, pressed and released, then a", SHELL_LINE,
         LINE_EDIT_DONE, "a", 0x3b, 0xbb, 0x58, 0xd8, 0x59, 0xd9, 0x7f, 0xff, 0x1e, 0x9e, 0x1c);
    SCAN("controller-bytes", "ACK, self-test passed, resend, echo, errors", SHELL_LINE, NO_CHARACTER, "-", 0xfa,
         0xaa, 0xfe, 0xee, 0x00, 0xff);
    SCAN("keypad-enter", "keypad Enter (0xe0 0x1c) is not mapped", SHELL_LINE, NO_CHARACTER, "-", 0xe0, 0x1c,
         0xe0, 0x9c);
    SCAN("fake-shift", "0xe0 0x2a (a fake shift) shifts until 0xe0 0xaa", SHELL_LINE, LINE_EDIT_DONE, "Aa", 0xe0,
         0x2a, 0x1e, 0xe0, 0xaa, 0x1e, 0x1c);
    SCAN("pause-key", "Pause (0xe1 0x1d 0x45 0xe1 0x9d 0xc5), then a", SHELL_LINE, LINE_EDIT_DONE, "a", 0xe1,
         0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e, 0x1c);
    SCAN("too-long", "12 q into 8 bytes", 8, LINE_EDIT_FULL, "qqqqqqq", 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
         0x10, 0x10, 0x10, 0x10, 0x10);
}

static void generate(void)
{
    generate_typed();
    generate_high();
    generate_scancodes();
}

int main(int argc, char **argv)
{
    if (argc == 1) {
        test_edit_echo();
        test_edit_full();
        test_edit_every_byte();
        test_edit_escape();
        return test_finish();
    }
    corpus = (struct expected_corpus){
        .name = "console-input",
        .program = "console_input_test (tests/kernel/console_input_test.c)",
        .header = "# <case> <result> <line>: written by console_input_test --write (tests/kernel/console_input_test.c)\n"
                  "# input: the line's capacity (1 byte), then typed bytes (typed/) or PS/2 set-1 scancodes (scancode/)\n"
                  "# result: the line editor's for the last byte it took (NO_CHARACTER: none); replay stops at a line end\n"
                  "# line: as it stands then; a space or backslash as \\xHH, - when empty\n",
        .checked = "replayed with their exact result and line",
        .results = "results",
        .columns = 3,
        .result_count = NO_CHARACTER + 1,
        .result_name = result_name,
        .replay = replay,
    };
    generate();
    return expected_corpus_main(&corpus, argc, argv);
}
