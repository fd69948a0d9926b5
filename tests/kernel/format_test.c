/* Host tests of the kernel's portable text code under ASan + UBSan:
 * ksnprintf against the C library's snprintf (same format, same result,
 * every buffer size), the log ring, and PS/2 scancode decoding. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console/keyboard.h"
#include "kernel/lib/print.h"
#include "kernel/log/log.h"
#include "tests/host/test.h"

static int format_mismatches;
static int format_checks;

/* Compares ksnprintf with snprintf for one format, at every buffer size
 * from 0 to the full length + 2: text, terminator and return value. */
#define CHECK_FORMAT(...)                                                                  \
    do {                                                                                   \
        char want[256], got[256];                                                          \
        int want_len = snprintf(want, sizeof want, __VA_ARGS__);                           \
        for (size_t size = 0; size <= (size_t)want_len + 2 && size <= sizeof got; size++) { \
            memset(got, 'Z', sizeof got);                                                  \
            size_t got_len = ksnprintf(got, size, __VA_ARGS__);                            \
            bool ok = got_len == (size_t)want_len && got[size] == (size < sizeof got ? 'Z' : got[size]); \
            if (size > 0)                                                                  \
                ok = ok && strncmp(got, want, size - 1) == 0 && got[strlen(got)] == '\0' && \
                     strlen(got) == (size - 1 < (size_t)want_len ? size - 1 : (size_t)want_len); \
            format_checks++;                                                               \
            if (!ok) {                                                                     \
                format_mismatches++;                                                       \
                fprintf(stderr, "format %s size %zu: want \"%s\" (%d) got \"%.*s\" (%zu)\n", \
                        #__VA_ARGS__, size, want, want_len, (int)(size ? size : 1), got, got_len); \
                break;                                                                     \
            }                                                                              \
        }                                                                                  \
    } while (0)

static void test_format_differential(void)
{
    CHECK_FORMAT("plain text");
    CHECK_FORMAT("%s|%10s|%-10s|%.3s|%.*s|%s", "abc", "right", "left", "truncate", 2, "xyz", "");
    CHECK_FORMAT("%c%c%5c%-3c|", 'a', 'Z', 'q', 'w');
    CHECK_FORMAT("%d %i %d %d %d", 0, -1, INT_MAX, INT_MIN, 42);
    CHECK_FORMAT("%5d|%-5d|%05d|%.3d|%08.3d|%-8d|", 42, 42, -42, 7, 7, 7);
    CHECK_FORMAT("%u %u %x %X %08x", 0u, UINT_MAX, 0xdeadbeefu, 0xabcdefu, 0x1fu);
    CHECK_FORMAT("%lu %lx %ld %ld", ULONG_MAX, 0x123456789abcdefUL, LONG_MIN, LONG_MAX);
    CHECK_FORMAT("%llu %llx %lld %016llx", ULLONG_MAX, 0xfedcba9876543210ULL, LLONG_MIN, 0x1ULL);
    CHECK_FORMAT("%zu %zx %5zu", (size_t)SIZE_MAX, (size_t)0x10000, (size_t)3);
    CHECK_FORMAT("%hd %hu %hhd %hhu", (short)-3, (unsigned short)65535, (signed char)-5, (unsigned char)250);
    CHECK_FORMAT("100%% %s%%", "done");
    CHECK_FORMAT("%*d|%-*d|%*s", 6, 12, 6, 12, -6, "ab");
    CHECK_FORMAT("%.0d|%.0u|%.0x", 0, 0u, 0u);
    CHECK_FORMAT("%02x%02x%02x", 0x0, 0xa, 0xff);
    test_check(format_mismatches == 0,
               "ksnprintf matches snprintf: %d format/size combinations (%d mismatches)",
               format_checks, format_mismatches);
}

static void test_format_edges(void)
{
    char buf[64];
    /* %p is "0x" + lowercase hex, like glibc for non-NULL pointers. */
    size_t len = ksnprintf(buf, sizeof buf, "%p", (void *)(uintptr_t)0xffff800000001000ull);
    test_check(len == 18 && strcmp(buf, "0xffff800000001000") == 0, "ksnprintf %%p: %s", buf);

    len = ksnprintf(buf, sizeof buf, "[%s]", (const char *)NULL);
    test_check(len == 8 && strcmp(buf, "[(null)]") == 0, "ksnprintf %%s of NULL prints (null)");

    /* %.*s must not read past the precision: the buffer has no NUL. */
    char *raw = malloc(4);
    memcpy(raw, "abcd", 4);
    len = ksnprintf(buf, sizeof buf, "<%.*s>", 4, raw);
    free(raw);
    test_check(len == 6 && strcmp(buf, "<abcd>") == 0,
               "ksnprintf %%.*s reads only the precision (ASan-checked)");

    const char *unknown = "%q %"; /* not a literal: the compiler would refuse it */
    len = ksnprintf(buf, sizeof buf, unknown, 1);
    test_check(strcmp(buf, "%q %") == 0 && len == 4, "ksnprintf shows unknown conversions as written");

    /* A huge '*' width is clamped instead of spinning for 2^31 characters. */
    len = ksnprintf(buf, sizeof buf, "%*d", INT_MAX, 1);
    test_check(len == 4096 && strlen(buf) == sizeof buf - 1, "ksnprintf clamps huge widths (%zu)", len);

    len = ksnprintf(NULL, 0, "%s", "count only");
    test_check(len == 10, "ksnprintf with size 0 writes nothing and counts");
}

static void test_log_ring(void)
{
    char out[LOG_RING_SIZE + 1];
    log_wipe();
    log_write("first line\nsecond ", 18, 1500000000ull);
    log_write("part\n", 5, 2000000ull);
    size_t len = log_snapshot(out, sizeof out);
    out[len] = '\0';
    test_check(strcmp(out, "[    1.500000] first line\n[    1.500000] second part\n") == 0,
               "log: lines stamped with the time their first byte arrived");

    /* Overfill: the oldest lines go, the snapshot starts at a line boundary. */
    char line[64];
    for (int i = 0; i < 2000; i++) {
        int n = snprintf(line, sizeof line, "message %04d\n", i);
        log_write(line, (size_t)n, (uint64_t)i * 1000000ull);
    }
    len = log_snapshot(out, sizeof out);
    out[len] = '\0';
    bool starts_line = len > 0 && out[0] == '[';
    bool ends_last = len > 30 && strstr(out, "message 1999\n") == out + len - 13;
    bool within = len <= LOG_RING_SIZE && strstr(out, "message 0000") == NULL;
    test_check(starts_line && ends_last && within,
               "log: a full ring keeps the newest %zu bytes from a line start", len);

    len = log_snapshot(out, 10);
    test_check(len == 10, "log: snapshot never exceeds its buffer");
    test_check(log_wipe() == LOG_RING_SIZE && log_snapshot(out, sizeof out) == 0 &&
               log_total_bytes() == 0, "log: wipe leaves an empty ring");
}

static int decode_string(struct keyboard_state *state, const uint8_t *codes, size_t count,
                         char *out, size_t cap)
{
    size_t len = 0;
    for (size_t i = 0; i < count; i++) {
        int c = keyboard_decode(state, codes[i]);
        if (c >= 0 && len + 1 < cap)
            out[len++] = (char)c;
    }
    out[len] = '\0';
    return (int)len;
}

static void test_keyboard(void)
{
    struct keyboard_state state = { 0 };
    char out[32];
    /* h e l p (make + break each), Enter */
    static const uint8_t help[] = { 0x23, 0xa3, 0x12, 0x92, 0x26, 0xa6, 0x19, 0x99, 0x1c, 0x9c };
    decode_string(&state, help, sizeof help, out, sizeof out);
    test_check(strcmp(out, "help\n") == 0, "keyboard: set-1 make codes give \"help\\n\"");

    /* shift down, a, 1, shift up, a; caps on, b, shift+b, caps off; backspace */
    static const uint8_t mixed[] = { 0x2a, 0x1e, 0x9e, 0x02, 0x82, 0xaa, 0x1e, 0x9e,
                                     0x3a, 0xba, 0x30, 0xb0, 0x36, 0x30, 0xb0, 0xb6,
                                     0x3a, 0xba, 0x30, 0x0e };
    decode_string(&state, mixed, sizeof mixed, out, sizeof out);
    test_check(strcmp(out, "A!aBbb\b") == 0, "keyboard: shift, caps lock and shift+caps: %s", out);

    /* ctrl+c, an extended key (right arrow 0xe0 0x4d) and an unmapped F1 */
    static const uint8_t control[] = { 0x1d, 0x2e, 0xae, 0x9d, 0xe0, 0x4d, 0xe0, 0xcd, 0x3b, 0x1f };
    decode_string(&state, control, sizeof control, out, sizeof out);
    test_check(strcmp(out, "\x03s") == 0, "keyboard: ctrl+C gives 0x03, extended and F-keys nothing");

    int produced = 0;
    for (int code = 0; code < 256; code++) {
        struct keyboard_state fresh = { 0 };
        if (keyboard_decode(&fresh, (uint8_t)code) >= 0 && (code & 0x80) != 0)
            produced++;
    }
    test_check(produced == 0, "keyboard: no release code produces a character");
}

int main(void)
{
    test_format_differential();
    test_format_edges();
    test_log_ring();
    test_keyboard();
    return test_finish();
}
