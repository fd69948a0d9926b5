/* hostile-companion: an ordinary capsule that keeps running while the
 * fault and fuzzer capsules do their worst. Every millisecond it checks
 * that its data still holds what it wrote and that a computation still
 * gives its answer; it runs until the harness kills it, and exits with
 * status 1 the moment either check fails. */
#include "hostile.h"

static uint64_t canary[64];

static uint64_t companion_work(uint64_t n)
{
    uint64_t a = 0, b = 1;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t t = a + b;
        a = b;
        b = t;
    }
    return a;
}

int main(void)
{
    for (unsigned i = 0; i < 64; i++)
        canary[i] = 0x9e3779b97f4a7c15ull * (i + 1);
    hostile_print("hostile-companion: running\n");
    for (;;) {
        for (unsigned i = 0; i < 64; i++) {
            if (canary[i] != 0x9e3779b97f4a7c15ull * (i + 1)) {
                hostile_print("hostile-companion: its data changed\n");
                return 1;
            }
        }
        if (companion_work(90) != 2880067194370816120ull) {
            hostile_print("hostile-companion: wrong answer\n");
            return 1;
        }
        nonos_timer_sleep(NONOS_SLOT_TIMER, 1000000);
    }
}
