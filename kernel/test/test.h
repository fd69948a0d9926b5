/* The in-kernel test framework. A test is a function returning true on
 * success; on failure it calls test_fail (usually through TEST_REQUIRE) to
 * say why. Each test file lists its tests in one array and registers it with
 * TEST_TABLE, which puts a descriptor in the linker section
 * kernel_test_tables (kernel/kernel.ld); selftest.c walks that section, so a
 * test file that is linked cannot be left out of the run. Only the test
 * kernel links these files (kernel/kernel.mk). */
#ifndef NONOS_TEST_TEST_H
#define NONOS_TEST_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct test_case {
    const char *name;
    bool (*run)(void);
};

/* Records why the running test failed (formatted; the last call wins). */
void test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define TEST_REQUIRE(cond, ...)                                                          \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            test_fail(__VA_ARGS__);                                                      \
            return false;                                                                \
        }                                                                                \
    } while (0)

struct test_table {
    const struct test_case *cases;
    size_t count;
};

/* Registers a file's array of test cases (once per file). */
#define TEST_TABLE(array)                                                                \
    static const struct test_table array##_table                                         \
        __attribute__((used, section("kernel_test_tables"), aligned(8))) = {             \
            array, sizeof(array) / sizeof(array[0])                                      \
        }

/* A small deterministic pseudo-random generator for stress tests. */
static inline uint64_t test_random(uint64_t *state)
{
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return *state >> 33;
}

#endif
