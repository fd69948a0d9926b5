/* In-kernel tests. selftest_run runs every test once, printing
 * "PASS <name>" or "FAIL <name>: reason" per test on the console and finally
 * "selftest: N passed, M failed"; it returns the number of failures.
 * The shell runs it with the `selftest` command. */
#ifndef NONOS_TEST_SELFTEST_H
#define NONOS_TEST_SELFTEST_H

int selftest_run(void);

#endif
