/* hostile-code-victim: runs for VICTIM_RUN_NS of wall time while
 * hostile-code-attacker tries to change code pages, checking every
 * millisecond that its first code page (0x400000, where the attacker
 * aims) still holds the bytes it had at the start and that its code still
 * computes the right answer. Exit status 0, or 1 at the first difference. */
#include "hostile.h"

#define VICTIM_RUN_NS 1500000000u

static uint64_t victim_checksum(void)
{
    const volatile uint8_t *code = (const volatile uint8_t *)(uintptr_t)0x400000u;
    uint64_t sum = 0;
    for (unsigned i = 0; i < 4096; i++)
        sum = sum * 31 + code[i];
    return sum;
}

int main(void)
{
    hostile_require_harness("hostile-code-victim");
    uint64_t expected = victim_checksum();
    long start = nonos_clock_read();
    while (nonos_clock_read() - start < (long)VICTIM_RUN_NS) {
        if (victim_checksum() != expected || hostile_fibonacci(90) != 2880067194370816120ull) {
            hostile_print("hostile-code-victim: its code changed\n");
            return 1;
        }
        nonos_timer_sleep(NONOS_SLOT_TIMER, 1000000);
    }
    return 0;
}
