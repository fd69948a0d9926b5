/* shell: the `nonos>` prompt as a capsule. It reads the console through its
 * console capability (read and write: devices = ["console"] in its
 * manifest), edits the line (line_editor.c: echo, Backspace, Ctrl-U,
 * Ctrl-C, escape sequences skipped) and runs each line (commands.c). */
#include <stdint.h>

#include "commands.h"
#include "console.h"
#include "line_editor.h"
#include "nonos/abi.h"
#include "nonos/capsule.h"
#include "nonos/error.h"
#include "nonos/syscall.h"
#include "text.h"

#define LINE_MAX 128 /* 127 characters, as the kernel console's */
#define PROMPT "nonos> "
#define INPUT_MAX 64

int main(void)
{
    static char line[LINE_MAX];
    static char echo_storage[LINE_ECHO_MAX(LINE_MAX)];
    static uint8_t input[INPUT_MAX];
    struct line_editor editor;
    line_editor_init(&editor, line, sizeof line);
    console_printf("NONOS console. Type help for the commands.\n");
    console_print(PROMPT, sizeof PROMPT - 1);
    for (;;) {
        long n = nonos_console_read(NONOS_SLOT_CONSOLE, input, sizeof input);
        if (n < 0) {
            console_printf("shell: console input: %s\n", nonos_error_message(n));
            return 1;
        }
        for (long i = 0; i < n && i < INPUT_MAX; i++) {
            struct byte_buffer echo = text_buffer(echo_storage, sizeof echo_storage);
            enum line_status status = line_editor_feed(&editor, input[i], &echo);
            console_print_buffer(&echo);
            if (status == LINE_EDITING)
                continue;
            if (status == LINE_DONE)
                shell_run_line(line, editor.len);
            line_editor_reset(&editor);
            console_print(PROMPT, sizeof PROMPT - 1);
        }
    }
}
