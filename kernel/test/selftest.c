/* selftest_run: runs every in-kernel test once (see selftest.h), printing
 * one PASS/FAIL line each and a summary line. Tests run in the calling
 * thread (the shell), with interrupts on and the scheduler running. The
 * tests are the descriptors in the kernel_test_tables section, between the
 * bounds kernel/kernel.ld defines. */
#include "kernel/test/selftest.h"

#include "kernel/arch/debug.h"
#include "kernel/lib/print.h"
#include "kernel/test/test.h"

#include <stdarg.h>

#define REASON_SIZE 160

static char failure_reason[REASON_SIZE];

void test_fail(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    kvsnprintf(failure_reason, sizeof(failure_reason), fmt, args);
    va_end(args);
}

static bool name_equal(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* only: run just the test of that name (NULL: every test). */
static void run_table(const struct test_case *cases, size_t count, const char *only, int *passed,
                      int *failed)
{
    for (size_t i = 0; i < count; i++) {
        if (only && !name_equal(cases[i].name, only))
            continue;
        failure_reason[0] = '\0';
        if (cases[i].run()) {
            kprintf("PASS %s\n", cases[i].name);
            (*passed)++;
        } else {
            kprintf("FAIL %s: %s\n", cases[i].name,
                    failure_reason[0] ? failure_reason : "(no reason given)");
            (*failed)++;
        }
    }
}

extern const struct test_table __kernel_test_tables_start[];
extern const struct test_table __kernel_test_tables_end[];

/* The linker brackets the section with these two symbols (kernel.ld). They
 * bound one array, which C cannot say of two declarations (comparing them
 * as pointers is undefined, and cppcheck says so), so the count comes from
 * their addresses. */
static size_t table_count(void)
{
    return ((uintptr_t)__kernel_test_tables_end - (uintptr_t)__kernel_test_tables_start) /
           sizeof(struct test_table);
}

void selftest_list(void)
{
    size_t count = 0;
    for (size_t k = 0; k < table_count(); k++)
        count += __kernel_test_tables_start[k].count;
    kprintf("selftest: %zu tests\n", count);
    for (size_t k = 0; k < table_count(); k++) {
        const struct test_table *table = &__kernel_test_tables_start[k];
        for (size_t i = 0; i < table->count; i++)
            kprintf("test %s\n", table->cases[i].name);
    }
}

void selftest_exit_qemu(int failures)
{
    debug_exit(failures == 0 ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
    kprintf("selftest: no isa-debug-exit device; carrying on\n");
}

/* Two functions, not one calling the other: the tests of backtraces look
 * for selftest_run's own frame. */
int selftest_run(void)
{
    int passed = 0, failed = 0;
    for (size_t k = 0; k < table_count(); k++)
        run_table(__kernel_test_tables_start[k].cases, __kernel_test_tables_start[k].count, NULL,
                  &passed, &failed);
    kprintf("selftest: %d passed, %d failed\n", passed, failed);
    return failed;
}

int selftest_run_only(const char *name)
{
    int passed = 0, failed = 0;
    for (size_t k = 0; k < table_count(); k++)
        run_table(__kernel_test_tables_start[k].cases, __kernel_test_tables_start[k].count, name,
                  &passed, &failed);
    kprintf("selftest: %d passed, %d failed\n", passed, failed);
    return failed;
}
