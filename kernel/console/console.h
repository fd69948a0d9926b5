/* The console: output goes to COM1 and the framebuffer, input comes from
 * COM1 and the PS/2 keyboard, both polled.
 *
 * console_write and kprintf (kernel/lib/print.h) serialize on one lock
 * (interrupts off: the kernel runs on one CPU). A kprintf call is written
 * whole; console_write takes the lock per 128-byte chunk, so another
 * thread's kprintf may appear between chunks of a long console_write. console_write does NOT go into
 * the kernel log: the shell prints its answers with it, so that `log` shows
 * kernel messages rather than its own earlier output. */
#ifndef NONOS_CONSOLE_CONSOLE_H
#define NONOS_CONSOLE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "boot/bootinfo.h"

/* Sets up the keyboard and the framebuffer console (serial_init must have
 * run; vm_map_mmio must work). Without a framebuffer the console is
 * serial-only. */
void console_init(const struct boot_framebuffer *framebuffer);

void console_write(const char *text, size_t len);
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The next input character from serial or keyboard, or -1. Never blocks. */
int console_read_char(void);

/* Sleeps until serial or keyboard holds a byte (returns at once if one
 * does), or until thread_interrupt ends the wait; the caller reads with
 * console_read_char and waits again if the byte made no character.
 * Interrupts off (the wait-queue rule: no input slips between the check and
 * the sleep). */
void console_input_wait(void);

/* The timer interrupt's part: draws what was written since the last
 * flush (framebuffer_flush, at most 30 times a second) and wakes the
 * waiters when input is there. */
void console_tick(void);

/* Draws what was written and not yet drawn: before the system halts. */
void console_flush(void);

/* Reads one line with echo and editing (backspace/DEL erase, ctrl-U kills
 * the line, ctrl-C cancels it; the rules are line_edit.h's). Stores at most
 * cap - 1 printable characters and a NUL; further characters are refused
 * (with a bell on serial). Returns the line's length (0 when cancelled).
 * Sleeps between polls, so it must run in a thread. */
size_t console_read_line(char *buf, size_t cap);

/* Marks the console prompt ready, once per boot: writes
 * "boot: prompt tsc=N" (the TSC now) to serial only, for make bench-boot and
 * the tests. Called by the kernel shell before its first prompt and by
 * console_read the first time a process waits for input (the shell
 * capsule, after printing its prompt); later calls do nothing. */
void console_prompt_ready(void);

/* The lock kprintf shares with console_write. */
bool console_lock(void);
void console_unlock(bool state);

/* Writes without taking the lock (the caller holds it). */
void console_write_locked(const char *text, size_t len);

#endif
