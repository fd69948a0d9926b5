/* Console multiplexer and the line editor's I/O.
 *
 * Input is polled: the line editor checks the UART and the 8042 and sleeps
 * one timer tick when neither has a byte (after spinning 2 ms following the
 * last byte, to keep up with pasted text), so an idle shell costs almost no
 * CPU. What each byte does to the line (editing, "\r\n" as one Enter,
 * escape sequences skipped) is line_edit.c's, which has no I/O. */
#include "kernel/console/console.h"

#include <stdarg.h>
#include <stdint.h>

#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/time.h"
#include "kernel/console/framebuffer.h"
#include "kernel/console/keyboard.h"
#include "kernel/console/line_edit.h"
#include "kernel/console/serial.h"
#include "kernel/lib/print.h"
#include "kernel/sched/thread.h"
#include "kernel/sched/wait.h"

#define KEY_BELL 0x07
#define IDLE_SLEEP_MS 5
#define BURST_POLL_NS 2000000ull /* 2 ms */

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

/* Waits for the next character, sleeping between polls. */
static int console_wait_char(void)
{
    for (;;) {
        int c = console_read_char();
        if (c >= 0) {
            last_input_ns = timer_uptime_ns();
            return c;
        }
        /* Right after a byte more may follow (a paste arrives every 87 us
         * at 115200 baud and the UART holds only 16): spin for a while
         * before sleeping a whole tick. */
        if (timer_uptime_ns() - last_input_ns < BURST_POLL_NS)
            cpu_pause();
        else
            thread_sleep_ms(IDLE_SLEEP_MS);
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

static void line_echo(void *context, const char *text, size_t len)
{
    (void)context;
    console_write(text, len);
}

size_t console_read_line(char *buf, size_t cap)
{
    /* One editor for the one kernel shell thread: "\r" ending one line and
     * "\n" starting the next are one Enter (after_return carries over). */
    static struct line_edit editor = { .echo = line_echo };
    if (cap == 0)
        return 0;
    line_edit_start(&editor, buf, cap);
    for (;;) {
        enum line_edit_result result = line_edit_key(&editor, (uint8_t)console_wait_char());
        if (result == LINE_EDIT_FULL) {
            char bell = KEY_BELL;
            serial_write(&bell, 1);
        }
        if (result == LINE_EDIT_DONE || result == LINE_EDIT_CANCELLED)
            return editor.length;
    }
}
