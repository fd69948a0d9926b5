/* selftest_run: runs every in-kernel test once (see selftest.h), printing
 * one PASS/FAIL line each and a summary line. Tests run in the calling
 * thread (the shell), with interrupts on and the scheduler running. */
#include "kernel/test/selftest.h"

#include "kernel/arch/x86_64/debug_exit.h"
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

static void run_table(const struct test_case *cases, size_t count, int *passed, int *failed)
{
    for (size_t i = 0; i < count; i++) {
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

void selftest_exit_qemu(int failures)
{
    debug_exit(failures == 0 ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
    kprintf("selftest: no isa-debug-exit device; carrying on\n");
}

int selftest_run(void)
{
    int passed = 0, failed = 0;
    run_table(test_arch_cases, test_arch_count, &passed, &failed);
    run_table(test_mm_cases, test_mm_count, &passed, &failed);
    run_table(test_sched_cases, test_sched_count, &passed, &failed);
    run_table(test_random_cases, test_random_count, &passed, &failed);
    kprintf("selftest: %d passed, %d failed\n", passed, failed);
    return failed;
}
