/* Console output through the console capability (console.h). A failed
 * write has nowhere to be reported, so the rest of that text is dropped. */
#include "console.h"

#include <stdarg.h>
#include <stdint.h>

#include "kernel/lib/print.h"
#include "nonos/abi.h"
#include "nonos/syscall.h"

/* The kernel takes at most this much per console_write (TOO_LARGE
 * beyond: kernel/console/console_syscalls.c); longer text goes in pieces. */
#define CONSOLE_WRITE_MAX 4096u

void console_print(const char *text, size_t len)
{
    while (len > 0) {
        size_t piece = len < CONSOLE_WRITE_MAX ? len : CONSOLE_WRITE_MAX;
        if (nonos_console_write(NONOS_SLOT_CONSOLE, text, piece) < 0)
            return;
        text += piece;
        len -= piece;
    }
}

void console_print_buffer(const struct byte_buffer *text)
{
    console_print((const char *)text->data, text->len);
}

void console_printf(const char *fmt, ...)
{
    char line[CONSOLE_LINE_MAX];
    va_list args;
    va_start(args, fmt);
    size_t len = kvsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    console_print(line, len < sizeof line ? len : sizeof line - 1);
}
