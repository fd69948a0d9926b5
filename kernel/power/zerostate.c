/* The ZeroState wipe: before power-off or reboot, overwrite with zeros the
 * RAM the kernel owns, so nothing a session held survives in it (a warm
 * reboot, or a cold-boot attack on DRAM remanence, finds zeros).
 *
 * What is wiped, and why the rest cannot be, is in docs/zerostate.md. The
 * rule that keeps the wipe from destroying itself: never touch the page
 * tables (they are reached only through the direct map and never lie in the
 * heap or vmap windows), the kernel image (code, and .data/.bss holding the
 * state the wipe still needs), the current thread's stack, or memory that is
 * not RAM the kernel owns (MMIO, firmware, ACPI NVS). Interrupts are off
 * from the first wiped byte on: no other thread can run on wiped state. */
#include "kernel/power/power.h"

#include <stdbool.h>

#include "kernel/acpi/acpi.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/audit/audit.h"
#include "kernel/capsule/capsule.h"
#include "kernel/console/console.h"
#include "kernel/console/framebuffer.h"
#include "kernel/lib/print.h"
#include "kernel/log/log.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"

/* The heap window and the first GiB of the vmap window are scanned page by
 * page; the kernel allocates vmap space linearly from its base and uses far
 * less than this (stacks of 16 KiB, a few MMIO ranges). */
#define VMAP_SCAN_BYTES (1ull << 30)
/* Around the current stack pointer nothing is wiped through the direct map:
 * the loader's stack (BOOT_DATA) is 64 KiB. */
#define STACK_KEEP_BYTES (64ull * 1024)

/* One pass over the wiped memory: either zeroing it or (verify) reading it
 * back and counting the words that are not zero. */
struct wipe_context {
    uint64_t keep_low, keep_high; /* physical range of the current stack */
    uint32_t type;                /* region type wipe_owned_region visits */
    bool verify;
    uint64_t bytes;               /* bytes visited */
    uint64_t nonzero;             /* verify: words found not zero */
};

static void wipe_bytes(uint64_t virt, uint64_t len, struct wipe_context *context)
{
    volatile uint64_t *words = (volatile uint64_t *)(uintptr_t)virt;
    if (context->verify) {
        for (uint64_t i = 0; i < len / 8; i++)
            context->nonzero += words[i] != 0;
    } else {
        for (uint64_t i = 0; i < len / 8; i++)
            words[i] = 0;
    }
}

/* Wipes [phys, phys + len) through the direct map, minus the keep range. */
static uint64_t wipe_physical(uint64_t phys, uint64_t len, struct wipe_context *context)
{
    uint64_t end = phys + len, wiped = 0;
    uint64_t cut_low = context->keep_low > phys ? context->keep_low : phys;
    uint64_t cut_high = context->keep_high < end ? context->keep_high : end;
    if (cut_low >= cut_high) { /* no overlap with the kept range */
        wipe_bytes((uint64_t)(uintptr_t)phys_to_virt(phys), len, context);
        return len;
    }
    if (cut_low > phys) {
        wipe_bytes((uint64_t)(uintptr_t)phys_to_virt(phys), cut_low - phys, context);
        wiped += cut_low - phys;
    }
    if (end > cut_high) {
        wipe_bytes((uint64_t)(uintptr_t)phys_to_virt(cut_high), end - cut_high, context);
        wiped += end - cut_high;
    }
    return wiped;
}

static void wipe_free_range(uint64_t phys, uint64_t frames, void *opaque)
{
    struct wipe_context *context = opaque;
    context->bytes += wipe_physical(phys, frames * FRAME_SIZE, context);
}

static void wipe_owned_region(uint64_t phys, uint64_t pages, uint32_t type, void *opaque)
{
    struct wipe_context *context = opaque;
    if (type == context->type)
        context->bytes += wipe_physical(phys, pages * PAGE_SIZE, context);
}

/* True when phys is in a USABLE region: RAM the frame allocator hands out,
 * as opposed to MMIO, firmware or ACPI memory mapped into the vmap window. */
static bool physical_is_usable(uint64_t phys)
{
    uint32_t count;
    const struct boot_memory_region *map = memory_map(&count);
    for (uint32_t i = 0; i < count; i++) {
        if (phys >= map[i].base && phys - map[i].base < map[i].pages * PAGE_SIZE)
            return map[i].type == BOOT_MEMORY_USABLE;
    }
    return false;
}

/* The run of mapped pages around the stack pointer: the current thread's
 * stack in the vmap window (guard pages bound it on both sides). */
static void current_stack_pages(uint64_t stack_pointer, uint64_t *low, uint64_t *high)
{
    uint64_t page = stack_pointer & ~(PAGE_SIZE - 1);
    *low = page;
    *high = page + PAGE_SIZE;
    while (*low > MEMORY_VMAP_BASE && vm_query(vm_space_kernel(), *low - PAGE_SIZE, NULL))
        *low -= PAGE_SIZE;
    while (*high < MEMORY_VMAP_LIMIT && vm_query(vm_space_kernel(), *high, NULL))
        *high += PAGE_SIZE;
}

/* Wipes every page in [base, limit) that is mapped to usable RAM, except
 * the current stack: heap blocks in the heap window, thread stacks in the
 * vmap window. */
static uint64_t wipe_mapped_ram(uint64_t base, uint64_t limit, uint64_t stack_pointer,
                                struct wipe_context *context)
{
    uint64_t keep_low = 0, keep_high = 0, wiped = 0;
    if (stack_pointer >= base && stack_pointer < limit)
        current_stack_pages(stack_pointer, &keep_low, &keep_high);
    for (uint64_t virt = base; virt < limit; virt += PAGE_SIZE) {
        if (virt >= keep_low && virt < keep_high)
            continue;
        uint64_t phys = virt_to_phys((const void *)(uintptr_t)virt);
        if (phys == 0 || !physical_is_usable(phys))
            continue;
        wipe_bytes(virt, PAGE_SIZE, context);
        wiped += PAGE_SIZE;
    }
    return wiped;
}

/* One pass (wipe or verify) over everything but the log and framebuffer. */
static void zerostate_pass(struct wipe_context *context, struct zerostate_report *report,
                           uint64_t stack_pointer)
{
    context->bytes = 0;
    frame_for_each_free_range(wipe_free_range, context);
    report->free_frames = context->bytes;
    report->mapped_ram =
        wipe_mapped_ram(MEMORY_HEAP_BASE, MEMORY_HEAP_LIMIT, stack_pointer, context) +
        wipe_mapped_ram(MEMORY_VMAP_BASE, MEMORY_VMAP_BASE + VMAP_SCAN_BYTES, stack_pointer,
                        context);
    context->bytes = 0;
    context->type = BOOT_MEMORY_BOOT_DATA;
    memory_for_each_owned_region(wipe_owned_region, context);
    report->boot_data = context->bytes;
    context->bytes = 0;
    context->type = BOOT_MEMORY_ACPI_RECLAIM;
    memory_for_each_owned_region(wipe_owned_region, context);
    report->acpi_reclaim = context->bytes;
}

void zerostate_wipe(struct zerostate_report *report)
{
    interrupts_disable();
    uint64_t stack_pointer = (uint64_t)(uintptr_t)__builtin_frame_address(0);
    uint64_t stack_phys = virt_to_phys((const void *)(uintptr_t)stack_pointer);
    struct wipe_context context = { 0 };
    if (stack_phys != 0) {
        context.keep_low = stack_phys > STACK_KEEP_BYTES ? stack_phys - STACK_KEEP_BYTES : 0;
        context.keep_high = stack_phys + STACK_KEEP_BYTES;
    }
    *report = (struct zerostate_report){ 0 };
    /* The sealed copy of the boot bundle is read-only: give it back, so the
     * free-frame pass wipes it like any other free frame. */
    capsule_bundle_release();
    zerostate_pass(&context, report, stack_pointer);
    report->log = log_wipe() + audit_wipe(); /* both hold capsule names and output */
    report->framebuffer = framebuffer_wipe();

    /* Read everything back: a wipe that missed a byte must say so. */
    struct zerostate_report again;
    context.verify = true;
    zerostate_pass(&context, &again, stack_pointer);
    report->nonzero_words = context.nonzero;
    report->verified = again.free_frames + again.mapped_ram + again.boot_data +
                       again.acpi_reclaim;
}

static void zerostate_announce(const char *action)
{
    kprintf("zerostate: wiping RAM before %s\n", action);
    struct zerostate_report report;
    zerostate_wipe(&report);
    uint64_t total = report.free_frames + report.mapped_ram + report.boot_data +
                     report.acpi_reclaim + report.log + report.framebuffer;
    /* Only counts are printed: the log ring was just wiped and stays empty. */
    console_printf("zerostate: wiped %llu KiB (free frames %llu KiB, heap+stacks %llu KiB, "
                   "boot data %llu KiB, acpi %llu KiB, log %llu KiB, framebuffer %llu KiB)\n",
                   (unsigned long long)(total >> 10), (unsigned long long)(report.free_frames >> 10),
                   (unsigned long long)(report.mapped_ram >> 10),
                   (unsigned long long)(report.boot_data >> 10),
                   (unsigned long long)(report.acpi_reclaim >> 10),
                   (unsigned long long)(report.log >> 10),
                   (unsigned long long)(report.framebuffer >> 10));
    if (report.nonzero_words == 0)
        console_printf("zerostate: read back %llu KiB: all zero\n",
                       (unsigned long long)(report.verified >> 10));
    else
        console_printf("zerostate: read back %llu KiB: %llu words NOT zero\n",
                       (unsigned long long)(report.verified >> 10),
                       (unsigned long long)report.nonzero_words);
}

_Noreturn void power_off(void)
{
    zerostate_announce("power-off");
    console_printf("power: ACPI S5\n");
    int result = acpi_poweroff();
    console_printf("power: power-off failed: %s; halted, switch the machine off\n",
                   acpi_error_message(result));
    for (;;)
        cpu_halt();
}

_Noreturn void power_reboot(void)
{
    zerostate_announce("reboot");
    console_printf("power: reset\n");
    acpi_reset();
}
