/* The kernel's text reports: what the shell's kernel commands print (mem,
 * uptime, log, measure, capsules, random, and a self-check of the kernel's
 * invariants), written into a caller's buffer so that the kernel shell and
 * the kernel_report system call (for the shell capsule) share one
 * implementation. Output longer than the buffer is cut and marked. */
#ifndef NONOS_KERNEL_SHELL_REPORT_H
#define NONOS_KERNEL_SHELL_REPORT_H

#include <stdbool.h>
#include <stddef.h>

/* Numbers of kernel_report's topic argument (kernel/syscall/syscalls.txt). */
enum report_topic {
    REPORT_MEM = 0,
    REPORT_UPTIME = 1,
    REPORT_LOG = 2,
    REPORT_MEASURE = 3,
    REPORT_CAPSULES = 4,
    REPORT_RANDOM = 5,
    REPORT_SELF_CHECK = 6,
    /* The test kernel's in-kernel tests (report_test_topic); the product
     * kernel refuses these topics like any unknown one. */
    REPORT_SELFTEST_LIST = 7,    /* `selftest list` */
    REPORT_SELFTEST_RUN = 8,     /* `selftest` */
    REPORT_SELFTEST_EXIT = 9,    /* `selftest exit`: the verdict to isa-debug-exit */
    REPORT_SELFTEST_RUN_ONE = 10, /* `selftest run NAME`: the name is read from the buffer */
    REPORT_TOPIC_COUNT,
};

/* Longest test name REPORT_SELFTEST_RUN_ONE reads (with its NUL). */
#define REPORT_ARGUMENT_MAX 64u

/* A text being written into text[0..size): length bytes so far (never
 * more than size - 1, so it stays NUL-terminated); truncated once
 * something did not fit. */
struct report {
    char *text;
    size_t size, length;
    bool truncated;
};

/* The largest report (the whole log ring plus a line). */
#define REPORT_MAX (16384u + 256u)

struct report report_make(char *text, size_t size);
void report_printf(struct report *report, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void report_write(struct report *report, const char *text, size_t length);

/* Writes topic's report; false for a topic out of range or one this
 * kernel does not have. argument: REPORT_SELFTEST_RUN_ONE's test name
 * (NUL-terminated), NULL for the others. */
bool report_topic(enum report_topic topic, const char *argument, struct report *report);

/* The selftest topics: the test kernel runs its tests (printing on the
 * console) and reports a one-line verdict (kernel/test/selftest_command.c);
 * the product kernel's version (kernel/shell/no_extra_commands.c) returns
 * false, so no test code reaches the product. */
bool report_test_topic(enum report_topic topic, const char *argument, struct report *report);

#endif
