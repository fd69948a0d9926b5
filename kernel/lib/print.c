/* kprintf: the kernel's printf. One call formats into a bounded buffer and
 * then, under the console lock, writes it to the console and appends it to
 * the kernel log with the current uptime, so a message is either wholly
 * printed and logged or (cut at KPRINTF_MAX) marked as cut with "...". */
#include "kernel/lib/print.h"

#include "kernel/arch/time.h"
#include "kernel/console/console.h"
#include "kernel/log/log.h"

void kvprintf(const char *fmt, va_list args)
{
    char line[KPRINTF_MAX];
    size_t len = kvsnprintf(line, sizeof line, fmt, args);
    if (len >= sizeof line) {
        len = sizeof line - 1;
        line[len - 4] = '.';
        line[len - 3] = '.';
        line[len - 2] = '.';
        line[len - 1] = '\n';
    }
    uint64_t now = timer_uptime_ns();
    bool state = console_lock();
    console_write_locked(line, len);
    log_write(line, len, now);
    console_unlock(state);
}

void kprintf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    kvprintf(fmt, args);
    va_end(args);
}
