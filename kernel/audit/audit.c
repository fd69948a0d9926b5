/* The audit log (kernel/audit/audit.h): a ring of AUDIT_RING_SIZE records,
 * record `sequence` in entry sequence % AUDIT_RING_SIZE; next_sequence
 * records have been written, the last AUDIT_RING_SIZE of them are held. */
#include "kernel/audit/audit.h"

#include <stdbool.h>
#include <stddef.h>

#include "kernel/arch/interrupt.h"
#include "kernel/arch/time.h"
#include "kernel/error.h"
#include "kernel/lib/print.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/table.h"

static struct nonos_audit_record ring[AUDIT_RING_SIZE];
static uint64_t next_sequence;

/* Denials and memory refusals are what a hostile capsule can make by the
 * hundred thousand (the hostile fuzzer does): each is always recorded in
 * the ring, but at most AUDIT_PRINT_PER_SECOND of them a second are also
 * printed, so one capsule cannot flood the kernel log and console (and
 * spend the CPU time of every other capsule on it). The next printed line
 * says how many were not. */
#define AUDIT_PRINT_PER_SECOND 32u
static uint64_t print_window_start_ns, printed_in_window, unprinted;

/* Whether the record being written may be printed; *skipped receives the
 * count of records not printed since the last printed one. Interrupts off. */
static bool print_allowed(uint64_t now_ns, uint64_t *skipped)
{
    *skipped = 0;
    if (now_ns - print_window_start_ns >= 1000000000ull) {
        print_window_start_ns = now_ns;
        printed_in_window = 0;
    }
    if (printed_in_window >= AUDIT_PRINT_PER_SECOND) {
        unprinted++;
        return false;
    }
    printed_in_window++;
    *skipped = unprinted;
    unprinted = 0;
    return true;
}

static void print_skipped(uint64_t skipped)
{
    if (skipped)
        kprintf("audit: %llu denials and refusals not printed (kept in the audit log)\n",
                (unsigned long long)skipped);
}

static const char *kind_name(uint32_t kind)
{
    switch (kind) {
    case NONOS_AUDIT_DENIED: return "denied";
    case NONOS_AUDIT_START: return "start";
    case NONOS_AUDIT_EXIT: return "exit";
    case NONOS_AUDIT_FAULT: return "fault";
    case NONOS_AUDIT_CPU_BUDGET: return "cpu budget";
    case NONOS_AUDIT_MEMORY: return "memory";
    case NONOS_AUDIT_KILL: return "kill";
    case NONOS_AUDIT_RESTART: return "restart";
    case NONOS_AUDIT_DMA_FAULT: return "dma fault";
    case NONOS_AUDIT_DEVICE: return "device";
    default: return "unknown";
    }
}

/* Fills the common fields of the next record and returns it; interrupts
 * are off. */
static struct nonos_audit_record *record_begin(const struct process *process, uint32_t kind)
{
    struct nonos_audit_record *record = &ring[next_sequence % AUDIT_RING_SIZE];
    *record = (struct nonos_audit_record){0};
    record->sequence = next_sequence++;
    record->time_ns = timer_uptime_ns();
    record->process = process ? process_id(process) : 0;
    record->kind = kind;
    record->slot = NONOS_SLOT_NONE;
    ksnprintf(record->name, sizeof record->name, "%s", process ? process_name(process) : "kernel");
    return record;
}

static const char *call_name(uint32_t number)
{
    const char *name = syscall_name(number);
    return name ? name : "unknown";
}

void audit_denied(const struct process *process, uint32_t syscall, uint32_t slot, int32_t error)
{
    bool state = interrupts_save();
    struct nonos_audit_record *record = record_begin(process, NONOS_AUDIT_DENIED);
    record->syscall = syscall;
    record->slot = slot;
    record->error = error;
    ksnprintf(record->detail, sizeof record->detail, "%s", kernel_error_message(error));
    struct nonos_audit_record copy = *record;
    uint64_t skipped;
    bool print = print_allowed(copy.time_ns, &skipped);
    interrupts_restore(state);
    if (!print)
        return;
    print_skipped(skipped);
    if (slot == NONOS_SLOT_NONE)
        kprintf("audit: #%llu %s (process %llu) denied %s (%u): %s\n",
                (unsigned long long)copy.sequence, copy.name, (unsigned long long)copy.process,
                call_name(syscall), syscall, copy.detail);
    else
        kprintf("audit: #%llu %s (process %llu) denied %s (%u) slot %u: %s\n",
                (unsigned long long)copy.sequence, copy.name, (unsigned long long)copy.process,
                call_name(syscall), syscall, slot, copy.detail);
}

void audit_event(const struct process *process, uint32_t kind, const char *detail)
{
    bool state = interrupts_save();
    struct nonos_audit_record *record = record_begin(process, kind);
    ksnprintf(record->detail, sizeof record->detail, "%s", detail ? detail : "");
    struct nonos_audit_record copy = *record;
    uint64_t skipped = 0;
    bool print = kind != NONOS_AUDIT_MEMORY || print_allowed(copy.time_ns, &skipped);
    interrupts_restore(state);
    if (!print)
        return;
    print_skipped(skipped);
    kprintf("audit: #%llu %s (process %llu) %s: %s\n", (unsigned long long)copy.sequence,
            copy.name, (unsigned long long)copy.process, kind_name(kind), copy.detail);
}

uint32_t audit_read(uint64_t first, struct nonos_audit_record *out, uint32_t count)
{
    bool state = interrupts_save();
    uint64_t oldest = next_sequence > AUDIT_RING_SIZE ? next_sequence - AUDIT_RING_SIZE : 0;
    uint64_t sequence = first > oldest ? first : oldest;
    uint32_t copied = 0;
    while (copied < count && sequence < next_sequence) {
        out[copied++] = ring[sequence % AUDIT_RING_SIZE];
        sequence++;
    }
    interrupts_restore(state);
    return copied;
}

uint64_t audit_next_sequence(void)
{
    return next_sequence;
}

uint64_t audit_wipe(void)
{
    bool state = interrupts_save();
    volatile unsigned char *bytes = (volatile unsigned char *)ring;
    for (size_t i = 0; i < sizeof ring; i++)
        bytes[i] = 0;
    next_sequence = 0;
    interrupts_restore(state);
    return sizeof ring;
}
