/* In-kernel tests of revocation (docs/syscalls.md: cap_delete, cap_revoke): a
 * mapping belongs to the capability it was made through, so emptying that
 * capability ends the access.
 *
 *   - a ring-3 child allocates memory, copies the capability and maps the
 *     copy, then counts in the page; the parent (this test, holding the
 *     original after moving it into a table of its own) revokes: the
 *     child's next write faults, it is killed with the fault in the audit
 *     log, and the count stays where it was;
 *   - a child that deletes the copy it mapped through faults on its next
 *     read;
 *   - DMA mapping records are charged to the mapping process's memory
 *     limit (a map over it is refused and audited, the charge comes back at
 *     unmap), and a DMA mapping made through a copy goes when an ancestor
 *     is revoked (both with and without an IOMMU; without one, the revoke
 *     turns bus mastering off; the device write after revoke is
 *     test_hostile_dma.c's).
 * Each test can fail: without the unmapping, the child keeps counting (or
 * exits 0); without the charge, the map over the limit succeeds. */
#include "kernel/arch/interrupt.h"
#include "kernel/arch/iommu.h"
#include "kernel/audit/audit.h"
#include "kernel/cap/capability.h"
#include "kernel/device/device.h"
#include "kernel/error.h"
#include "kernel/lib/print.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/process_internal.h"
#include "kernel/sched/thread.h"
#include "kernel/syscall/handlers.h"
#include "kernel/test/test.h"
#include "kernel/test/test_hostile.h"
#include "kernel/test/test_payload.h"

#define CHILD_ROOT_SLOT 16  /* the payloads' memory_allocate destination */
#define CHILD_COPY_SLOT 17  /* the copy they map through */
#define CHILD_WAIT_MS 5000u
#define COUNT_BEFORE_REVOKE 10000u
#define CHILD_CPU_US 20000000u /* 20 s: the hog must not end by its budget first */

/* memory_allocate(1, 16); cap_copy(16, 17, RW); memory_map(17, rdi, RW);
 * then `inc qword [rdi]` for ever. A failed call exits 100 - error. */
static const uint8_t counting_child[] = {
    0x48, 0x89, 0xfb, 0xb8, 0x14, 0x00, 0x00, 0x00, 0xbf, 0x01, 0x00, 0x00, 0x00, 0xbe, 0x10,
    0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x75, 0x39, 0xb8, 0x0a, 0x00, 0x00, 0x00,
    0xbf, 0x10, 0x00, 0x00, 0x00, 0xbe, 0x11, 0x00, 0x00, 0x00, 0xba, 0x03, 0x00, 0x00, 0x00,
    0x0f, 0x05, 0x48, 0x85, 0xc0, 0x75, 0x1e, 0xb8, 0x15, 0x00, 0x00, 0x00, 0xbf, 0x11, 0x00,
    0x00, 0x00, 0x48, 0x89, 0xde, 0xba, 0x03, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x85, 0xc0,
    0x75, 0x05, 0x48, 0xff, 0x03, 0xeb, 0xfb, 0x48, 0x8d, 0x78, 0x64, 0x31, 0xc0, 0x0f, 0x05,
    0x0f, 0x0b,
};

/* The same three calls; writes 0x5a17 and reads it back (else exit 3);
 * cap_delete(17); reads the page again, which must fault; exit 0 if not. */
static const uint8_t deleting_child[] = {
    0x48, 0x89, 0xfb, 0xb8, 0x14, 0x00, 0x00, 0x00, 0xbf, 0x01, 0x00, 0x00, 0x00, 0xbe, 0x10,
    0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x75, 0x6b, 0xb8, 0x0a, 0x00, 0x00, 0x00,
    0xbf, 0x10, 0x00, 0x00, 0x00, 0xbe, 0x11, 0x00, 0x00, 0x00, 0xba, 0x03, 0x00, 0x00, 0x00,
    0x0f, 0x05, 0x48, 0x85, 0xc0, 0x75, 0x50, 0xb8, 0x15, 0x00, 0x00, 0x00, 0xbf, 0x11, 0x00,
    0x00, 0x00, 0x48, 0x89, 0xde, 0xba, 0x03, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x85, 0xc0,
    0x75, 0x37, 0x48, 0xc7, 0x03, 0x17, 0x5a, 0x00, 0x00, 0x48, 0x81, 0x3b, 0x17, 0x5a, 0x00,
    0x00, 0x75, 0x1c, 0xb8, 0x0d, 0x00, 0x00, 0x00, 0xbf, 0x11, 0x00, 0x00, 0x00, 0x0f, 0x05,
    0x48, 0x85, 0xc0, 0x75, 0x16, 0x48, 0x8b, 0x0b, 0x31, 0xff, 0x31, 0xc0, 0x0f, 0x05, 0x0f,
    0x0b, 0xbf, 0x03, 0x00, 0x00, 0x00, 0x31, 0xc0, 0x0f, 0x05, 0x0f, 0x0b, 0x48, 0x8d, 0x78,
    0x64, 0x31, 0xc0, 0x0f, 0x05, 0x0f, 0x0b,
};

static bool text_contains(const char *text, const char *part)
{
    for (; *text; text++) {
        const char *a = text, *b = part;
        while (*b && *a == *b) {
            a++;
            b++;
        }
        if (*b == '\0')
            return true;
    }
    return false;
}

/* Waits for the end (up to CHILD_WAIT_MS); false when it did not come. */
static bool child_ended(struct process *child)
{
    for (uint32_t waited = 0; waited < CHILD_WAIT_MS && !child->finished; waited += 10)
        thread_sleep_ms(10);
    return child->finished;
}

/* Killed by a fault on `address`, recorded in the audit log from `first`. */
static bool fault_checked(struct process *child, uint64_t first, uint64_t address)
{
    TEST_REQUIRE(child->end == PROCESS_END_FAULT, "the child ended with %s, status %ld (want a "
                 "fault on its next access)", process_end_name(child->end), child->exit_status);
    struct nonos_audit_record record;
    char wanted[48];
    ksnprintf(wanted, sizeof wanted, "access to unmapped memory at 0x%lx", address);
    TEST_REQUIRE(audit_find(first, child->id, NONOS_AUDIT_FAULT, &record) &&
                     text_contains(record.detail, wanted),
                 "no fault record \"%s\" about the child", wanted);
    return true;
}

/* The child's counter page, once it counts past COUNT_BEFORE_REVOKE. */
static volatile uint64_t *counter_wait(struct process *child)
{
    struct vm_mapping mapping;
    for (uint32_t waited = 0; waited < CHILD_WAIT_MS && !child->finished; waited += 10) {
        bool was_enabled = interrupts_save();
        bool mapped = vm_query(child->space, child->map_area, &mapping);
        interrupts_restore(was_enabled);
        volatile uint64_t *counter = mapped ? phys_to_virt(mapping.phys) : NULL;
        if (counter && *counter >= COUNT_BEFORE_REVOKE)
            return counter;
        thread_sleep_ms(10);
    }
    return NULL;
}

static void child_stop(struct process *child)
{
    if (!child->finished) {
        process_kill(child, PROCESS_END_KILLED, "test: still running");
        process_wait_end(child);
    }
}

/* Moves the child's original into `parent` (as if the parent had kept it
 * and given the child only the copy) and revokes it there: the revoke
 * reaches the copy in the child's table. Returns the count at revoke. */
static uint64_t parent_revokes(struct process *child, struct cap_table *parent,
                               volatile uint64_t *counter, uint32_t *revoked)
{
    bool was_enabled = interrupts_save();
    cap_move_apply(child->caps, CHILD_ROOT_SLOT, parent, 0);
    *revoked = cap_revoke_apply(parent, 0);
    uint64_t count = *counter; /* the child cannot run until interrupts are back on */
    interrupts_restore(was_enabled);
    return count;
}

static bool test_revoke_unmaps_child(void)
{
    static uint8_t elf[PAYLOAD_MAX];
    struct cap_table *parent = cap_table_create(1);
    TEST_REQUIRE(parent != NULL, "no memory for the parent's table");
    struct process *child;
    uint64_t first = audit_next_sequence();
    int error = payload_start("revoke-child", counting_child, sizeof counting_child,
                              CHILD_CPU_US, elf, &child);
    if (error)
        cap_table_destroy(parent);
    TEST_REQUIRE(error == 0, "the child did not start: %s", kernel_error_message(error));
    volatile uint64_t *counter = counter_wait(child);
    uint64_t at_revoke = 0;
    uint32_t revoked = 0;
    if (counter)
        at_revoke = parent_revokes(child, parent, counter, &revoked);
    bool ended = counter && child_ended(child);
    uint64_t after = counter ? *counter : 0;
    child_stop(child);
    bool was_enabled = interrupts_save();
    cap_table_destroy(parent); /* the frames were the original's: they go now */
    interrupts_restore(was_enabled);
    TEST_REQUIRE(counter != NULL, "the child never counted to %u in its mapped page (%s, "
                 "status %ld)", COUNT_BEFORE_REVOKE, process_end_name(child->end),
                 child->exit_status);
    TEST_REQUIRE(revoked == 1, "revoke deleted %u capabilities, want the child's copy", revoked);
    TEST_REQUIRE(ended, "the child still ran %u ms after the revoke (count %lu -> %lu): the "
                 "mapping outlived its capability", CHILD_WAIT_MS, at_revoke, after);
    TEST_REQUIRE(after == at_revoke, "the child wrote after the revoke: %lu -> %lu", at_revoke,
                 after);
    return fault_checked(child, first, child->map_area);
}

static bool test_delete_unmaps_own_copy(void)
{
    static uint8_t elf[PAYLOAD_MAX];
    struct process *child;
    uint64_t first = audit_next_sequence();
    int error = payload_start("delete-child", deleting_child, sizeof deleting_child,
                              CHILD_CPU_US, elf, &child);
    TEST_REQUIRE(error == 0, "the child did not start: %s", kernel_error_message(error));
    bool ended = child_ended(child);
    child_stop(child);
    TEST_REQUIRE(ended, "the child did not end within %u ms", CHILD_WAIT_MS);
    TEST_REQUIRE(child->end != PROCESS_END_EXIT || child->exit_status != 0,
                 "the child read its page after deleting the capability it mapped it through");
    TEST_REQUIRE(child->end != PROCESS_END_EXIT || child->exit_status != 3,
                 "the child could not read back what it wrote before the delete");
    return fault_checked(child, first, child->map_area);
}

/* ---- DMA records: charged, and removed by revoke --------------------------- */

struct dma_budget {
    struct process *process;
    struct device *device;
    uint32_t slots[4];
    int64_t allocate, maps[3], revoked;
    uint32_t count_at_limit, count_after_revoke;
    uint64_t limit, used_at_limit, used_before, used_after_revoke;
    bool over_limit_audited, copy_mapping_gone, unconfined, bus_master_after_revoke;
};

static struct device *device_of(const struct process *process)
{
    for (uint32_t i = 0; i < device_count(); i++) {
        if (device_at(i)->driver == process)
            return device_at(i);
    }
    return NULL;
}

/* Sets or clears bus mastering; returns whether it was on. */
static bool bus_master_set(struct device *device, bool on)
{
    uint32_t command = pci_config_read(&device->pci, PCI_COMMAND, 2);
    uint32_t wanted = on ? command | PCI_COMMAND_BUS_MASTER : command & ~PCI_COMMAND_BUS_MASTER;
    pci_config_write(&device->pci, PCI_COMMAND, 2, wanted);
    return (command & PCI_COMMAND_BUS_MASTER) != 0;
}

/* Three objects (contiguous: DMA without an IOMMU needs it) and a copy of
 * the third in slots[3]. */
static int64_t budget_objects(struct dma_budget *r)
{
    for (int i = 0; i < 4; i++) {
        r->slots[i] = cap_free_slot(r->process->caps);
        int64_t error = i < 3 ? sys_memory_allocate_contiguous(1, r->slots[i])
                              : sys_cap_copy(r->slots[2], r->slots[3], RIGHT_READ | RIGHT_WRITE);
        if (r->slots[i] == CAP_SLOT_NONE || error)
            return r->slots[i] == CAP_SLOT_NONE ? -ERROR_SLOT_LIMIT : error;
    }
    return 0;
}

/* Runs as a thread of the driver process: the limit leaves room for two
 * records; the third map is refused; then a mapping made through the copy
 * goes with a revoke of the original. */
static void dma_budget_main(void *arg)
{
    struct dma_budget *r = arg;
    struct process *p = r->process;
    r->allocate = budget_objects(r);
    if (r->allocate == 0) {
        uint64_t first = audit_next_sequence();
        r->used_before = p->memory_used;
        r->limit = p->memory_limit;
        p->memory_limit = p->memory_used + 2 * DEVICE_DMA_CHARGE + DEVICE_DMA_CHARGE / 2;
        for (int i = 0; i < 3; i++)
            r->maps[i] = device_dma_map(r->device, p, r->slots[i]);
        r->count_at_limit = r->device->mapping_count;
        r->used_at_limit = p->memory_used;
        struct nonos_audit_record record;
        r->over_limit_audited = audit_find(first, p->id, NONOS_AUDIT_MEMORY, &record);
        p->memory_limit = r->limit;
        device_dma_unmap(r->device, (uint64_t)r->maps[1]);
        int64_t copy_address = device_dma_map(r->device, p, r->slots[3]);
        r->unconfined = r->device->domain == NULL;
        if (r->unconfined) /* nothing but bus mastering can stop it: the revoke must turn it off */
            bus_master_set(r->device, true);
        r->revoked = sys_cap_revoke(r->slots[2]);
        r->bus_master_after_revoke = bus_master_set(r->device, false);
        r->copy_mapping_gone = copy_address > 0 &&
                               device_dma_unmap(r->device, (uint64_t)copy_address) == -ERROR_NOT_FOUND;
        r->count_after_revoke = r->device->mapping_count;
        device_dma_unmap(r->device, (uint64_t)r->maps[0]);
        r->used_after_revoke = p->memory_used;
    }
    process_thread_exit();
}

static bool dma_budget_checked(const struct dma_budget *r)
{
    TEST_REQUIRE(r->allocate == 0, "allocating the objects: %s", kernel_error_message(r->allocate));
    TEST_REQUIRE(r->maps[0] > 0 && r->maps[1] > 0, "maps within the limit: %ld, %ld", r->maps[0],
                 r->maps[1]);
    TEST_REQUIRE(r->maps[2] == -ERROR_NO_MEMORY && r->count_at_limit == 2,
                 "the map over the limit gave %ld (want -NO_MEMORY), %u records", r->maps[2],
                 r->count_at_limit);
    TEST_REQUIRE(r->used_at_limit == r->used_before + 2 * DEVICE_DMA_CHARGE,
                 "two records charged %lu bytes, want %lu", r->used_at_limit - r->used_before,
                 2 * DEVICE_DMA_CHARGE);
    TEST_REQUIRE(r->over_limit_audited, "the refusal is not in the audit log");
    TEST_REQUIRE(r->revoked == 1 && r->copy_mapping_gone && r->count_after_revoke == 1,
                 "revoke of the original: %ld deleted, the copy's DMA mapping %s, %u records "
                 "left (want 1)", r->revoked, r->copy_mapping_gone ? "gone" : "STILL THERE",
                 r->count_after_revoke);
    TEST_REQUIRE(!r->unconfined || !r->bus_master_after_revoke,
                 "without an IOMMU the revoke left bus mastering on: the device could still "
                 "reach the frames");
    TEST_REQUIRE(r->used_after_revoke == r->used_before, "charge %lu after every record went, "
                 "was %lu", r->used_after_revoke, r->used_before);
    return true;
}

static bool test_dma_records_charged_and_revoked(void)
{
    static struct dma_budget r;
    __builtin_memset(&r, 0, sizeof r);
    bool was = iommu_present() ? device_dma_unconfined_allowed() : device_dma_unconfined_set(true);
    int error = hostile_create("hostile-device-driver", &r.process);
    r.device = error == 0 ? device_of(r.process) : NULL;
    if (error == 0 && r.device != NULL)
        error = process_thread_add(r.process, false, dma_budget_main, &r, NULL);
    if (error == 0 && r.device == NULL)
        error = -ERROR_NOT_FOUND;
    if (r.process != NULL) {
        if (error)
            process_kill(r.process, PROCESS_END_KILLED, "test: not run");
        process_wait_end(r.process);
        hostile_release(r.process);
    }
    device_dma_unconfined_set(was);
    TEST_REQUIRE(error == 0, "the driver process: %s", kernel_error_message(error));
    return dma_budget_checked(&r);
}

static const struct test_case revoke_cases[] = {
    { "revoke_unmaps_child_mapping", test_revoke_unmaps_child },
    { "delete_unmaps_own_mapping", test_delete_unmaps_own_copy },
    { "dma_records_charged_and_revoked", test_dma_records_charged_and_revoked },
};
TEST_TABLE(revoke_cases);
