/* The console system calls: console_write (1) and console_read (2), on a
 * console capability with the write or the read right (the dispatcher has
 * checked it, audited; the handler looks it up again, since another thread
 * of the process may have deleted it since).
 *
 * Output goes to the console (serial and screen) as given, and to the
 * kernel log with every line prefixed by "[capsule name] ", so `log` tells
 * whose output it was; text is copied from user memory in chunks through
 * kernel/syscall/user_memory.h and never read in place. */
#include "kernel/arch/interrupt.h"
#include "kernel/arch/time.h"
#include "kernel/cap/capability.h"
#include "kernel/console/console.h"
#include "kernel/error.h"
#include "kernel/lib/print.h"
#include "kernel/log/log.h"
#include "kernel/proc/process.h"
#include "kernel/sched/thread.h"
#include "kernel/syscall/handlers.h"
#include "kernel/syscall/user_memory.h"

#define CONSOLE_WRITE_MAX 4096u /* bytes per console_write (TOO_LARGE beyond) */
#define CONSOLE_CHUNK 128u      /* bytes copied and written at a time */

static int console_capability(uint32_t slot, uint32_t right)
{
    struct capability *unused;
    bool state = interrupts_save();
    int error = cap_lookup(process_caps(process_current()), slot, OBJECT_CONSOLE, right, &unused);
    interrupts_restore(state);
    return error;
}

/* Writes one chunk to the console, and to the log with a name prefix at
 * every line start; *line_start carries across chunks. */
static void write_chunk(const char *name, const char *text, size_t length, bool *line_start)
{
    uint64_t now = timer_uptime_ns();
    bool state = console_lock();
    console_write_locked(text, length);
    size_t begin = 0;
    for (size_t i = 0; i < length; i++) {
        if (*line_start) {
            char prefix[80];
            size_t prefix_length = ksnprintf(prefix, sizeof prefix, "[%s] ", name);
            log_write(prefix, prefix_length < sizeof prefix ? prefix_length : sizeof prefix - 1,
                      now);
            *line_start = false;
        }
        if (text[i] == '\n') {
            log_write(text + begin, i + 1 - begin, now);
            begin = i + 1;
            *line_start = true;
        }
    }
    log_write(text + begin, length - begin, now);
    console_unlock(state);
}

int64_t sys_console_write(uint32_t console, uint64_t text, uint64_t length)
{
    int error = console_capability(console, RIGHT_WRITE);
    if (error)
        return -error;
    if (length > CONSOLE_WRITE_MAX)
        return -ERROR_TOO_LARGE;
    if (!user_memory_range_valid(text, length))
        return -ERROR_BAD_ADDRESS;
    const char *name = process_name(process_current());
    bool line_start = true;
    char chunk[CONSOLE_CHUNK];
    for (uint64_t done = 0; done < length;) {
        size_t size = length - done < CONSOLE_CHUNK ? (size_t)(length - done) : CONSOLE_CHUNK;
        if (user_memory_read(chunk, text + done, size) != 0)
            return -ERROR_BAD_ADDRESS;
        write_chunk(name, chunk, size, &line_start);
        done += size;
    }
    if (!line_start) { /* keep the log's lines whole */
        bool state = console_lock();
        log_write("\n", 1, timer_uptime_ns());
        console_unlock(state);
    }
    return (int64_t)length;
}

/* Sleeps on the console's input queue until a character comes; -1 when the
 * process is killed (process_kill ends the wait at once; the thread then
 * ends on its way back to user mode). */
static int input_wait(void)
{
    bool state = interrupts_save();
    int character;
    while ((character = console_read_char()) < 0 && !process_should_exit(thread_current()))
        console_input_wait();
    interrupts_restore(state);
    return character;
}

int64_t sys_console_read(uint32_t console, uint64_t buffer, uint64_t size)
{
    int error = console_capability(console, RIGHT_READ);
    if (error)
        return -error;
    if (size == 0)
        return 0;
    if (!user_memory_range_valid(buffer, size))
        return -ERROR_BAD_ADDRESS;
    int character = console_read_char();
    if (character < 0) {
        console_prompt_ready(); /* the first wait for input: the prompt is up */
        character = input_wait();
        if (character < 0)
            return -ERROR_OBJECT_GONE;
    }
    char typed[CONSOLE_CHUNK];
    size_t count = 0;
    size_t limit = size < CONSOLE_CHUNK ? (size_t)size : CONSOLE_CHUNK;
    do {
        typed[count++] = (char)character;
    } while (count < limit && (character = console_read_char()) >= 0);
    error = user_memory_write(buffer, typed, count);
    return error ? error : (int64_t)count;
}
