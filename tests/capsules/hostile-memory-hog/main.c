/* hostile-memory-hog: allocates one page at a time (memory_allocate, each
 * in its own slot) until the kernel refuses. The refusal must be
 * NO_MEMORY; freeing one page must make exactly one more allocation
 * possible (the refusals changed nothing). It sleeps 100 ms before and
 * 200 ms after (the harness reads its charged memory then) and exits with
 * the number of pages it got, or 10000 + the failed check's number. */
#include "hostile.h"

#define HOG_FIRST_SLOT NONOS_SLOT_FIRST_FREE
#define HOG_SLOTS 1024u

int main(void)
{
    hostile_require_harness("hostile-memory-hog");
    nonos_timer_sleep(NONOS_SLOT_TIMER, 100000000);
    uint32_t slot = HOG_FIRST_SLOT;
    long error = 0;
    while (slot < HOG_SLOTS && (error = nonos_memory_allocate(1, slot)) == 0)
        slot++;
    long pages = (long)(slot - HOG_FIRST_SLOT);
    hostile_print_number("hostile-memory-hog: pages before the limit: ", pages);
    if (error != -NONOS_ERROR_NO_MEMORY) {
        hostile_print_number("hostile-memory-hog: refused with ", error);
        return 10001;
    }
    if (nonos_memory_allocate(1, slot) != -NONOS_ERROR_NO_MEMORY ||
        nonos_memory_allocate(16, slot) != -NONOS_ERROR_NO_MEMORY)
        return 10002;
    if (pages == 0 || nonos_cap_delete(slot - 1) != 0 || nonos_memory_allocate(1, slot - 1) != 0)
        return 10003;
    if (nonos_memory_allocate(1, slot) != -NONOS_ERROR_NO_MEMORY)
        return 10004;
    nonos_timer_sleep(NONOS_SLOT_TIMER, 200000000);
    return (int)pages;
}
