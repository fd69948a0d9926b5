/* How `make bench-ipc` measures, shared by the Linux /init
 * (tests/bench/ipc/linux_init.c) and the NØNOS capsules
 * (tests/bench/ipc/client/), so both sides count the same way.
 *
 * Under QEMU -icount shift=0,sleep=off the TSC counts retired instructions.
 * A figure is (loop with the operation - the same loop without it) / count.
 * Each loop is timed BENCH_REPEATS times, alternating; the empty loop's
 * smallest time is subtracted from each run of the measured one, and the
 * report gives the median run, then the smallest and the largest, so a
 * disturbed or bimodal run shows (a pipe round trip costs more or less
 * depending on when the scheduler switches). Output lines, parsed by
 * tests/qemu/bench-ipc.sh:
 *   bench-ipc SYSTEM: METRIC N.N instructions (median of R runs of C;
 *   min A.A, max B.B; loop overhead L.L per iteration)
 * The includer defines bench_print(text, length). Freestanding: stdint only. */
#ifndef NONOS_TESTS_BENCH_IPC_MEASURE_H
#define NONOS_TESTS_BENCH_IPC_MEASURE_H

#include <stdint.h>

#define BENCH_REPEATS 7

static void bench_print(const char *text, uint64_t length);

#define BENCH_PRINT_LITERAL(text) bench_print((text), sizeof(text) - 1)

static inline uint64_t bench_tsc(void)
{
    uint32_t low, high;
    __asm__ volatile("lfence\n\trdtsc" : "=a"(low), "=d"(high) : : "memory");
    return ((uint64_t)high << 32) | low;
}

static inline void bench_print_text(const char *text)
{
    uint64_t length = 0;
    while (text[length] != '\0')
        length++;
    bench_print(text, length);
}

static inline void bench_print_number(uint64_t value)
{
    char digits[20];
    unsigned count = 0;
    do {
        digits[sizeof digits - 1 - count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    bench_print(digits + sizeof digits - count, count);
}

/* Tenths: 1234 -> "123.4". */
static inline void bench_print_tenths(uint64_t tenths)
{
    bench_print_number(tenths / 10);
    char fraction[2] = {'.', (char)('0' + tenths % 10)};
    bench_print(fraction, sizeof fraction);
}

struct bench_result {
    uint64_t count;           /* operations per run */
    uint64_t median_tenths;   /* instructions per operation x 10, median run */
    uint64_t best_tenths;     /* the same, best run */
    uint64_t worst_tenths;    /* the same, worst run */
    uint64_t overhead_tenths; /* the empty loop, per iteration x 10 */
};

static inline uint64_t bench_tenths_per(uint64_t time, uint64_t empty_time, uint64_t count)
{
    return time > empty_time ? (time - empty_time) * 10 / count : 0;
}

typedef uint64_t bench_loop(int first, int second, uint64_t count);

/* Runs both loops BENCH_REPEATS times, alternating. */
static inline struct bench_result bench_repeat_pair(bench_loop *measured, bench_loop *empty,
                                                    int first, int second, uint64_t count)
{
    uint64_t runs[BENCH_REPEATS], empty_best = UINT64_MAX;
    for (unsigned i = 0; i < BENCH_REPEATS; i++) {
        uint64_t empty_time = empty(first, second, count);
        if (empty_time < empty_best)
            empty_best = empty_time;
        runs[i] = measured(first, second, count);
    }
    for (unsigned i = 1; i < BENCH_REPEATS; i++) /* insertion sort */
        for (unsigned j = i; j > 0 && runs[j - 1] > runs[j]; j--) {
            uint64_t swap = runs[j];
            runs[j] = runs[j - 1];
            runs[j - 1] = swap;
        }
    struct bench_result result = {.count = count};
    result.median_tenths = bench_tenths_per(runs[BENCH_REPEATS / 2], empty_best, count);
    result.best_tenths = bench_tenths_per(runs[0], empty_best, count);
    result.worst_tenths = bench_tenths_per(runs[BENCH_REPEATS - 1], empty_best, count);
    result.overhead_tenths = empty_best * 10 / count;
    return result;
}

static inline void bench_report(const char *system, const char *metric,
                                const struct bench_result *result)
{
    BENCH_PRINT_LITERAL("bench-ipc ");
    bench_print_text(system);
    BENCH_PRINT_LITERAL(": ");
    bench_print_text(metric);
    BENCH_PRINT_LITERAL(" ");
    bench_print_tenths(result->median_tenths);
    BENCH_PRINT_LITERAL(" instructions (median of ");
    bench_print_number(BENCH_REPEATS);
    BENCH_PRINT_LITERAL(" runs of ");
    bench_print_number(result->count);
    BENCH_PRINT_LITERAL("; min ");
    bench_print_tenths(result->best_tenths);
    BENCH_PRINT_LITERAL(", max ");
    bench_print_tenths(result->worst_tenths);
    BENCH_PRINT_LITERAL("; loop overhead ");
    bench_print_tenths(result->overhead_tenths);
    BENCH_PRINT_LITERAL(" per iteration)\n");
}

#endif
