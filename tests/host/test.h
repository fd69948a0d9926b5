/* A minimal harness for host unit tests.
 * Each check prints "PASS <name>" or "FAIL <name>: <reason>" (the protocol
 * tests/run.sh counts); test_finish() returns the process exit status. Keep
 * names stable and specific: they are what a reader sees when a test breaks. */
#ifndef NONOS_TESTS_HOST_TEST_H
#define NONOS_TESTS_HOST_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int test_failures;
static int test_passes;

__attribute__((format(printf, 2, 3), unused))
static void test_result(bool ok, const char *name_format, ...)
{
    va_list args;
    va_start(args, name_format);
    fputs(ok ? "PASS " : "FAIL ", stdout);
    vprintf(name_format, args);
    fputc('\n', stdout);
    fflush(stdout);
    va_end(args);
    if (ok)
        test_passes++;
    else
        test_failures++;
}

/* For failures that need a reason: test_fail("x25519 vector %d", id) after
 * printing details to stderr is fine too, but put the reason on the FAIL line
 * where it is short enough. */
#define test_check(cond, ...) test_result((cond), __VA_ARGS__)

static inline int test_finish(void)
{
    return test_failures == 0 ? 0 : 1;
}

#endif
