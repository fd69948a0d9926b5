/* hostile-denied: calls every system call that takes a capability slot with
 * a slot it lacks (lib/denials.h) and checks each answer; the harness
 * (kernel/test/test_hostile.c) checks the audit records. Exit status 0:
 * every answer was the documented error; else the row number + 1 of the
 * first wrong one (the rest are still made, so the audit log has them all). */
#include "hostile.h"
#include "denials.h"

int main(void)
{
    hostile_require_harness("hostile-denied");
    int status = 0;
    for (unsigned i = 0; i < DENIAL_COUNT; i++) {
        const struct denial *d = &denials[i];
        long result = nonos_syscall6(d->number, (long)d->argument[0], (long)d->argument[1],
                                     (long)d->argument[2], (long)d->argument[3], 0, 0);
        if (result != d->error) {
            hostile_print_number("hostile-denied: wrong answer for call ", d->number);
            hostile_print_number("hostile-denied:   got ", result);
            if (status == 0)
                status = (int)i + 1;
        }
    }
    return status;
}
