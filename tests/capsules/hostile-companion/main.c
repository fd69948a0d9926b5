/* hostile-companion: an ordinary capsule that keeps running while the
 * fault and fuzzer capsules do their worst. Every millisecond it checks
 * that its data and a page it maps at HOSTILE_COMPANION_PAGE (where the
 * fuzzer aims pointers) still hold what it wrote and that a computation
 * still gives its answer; it runs until the harness kills it, and exits
 * with status 1 the moment a check fails (2: it could not map its page). */
#include "hostile.h"

static uint64_t canary[64];

int main(void)
{
    hostile_require_harness("hostile-companion");
    volatile uint64_t *page = (volatile uint64_t *)(uintptr_t)HOSTILE_COMPANION_PAGE;
    if (nonos_memory_allocate(1, NONOS_SLOT_FIRST_FREE) != 0 ||
        nonos_memory_map(NONOS_SLOT_FIRST_FREE, HOSTILE_COMPANION_PAGE,
                         NONOS_RIGHT_READ | NONOS_RIGHT_WRITE) != 0)
        return 2;
    for (unsigned i = 0; i < 512; i++)
        page[i] = 0x9e3779b97f4a7c15ull * (i + 1);
    for (unsigned i = 0; i < 64; i++)
        canary[i] = 0x9e3779b97f4a7c15ull * (i + 1);
    hostile_print("hostile-companion: running\n");
    for (;;) {
        for (unsigned i = 0; i < 512; i++) {
            if (page[i] != 0x9e3779b97f4a7c15ull * (i + 1) ||
                (i < 64 && canary[i] != 0x9e3779b97f4a7c15ull * (i + 1))) {
                hostile_print("hostile-companion: its data changed\n");
                return 1;
            }
        }
        if (hostile_fibonacci(90) != 2880067194370816120ull) {
            hostile_print("hostile-companion: wrong answer\n");
            return 1;
        }
        nonos_timer_sleep(NONOS_SLOT_TIMER, 1000000);
    }
}
