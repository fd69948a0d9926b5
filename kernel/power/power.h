/* Power-off and reboot with the ZeroState wipe (docs/zerostate.md).
 *
 * Both first wipe the RAM the kernel owns, then hand the machine to ACPI.
 * They run with interrupts off from the start of the wipe and never return
 * to the scheduler: after the wipe the heap and other threads' stacks are
 * gone. */
#ifndef NONOS_POWER_POWER_H
#define NONOS_POWER_POWER_H

#include <stdint.h>

/* Bytes wiped by each part of the ZeroState wipe. */
struct zerostate_report {
    uint64_t free_frames;   /* every free frame of the frame allocator */
    uint64_t mapped_ram;    /* heap blocks and thread stacks (other than the current one) */
    uint64_t boot_data;     /* loader data: bootinfo, bundle, kernel file, loader stack/tables */
    uint64_t acpi_reclaim;  /* ACPI tables (their values were read at boot) */
    uint64_t log;           /* the kernel log ring and the audit ring */
    uint64_t framebuffer;   /* the visible framebuffer */
    uint64_t verified;      /* bytes read back after the wipe (all but log and framebuffer) */
    uint64_t nonzero_words; /* 64-bit words found not zero when read back: must be 0 */
};

/* Wipes (see docs/zerostate.md), reads the wiped memory back to check it
 * is zero, and fills *report. Interrupts stay off. */
void zerostate_wipe(struct zerostate_report *report);

/* Wipe, then ACPI S5. Returns only if the power-off failed (halts then). */
_Noreturn void power_off(void);

/* Wipe, then reset. Never returns. */
_Noreturn void power_reboot(void);

#endif
