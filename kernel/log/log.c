/* The kernel log ring.
 *
 * Invariant: ring[(head - held) .. head) (indices mod LOG_RING_SIZE) holds the
 * last `held` bytes written, held <= LOG_RING_SIZE; `head` only grows. If
 * `held` < total written, the oldest held line may be partial and a snapshot
 * skips to the byte after the first '\n'. */
#include "kernel/log/log.h"

#include <stdbool.h>

#define LOG_MASK (LOG_RING_SIZE - 1)

static char ring[LOG_RING_SIZE];
static uint64_t head;
static uint64_t held;
static bool at_line_start = true;

static void ring_put(char c)
{
    ring[head & LOG_MASK] = c;
    head++;
    if (held < LOG_RING_SIZE)
        held++;
}

/* "[sssss.uuuuuu] ": formatted by hand so the log needs no printf. */
static void ring_put_stamp(uint64_t now_ns)
{
    uint64_t seconds = now_ns / 1000000000u;
    uint64_t micros = (now_ns / 1000u) % 1000000u;
    char digits[20];
    int count = 0;
    do {
        digits[count++] = (char)('0' + seconds % 10);
        seconds /= 10;
    } while (seconds != 0 && count < 20);
    ring_put('[');
    for (int pad = count; pad < 5; pad++)
        ring_put(' ');
    while (count > 0)
        ring_put(digits[--count]);
    ring_put('.');
    for (uint64_t div = 100000; div > 0; div /= 10)
        ring_put((char)('0' + (micros / div) % 10));
    ring_put(']');
    ring_put(' ');
}

void log_write(const char *text, size_t len, uint64_t now_ns)
{
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\0')
            continue;
        if (at_line_start)
            ring_put_stamp(now_ns);
        ring_put(text[i]);
        at_line_start = text[i] == '\n';
    }
}

size_t log_snapshot(char *out, size_t cap)
{
    uint64_t start = head - held;
    if (held < head) { /* the oldest line was partly overwritten: skip it */
        while (start < head && ring[start & LOG_MASK] != '\n')
            start++;
        if (start < head)
            start++;
    }
    size_t copied = 0;
    for (uint64_t i = start; i < head && copied < cap; i++)
        out[copied++] = ring[i & LOG_MASK];
    return copied;
}

uint64_t log_total_bytes(void)
{
    return head;
}

size_t log_wipe(void)
{
    volatile char *bytes = ring;
    for (size_t i = 0; i < LOG_RING_SIZE; i++)
        bytes[i] = 0;
    head = 0;
    held = 0;
    at_line_start = true;
    return LOG_RING_SIZE;
}
