/* Console multiplexer and line editor.
 *
 * Input is polled: the line editor checks the UART and the 8042 and sleeps
 * one timer tick when neither has a byte (after spinning 2 ms following the
 * last byte, to keep up with pasted text), so an idle shell costs almost no
 * CPU. A terminal sends "\r" or "\r\n" for Enter; a "\n" right after "\r"
 * is dropped so that one Enter gives one line. */
#include "kernel/console/console.h"

#include <stdarg.h>
#include <stdint.h>

#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/time.h"
#include "kernel/console/framebuffer.h"
#include "kernel/console/keyboard.h"
#include "kernel/console/serial.h"
#include "kernel/lib/print.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/wait.h"

#define KEY_CTRL_C 0x03
#define KEY_BELL 0x07
#define KEY_CTRL_U 0x15
#define KEY_ESCAPE 0x1b
#define KEY_DELETE 0x7f
#define IDLE_SLEEP_MS 5
#define BURST_POLL_NS 2000000ull /* 2 ms */

static bool last_was_return;
static int pushed_back = -1; /* a character read ahead by skip_escape_sequence */
static uint64_t last_input_ns;

void console_init(const struct boot_framebuffer *framebuffer)
{
    keyboard_init();
    if (framebuffer != NULL && framebuffer->format != BOOT_PIXEL_NONE &&
        !framebuffer_init(framebuffer))
        kprintf("console: framebuffer %ux%u unusable, serial only\n", framebuffer->width,
                framebuffer->height);
}

bool console_lock(void)
{
    return interrupts_save();
}

void console_unlock(bool state)
{
    interrupts_restore(state);
}

void console_write_locked(const char *text, size_t len)
{
    serial_write(text, len);
    framebuffer_write(text, len);
}

/* Long output (the `log` command writes up to 16 KiB) goes out in chunks,
 * so interrupts are never off for longer than one chunk takes: at 115200
 * baud a whole log would otherwise hold them off for over a second. */
#define WRITE_CHUNK 128

void console_write(const char *text, size_t len)
{
    while (len > 0) {
        size_t chunk = len < WRITE_CHUNK ? len : WRITE_CHUNK;
        bool state = console_lock();
        console_write_locked(text, chunk);
        console_unlock(state);
        text += chunk;
        len -= chunk;
    }
}

void console_printf(const char *fmt, ...)
{
    char line[KPRINTF_MAX];
    va_list args;
    va_start(args, fmt);
    size_t len = kvsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    console_write(line, len < sizeof line ? len : sizeof line - 1);
}

/* Threads waiting for input (console_input_wait). Serial and keyboard
 * raise no interrupts yet, so the timer interrupt looks at both devices'
 * status (two port reads) while someone waits, and wakes the waiters once
 * a byte is there: waiting costs no context switch until input comes. */
static struct wait_queue input_waiters = WAIT_QUEUE_INIT;

void console_input_wait(void)
{
    framebuffer_flush(); /* what was written before the wait is on screen */
    if (!serial_pending() && !keyboard_pending())
        wait_queue_sleep(&input_waiters);
}

/* The screen is redrawn from the tick at most this often (30 Hz): a
 * redraw after a scroll rewrites most of the screen (about 800 k
 * instructions at 1280x800 under -icount; not timed on hardware), in an
 * interrupt handler; at every tick a stream of output (the self-tests'
 * lines) took most of each tick and delayed everything else past the next
 * one. */
#define FLUSH_PERIOD_NS 33000000ull

void console_tick(void)
{
    static uint64_t next_flush_ns;
    uint64_t now = timer_uptime_ns();
    if (now >= next_flush_ns) {
        framebuffer_flush();
        next_flush_ns = now + FLUSH_PERIOD_NS;
    }
    if (input_waiters.head && (serial_pending() || keyboard_pending()))
        wait_queue_wake_all(&input_waiters);
}

void console_flush(void)
{
    bool state = console_lock();
    framebuffer_flush();
    console_unlock(state);
}

int console_read_char(void)
{
    int c = serial_read();
    if (c < 0)
        c = keyboard_read();
    return c;
}

/* Waits for the next character, sleeping between polls; folds "\r\n"
 * into one Enter. */
static int console_wait_char(void)
{
    if (pushed_back >= 0) {
        int c = pushed_back;
        pushed_back = -1;
        return c;
    }
    for (;;) {
        int c = console_read_char();
        if (c < 0) {
            /* Right after a byte more may follow (a paste arrives every
             * 87 us at 115200 baud and the UART holds only 16): spin for a
             * while before sleeping a whole tick. */
            if (timer_uptime_ns() - last_input_ns < BURST_POLL_NS)
                cpu_pause();
            else
                thread_sleep_ms(IDLE_SLEEP_MS);
            continue;
        }
        last_input_ns = timer_uptime_ns();
        bool after_return = last_was_return;
        last_was_return = c == '\r';
        if (c == '\n' && after_return)
            continue;
        return c == '\r' ? '\n' : c;
    }
}

/* Terminals send arrow and function keys as escape sequences (ESC [ A,
 * ESC O P, ...). Line editing has no use for them yet: skip the whole
 * sequence instead of inserting "[A" into the line. */
static void skip_escape_sequence(void)
{
    int c = console_wait_char();
    if (c != '[' && c != 'O') { /* a lone Esc key: keep what followed it */
        pushed_back = c;
        return;
    }
    for (int i = 0; i < 8; i++) { /* parameters, then a final byte 0x40..0x7e */
        c = console_wait_char();
        if (c >= 0x40 && c <= 0x7e)
            return;
    }
}

static void line_erase(size_t *len)
{
    while (*len > 0) {
        console_write("\b \b", 3);
        (*len)--;
    }
}

void console_prompt_ready(void)
{
    static bool marked;
    bool state = interrupts_save();
    bool first = !marked;
    marked = true;
    interrupts_restore(state);
    if (!first)
        return;
    console_flush(); /* the prompt is on the screen before the mark */
    char marker[48];
    size_t len = ksnprintf(marker, sizeof marker, "boot: prompt tsc=%llu\n",
                           (unsigned long long)cpu_cycles());
    serial_write(marker, len < sizeof marker ? len : sizeof marker - 1);
}

size_t console_read_line(char *buf, size_t cap)
{
    size_t len = 0;
    if (cap == 0)
        return 0;
    for (;;) {
        int c = console_wait_char();
        if (c == '\n') {
            console_write("\n", 1);
            break;
        } else if (c == '\b' || c == KEY_DELETE) {
            if (len > 0) {
                len--;
                console_write("\b \b", 3);
            }
        } else if (c == KEY_CTRL_U) {
            line_erase(&len);
        } else if (c == KEY_ESCAPE) {
            skip_escape_sequence();
        } else if (c == KEY_CTRL_C) {
            console_write("^C\n", 3);
            len = 0;
            break;
        } else if (c >= ' ' && c < KEY_DELETE) {
            if (len + 1 < cap) {
                char ch = (char)c;
                buf[len++] = ch;
                console_write(&ch, 1);
            } else {
                char bell = KEY_BELL;
                serial_write(&bell, 1);
            }
        }
    }
    buf[len] = '\0';
    return len;
}
