/* In-kernel tests. selftest_run runs every test once, printing
 * "PASS <name>" or "FAIL <name>: reason" per test on the console and finally
 * "selftest: N passed, M failed"; it returns the number of failures.
 * The test kernel's shell runs it with the `selftest` command
 * (kernel/test/selftest_command.c). */
#ifndef NONOS_TEST_SELFTEST_H
#define NONOS_TEST_SELFTEST_H

int selftest_run(void);

/* The same for the one test called name (`selftest run NAME`, for
 * benchmarks that need one test's figure): "selftest: 0 passed, 0 failed"
 * when no test has that name. */
int selftest_run_only(const char *name);

/* Prints "selftest: N tests" and "test NAME" for each test, running none:
 * the list the QEMU suite checks the run against. */
void selftest_list(void);

/* For the QEMU harness (`selftest exit`): reports the verdict through
 * isa-debug-exit -- QEMU ends with status 33 when failures is 0, 35
 * otherwise. Returns only when the device is absent (real hardware). */
void selftest_exit_qemu(int failures);

#endif
