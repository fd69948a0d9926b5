/* hostile-cpu-hog: spins forever; its manifest gives it 500 ms of CPU time,
 * after which the kernel must stop it (the harness checks when). */
#include "hostile.h"

int main(void)
{
    hostile_require_harness("hostile-cpu-hog");
    volatile uint64_t spins = 0;
    for (;;)
        spins = spins + 1;
}
