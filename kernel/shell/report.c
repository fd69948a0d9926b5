/* The kernel's text reports (report.h): the code the kernel shell's
 * commands used to print with, now writing into a bounded buffer, so that
 * the kernel shell and the kernel_report system call share it. */
#include "kernel/shell/report.h"

#include <stdarg.h>
#include <stdint.h>

#include "base/hex.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/time.h"
#include "kernel/cap/capability.h"
#include "kernel/capsule/capsule.h"
#include "kernel/console/console.h"
#include "kernel/lib/print.h"
#include "kernel/log/log.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/proc/process_internal.h"
#include "kernel/random/system_random.h"

#define MEMORY_TYPE_COUNT 9 /* enum boot_memory_type values 0..8 */
#define REPORT_CUT "\n[cut]\n"

struct report report_make(char *text, size_t size)
{
    struct report report = { text, size, 0, false };
    if (size > 0)
        text[0] = '\0';
    return report;
}

void report_write(struct report *report, const char *text, size_t length)
{
    if (report->size == 0)
        return;
    size_t room = report->size - 1 - report->length;
    if (length > room) {
        length = room;
        report->truncated = true;
    }
    for (size_t i = 0; i < length; i++)
        report->text[report->length + i] = text[i];
    report->length += length;
    report->text[report->length] = '\0';
}

void report_printf(struct report *report, const char *fmt, ...)
{
    char line[KPRINTF_MAX];
    va_list args;
    va_start(args, fmt);
    size_t length = kvsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    report_write(report, line, length < sizeof line ? length : sizeof line - 1);
}

static const char *const memory_type_names[MEMORY_TYPE_COUNT] = {
    "unknown", "usable", "reserved", "acpi-reclaim", "acpi-nvs",
    "runtime", "kernel", "boot-data", "framebuffer",
};

static void mem_print_map(struct report *r)
{
    uint64_t pages[MEMORY_TYPE_COUNT] = { 0 };
    uint32_t regions[MEMORY_TYPE_COUNT] = { 0 };
    uint32_t count;
    const struct boot_memory_region *map = memory_map(&count);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t type = map[i].type < MEMORY_TYPE_COUNT ? map[i].type : 0;
        pages[type] += map[i].pages;
        regions[type]++;
    }
    report_printf(r, "memory map: %u regions\n", count);
    for (uint32_t type = 0; type < MEMORY_TYPE_COUNT; type++) {
        if (regions[type] != 0)
            report_printf(r, "  %-13s %10llu KiB in %u regions\n", memory_type_names[type],
                           (unsigned long long)(pages[type] * (PAGE_SIZE / 1024)), regions[type]);
    }
}

static void report_mem(struct report *r)
{
    mem_print_map(r);
    struct frame_stats frames;
    frame_stats(&frames);
    report_printf(r, "frames: %llu total (%llu KiB), %llu free, %llu used, %llu reserved\n",
                   (unsigned long long)frames.total_frames,
                   (unsigned long long)(frames.total_frames * (FRAME_SIZE / 1024)),
                   (unsigned long long)frames.free_frames,
                   (unsigned long long)frames.allocated_frames,
                   (unsigned long long)frames.reserved_frames);
    struct heap_stats heap;
    heap_stats(&heap);
    report_printf(r, "heap: %llu KiB mapped, %llu bytes in use in %llu blocks "
                   "(%llu allocations, %llu frees)\n",
                   (unsigned long long)(heap.bytes_mapped / 1024),
                   (unsigned long long)heap.bytes_in_use, (unsigned long long)heap.live_blocks,
                   (unsigned long long)heap.total_allocs, (unsigned long long)heap.total_frees);
}

static void report_capsules(struct report *r)
{
    capsule_list(r);
}

static void report_uptime(struct report *r)
{
    uint64_t ns = timer_uptime_ns();
    report_printf(r, "up %llu.%06llu s (%llu ticks at %u Hz)\n",
                   (unsigned long long)(ns / 1000000000u),
                   (unsigned long long)(ns / 1000u % 1000000u),
                   (unsigned long long)timer_ticks(), timer_hz());
}

/* The ring is copied straight into the report's free space. */
static void report_log(struct report *r)
{
    size_t room = r->size - 1 - r->length;
    bool state = console_lock(); /* no kprintf may change the ring meanwhile */
    size_t len = log_snapshot(r->text + r->length, room);
    console_unlock(state);
    r->length += len < room ? len : room;
    r->text[r->length] = '\0';
}

static void report_random(struct report *r)
{
    uint8_t bytes[32];
    char hex[2 * sizeof bytes + 1];
    enum crypto_result result = system_random_bytes(bytes, sizeof bytes);
    if (result != CRYPTO_OK) {
        report_printf(r, "random: %s\n", crypto_result_message(result));
        return;
    }
    hex_encode(bytes, sizeof bytes, hex, sizeof hex);
    crypto_wipe(bytes, sizeof bytes);
    report_printf(r, "%s  (seeded from %s)\n", hex, system_random_sources());
    crypto_wipe(hex, sizeof hex);
}

static void report_measure(struct report *r)
{
    const struct bootinfo *info = boot_info();
    uint32_t count = info->measurement_count;
    if (count > BOOT_MAX_MEASUREMENTS)
        count = BOOT_MAX_MEASUREMENTS;
    report_printf(r, "%-*s %10s  sha256\n", BOOT_MEASUREMENT_NAME_SIZE - 1, "part", "bytes");
    for (uint32_t i = 0; i < count; i++) {
        const struct boot_measurement *m = &info->measurements[i];
        char hex[2 * sizeof m->sha256 + 1];
        hex_encode(m->sha256, sizeof m->sha256, hex, sizeof hex);
        /* The name may lack its NUL: the precision bounds the read. */
        report_printf(r, "%-*.*s %10llu  %s\n", BOOT_MEASUREMENT_NAME_SIZE - 1,
                       BOOT_MEASUREMENT_NAME_SIZE, m->name, (unsigned long long)m->size, hex);
    }
    if (count == 0)
        report_printf(r, "(the loader recorded no measurements)\n");
}

/* The kernel's invariants: every live process's capability table
 * (cap_table_check prints the first violation), the frame counters, and
 * each process's charge within its limit. */
static void report_self_check(struct report *r)
{
    bool ok = true;
    uint32_t tables = 0;
    /* Interrupts off across the walk: the reaper frees an ending process's
     * table and other threads change shared derivation trees; a walk
     * preempted half-way reported violations that were only changes in
     * progress (or read a freed table). */
    bool was_enabled = interrupts_save();
    for (struct process *p = process_first(); p; p = p->next) {
        if (p->finished)
            continue;
        tables++;
        if (p->caps && !cap_table_check(p->caps)) {
            report_printf(r, "capability table of %s (process %lu): violated (see the log)\n",
                          p->name, p->id);
            ok = false;
        }
        if (p->memory_used > p->memory_limit) {
            report_printf(r, "%s (process %lu): %lu bytes charged over a limit of %lu\n",
                          p->name, p->id, p->memory_used, p->memory_limit);
            ok = false;
        }
    }
    struct frame_stats frames;
    frame_stats(&frames);
    interrupts_restore(was_enabled);
    if (frames.free_frames + frames.allocated_frames != frames.total_frames) {
        report_printf(r, "frames: %lu free + %lu allocated != %lu total\n", frames.free_frames,
                      frames.allocated_frames, frames.total_frames);
        ok = false;
    }
    if (ok)
        report_printf(r, "ok (%u capability tables, %lu frames)\n", tables, frames.total_frames);
}

bool report_topic(enum report_topic topic, const char *argument, struct report *report)
{
    switch (topic) {
    case REPORT_MEM: report_mem(report); break;
    case REPORT_UPTIME: report_uptime(report); break;
    case REPORT_LOG: report_log(report); break;
    case REPORT_MEASURE: report_measure(report); break;
    case REPORT_CAPSULES: report_capsules(report); break;
    case REPORT_RANDOM: report_random(report); break;
    case REPORT_SELF_CHECK: report_self_check(report); break;
    case REPORT_SELFTEST_LIST:
    case REPORT_SELFTEST_RUN:
    case REPORT_SELFTEST_EXIT:
    case REPORT_SELFTEST_RUN_ONE: return report_test_topic(topic, argument, report);
    default: return false;
    }
    if (report->truncated && report->size > sizeof REPORT_CUT) {
        report->length = report->size - sizeof REPORT_CUT;
        report->truncated = false;
        report_write(report, REPORT_CUT, sizeof REPORT_CUT - 1);
        report->truncated = true;
    }
    return true;
}
