/* The in-kernel test framework. A test is a function returning true on
 * success; on failure it calls test_fail (usually through TEST_REQUIRE) to
 * say why. selftest.c runs the tests listed by each test file's table. */
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

/* Each test file exports its table. */
extern const struct test_case test_mm_cases[];
extern const size_t test_mm_count;
extern const struct test_case test_arch_cases[];
extern const size_t test_arch_count;
extern const struct test_case test_sched_cases[];
extern const size_t test_sched_count;
extern const struct test_case test_random_cases[];
extern const size_t test_random_count;

/* A small deterministic pseudo-random generator for stress tests. */
static inline uint64_t test_random(uint64_t *state)
{
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return *state >> 33;
}

#endif
