/* hostile-code-attacker: tries to change code pages. Every capsule is
 * linked at 0x400000 (sdk/capsule.ld), so the first page of its own code is
 * also where hostile-code-victim's code lives in the victim's space. In
 * order: map a page of its own over that address (read + write, then read
 * only), over its main, unmap its code, map below 4 MiB, map with an
 * execute right -- each must be refused -- and finally write into the
 * code page, which must kill it ("write to code"). Exit status (if still
 * alive): the number of the first attempt that was not refused, or 99. */
#include "hostile.h"

#define CODE_PAGE 0x400000ull

static int attacker_try(void)
{
    uint64_t main_page = (uint64_t)(uintptr_t)&main & ~0xfffull;
    if (nonos_memory_allocate(1, NONOS_SLOT_FIRST_FREE) != 0)
        return 1;
    if (nonos_memory_map(NONOS_SLOT_FIRST_FREE, CODE_PAGE, NONOS_RIGHT_READ | NONOS_RIGHT_WRITE) !=
        -NONOS_ERROR_BAD_ADDRESS)
        return 2;
    if (nonos_memory_map(NONOS_SLOT_FIRST_FREE, main_page, NONOS_RIGHT_READ) != -NONOS_ERROR_BAD_ADDRESS)
        return 3;
    if (nonos_memory_unmap(main_page, 1) != -NONOS_ERROR_BAD_ADDRESS ||
        nonos_memory_unmap(CODE_PAGE, 1) != -NONOS_ERROR_BAD_ADDRESS)
        return 4;
    if (nonos_memory_map(NONOS_SLOT_FIRST_FREE, CODE_PAGE - 0x1000, NONOS_RIGHT_READ) !=
        -NONOS_ERROR_INVALID_ARGUMENT)
        return 5;
    if (nonos_memory_map(NONOS_SLOT_FIRST_FREE, 0x10000000000ull, NONOS_RIGHT_READ | 0x10) !=
        -NONOS_ERROR_INVALID_ARGUMENT)
        return 6;
    return 0;
}

int main(void)
{
    hostile_require_harness("hostile-code-attacker");
    int failed = attacker_try();
    if (failed) {
        hostile_print_number("hostile-code-attacker: not refused: attempt ", failed);
        return failed;
    }
    *(volatile uint8_t *)(uintptr_t)(CODE_PAGE + 0x100) = 0xcc;
    hostile_print("hostile-code-attacker: wrote into its code\n");
    return 99;
}
