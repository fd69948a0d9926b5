/* Hostile DMA tests (issue 12, docs/drivers.md "Tests"): a driver capsule,
 * tests/capsules/hostile-dma-rng, programs its virtio-rng device to write
 * into (a) a kernel frame, (b) a page of another running capsule
 * (hostile-companion), (c) an I/O address nobody mapped. Each transfer
 * must be blocked by the IOMMU with a DMA-fault audit record naming the
 * address, the target's checksum unchanged, and the companion and the
 * kernel still running. Then the driver is killed while it holds DMA
 * buffers with a request queued: no mapping, no domain, no bus mastering
 * may be left behind. Last, the driver rewrites its own MSI-X table to
 * name another device's interrupt-remapping entry: the vector of that
 * entry must never fire (source-id validation). And a DMA mapping made
 * through a copy of a memory capability goes when the copy is revoked: the
 * device's write to that I/O address afterwards is blocked and audited,
 * the page unchanged.
 *
 * Without an IOMMU (suite 50's second boot) both tests check the other
 * half of the rule instead: the capsule naming a DMA device is refused
 * (ERROR_NOT_CONFINED) before it runs.
 *
 * The targets' addresses reach the capsule as the badges of capabilities
 * the harness puts in its table before it starts (hostile_dma.h). */
#include "kernel/arch/interrupt.h"
#include "kernel/arch/iommu.h"
#include "kernel/arch/irq.h"
#include "kernel/audit/audit.h"
#include "kernel/cap/capability.h"
#include "kernel/device/device.h"
#include "kernel/error.h"
#include "kernel/lib/print.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/process_internal.h"
#include "kernel/sched/thread.h"
#include "kernel/test/test.h"
#include "kernel/test/test_hostile.h"
#include "tests/capsules/lib/hostile_dma.h"
#include "tests/capsules/lib/hostile_slots.h"

#define UNMAPPED_IOVA 0x7f00000000ull /* below every domain's 39-bit limit, never given out */
#define COMPANION_WAIT_MS 3000u
#define CAPSULE_WAIT_MS 20000u

static uint64_t page_checksum(uint64_t phys)
{
    const uint8_t *bytes = phys_to_virt(phys);
    uint64_t hash = 0xcbf29ce484222325ull; /* FNV-1a */
    for (uint64_t i = 0; i < FRAME_SIZE; i++)
        hash = (hash ^ bytes[i]) * 0x100000001b3ull;
    return hash;
}

static bool badge_give(struct process *process, uint32_t slot, uint64_t badge)
{
    bool was_enabled = interrupts_save();
    int error = cap_insert_check(process->caps, slot);
    if (error == 0)
        cap_insert_apply(process->caps, slot, &process->object, 0, badge);
    interrupts_restore(was_enabled);
    return error == 0;
}

static struct device *device_of(const struct process *process)
{
    for (uint32_t i = 0; i < device_count(); i++) {
        if (device_at(i)->driver == process)
            return device_at(i);
    }
    return NULL;
}

/* Without an IOMMU the capsule must not even start. */
static bool refused_without_iommu(void)
{
    struct process *process;
    int error = hostile_create("hostile-dma-rng", &process);
    if (error == 0) {
        process_kill(process, PROCESS_END_KILLED, "test: must have been refused");
        hostile_release(process);
    }
    TEST_REQUIRE(error == -ERROR_NOT_CONFINED && !device_dma_unconfined_allowed(),
                 "no IOMMU: hostile-dma-rng was %s (error %d), want refused NOT_CONFINED",
                 error == 0 ? "created" : "refused", error);
    return true;
}

/* Starts hostile-dma-rng in `mode` with `targets`; *device its device.
 * False (after test_fail) when it cannot. */
static bool dma_capsule_start(uint32_t mode, const uint64_t targets[HOSTILE_DMA_TARGETS],
                              struct process **out, struct device **device)
{
    int error = hostile_create("hostile-dma-rng", out);
    TEST_REQUIRE(error == 0, "hostile-dma-rng not created: %s", kernel_error_message(error));
    bool given = badge_give(*out, HOSTILE_DMA_SLOT_MODE, mode);
    for (uint32_t i = 0; i < HOSTILE_DMA_TARGETS; i++)
        given = given && badge_give(*out, HOSTILE_DMA_SLOT_TARGET + i, targets[i]);
    *device = device_of(*out);
    if (!given || *device == NULL) {
        process_kill(*out, PROCESS_END_KILLED, "test: no slot for a target, or no device");
        hostile_release(*out);
        test_fail("hostile-dma-rng got %s", given ? "no virtio-rng (suite 50 adds a second one "
                                                    "for it; the first is the driver's)"
                                                  : "no slot for the targets");
        return false;
    }
    error = hostile_start(*out);
    if (error)
        hostile_release(*out);
    TEST_REQUIRE(error == 0, "hostile-dma-rng did not start: %s", kernel_error_message(error));
    return true;
}

/* A DMA-fault record about process `id` whose detail names `address`. */
static bool fault_recorded(uint64_t first, uint64_t id, uint64_t address)
{
    static struct nonos_audit_record records[AUDIT_RING_SIZE];
    char wanted[24];
    ksnprintf(wanted, sizeof wanted, " 0x%lx:", address);
    uint32_t count = audit_read(first, records, AUDIT_RING_SIZE);
    for (uint32_t i = 0; i < count; i++) {
        if (records[i].process != id || records[i].kind != NONOS_AUDIT_DMA_FAULT)
            continue;
        for (const char *at = records[i].detail; *at; at++) {
            const char *a = at, *b = wanted;
            while (*b && *a == *b) {
                a++;
                b++;
            }
            if (*b == '\0')
                return true;
        }
    }
    return false;
}

/* The companion's page: started, and its page mapped, within a few seconds. */
static bool companion_page(struct process **companion, uint64_t *phys)
{
    int error = hostile_launch("hostile-companion", companion);
    TEST_REQUIRE(error == 0, "hostile-companion did not start: %s", kernel_error_message(error));
    struct vm_mapping mapping;
    for (uint32_t waited = 0; waited < COMPANION_WAIT_MS; waited += 10) {
        if (vm_query((*companion)->space, HOSTILE_COMPANION_PAGE, &mapping)) {
            thread_sleep_ms(20); /* it fills the page right after mapping it */
            *phys = mapping.phys;
            return true;
        }
        thread_sleep_ms(10);
    }
    test_fail("hostile-companion never mapped its page");
    return false;
}

static void companion_stop(struct process *companion)
{
    process_kill(companion, PROCESS_END_KILLED, "test: done");
    process_wait_end(companion);
    hostile_release(companion);
}

static bool attack_check(struct process *capsule, bool ended, const uint64_t targets[3],
                         uint64_t first)
{
    TEST_REQUIRE(ended && capsule->end == PROCESS_END_EXIT && capsule->exit_status == 0,
                 "hostile-dma-rng: %s status %ld (0: it aimed all three and its own buffer was filled; 2/3: device trouble; 4: "
                 "DMA into its own mapped buffer did not land)",
                 process_end_name(capsule->end), capsule->exit_status);
    static const char *const names[3] = { "kernel frame", "companion page", "unmapped address" };
    for (unsigned i = 0; i < 3; i++)
        TEST_REQUIRE(fault_recorded(first, capsule->id, targets[i]),
                     "no DMA-fault audit record for the %s 0x%lx", names[i], targets[i]);
    return true;
}

static bool test_hostile_dma_blocked(void)
{
    if (!iommu_present())
        return refused_without_iommu();
    struct process *companion, *capsule;
    struct device *device;
    uint64_t kernel_frame = frame_alloc(), companion_phys = 0;
    TEST_REQUIRE(kernel_frame != 0, "no frame");
    uint8_t *bytes = phys_to_virt(kernel_frame);
    for (uint64_t i = 0; i < FRAME_SIZE; i++)
        bytes[i] = (uint8_t)(i * 7 + 1);
    if (!companion_page(&companion, &companion_phys)) {
        frame_free(kernel_frame);
        return false;
    }
    uint64_t targets[3] = { kernel_frame, companion_phys, UNMAPPED_IOVA };
    uint64_t before[2] = { page_checksum(kernel_frame), page_checksum(companion_phys) };
    uint64_t first = audit_next_sequence();
    bool ok = dma_capsule_start(HOSTILE_DMA_MODE_ATTACK, targets, &capsule, &device);
    if (ok) {
        bool ended = hostile_wait(capsule, CAPSULE_WAIT_MS);
        ok = attack_check(capsule, ended, targets, first);
        hostile_release(capsule);
    }
    uint64_t after[2] = { page_checksum(kernel_frame), page_checksum(companion_phys) };
    bool companion_ran = !companion->finished;
    int64_t companion_status = companion->exit_status;
    companion_stop(companion);
    frame_free(kernel_frame);
    if (!ok)
        return false; /* attack_check said why */
    TEST_REQUIRE(before[0] == after[0] && before[1] == after[1],
                 "a target changed: kernel frame %s, companion page %s",
                 before[0] == after[0] ? "same" : "CHANGED", before[1] == after[1] ? "same" : "CHANGED");
    TEST_REQUIRE(companion_ran, "hostile-companion ended during the attack (status %ld)",
                 companion_status);
    return true;
}

static uint32_t mappings_count(const struct device *device)
{
    uint32_t count = 0;
    for (const struct device_dma *m = device->mappings; m; m = m->next)
        count++;
    return count;
}

static bool test_hostile_dma_killed_mid_transfer(void)
{
    if (!iommu_present())
        return refused_without_iommu();
    struct process *capsule;
    struct device *device;
    uint64_t none[3] = { 0, 0, 0 };
    if (!dma_capsule_start(HOSTILE_DMA_MODE_HOLD, none, &capsule, &device))
        return false;
    uint32_t held = 0;
    for (uint32_t waited = 0; waited < CAPSULE_WAIT_MS && !capsule->finished; waited += 10) {
        if ((held = mappings_count(device)) > HOSTILE_DMA_HOLD_BUFFERS) /* + the ring */
            break;
        thread_sleep_ms(10);
    }
    thread_sleep_ms(20);
    process_kill(capsule, PROCESS_END_KILLED, "test: killed mid-transfer");
    process_wait_end(capsule);
    hostile_release(capsule);
    TEST_REQUIRE(held > HOSTILE_DMA_HOLD_BUFFERS, "the capsule mapped only %u DMA areas", held);
    uint32_t command = pci_config_read(&device->pci, PCI_COMMAND, 2);
    TEST_REQUIRE(device->driver == NULL && device->domain == NULL && device->mappings == NULL,
                 "after the kill: driver %p, domain %p, %u mappings left", (void *)device->driver,
                 (void *)device->domain, mappings_count(device));
    TEST_REQUIRE(!(command & PCI_COMMAND_BUS_MASTER), "bus mastering still on (command 0x%x)", command);
    /* The domain is gone from the hardware too: the device can be attached afresh. */
    enum iommu_result result;
    bool was_enabled = interrupts_save();
    struct iommu_domain *domain = iommu_domain_create(device->pci.segment,
                                                      pci_requester(&device->pci), &result);
    if (domain)
        iommu_domain_destroy(domain);
    interrupts_restore(was_enabled);
    TEST_REQUIRE(domain != NULL, "a new domain for the device: error %d (BUSY: the old one stayed)",
                 result);
    return true;
}

static volatile unsigned forged_interrupts;

static void forged_interrupt(void *context)
{
    (void)context;
    forged_interrupts++;
}

/* The victim entry: made for the host bridge (00:00.0), which never
 * interrupts, on a vector of the test's own. */
static bool test_hostile_dma_forged_interrupt(void)
{
    if (!iommu_present())
        return refused_without_iommu();
    TEST_REQUIRE(iommu_interrupt_remapping(), "interrupt remapping is off");
    struct device *victim = device_at(0);
    uint32_t vector, handle;
    TEST_REQUIRE(victim != NULL && irq_vector_allocate(forged_interrupt, NULL, &vector),
                 "no device 0 or no free vector");
    forged_interrupts = 0;
    bool was_enabled = interrupts_save();
    enum iommu_result result = iommu_interrupt_allocate(victim->pci.segment,
                                                        pci_requester(&victim->pci),
                                                        (uint8_t)vector, &handle);
    interrupts_restore(was_enabled);
    if (result != IOMMU_OK) {
        irq_vector_free(vector);
        TEST_REQUIRE(false, "no remapping entry for the victim: error %d", result);
    }
    uint64_t targets[3] = { handle & 0xffff, 0, 0 };
    struct process *capsule;
    struct device *device;
    bool ok = dma_capsule_start(HOSTILE_DMA_MODE_FORGE, targets, &capsule, &device);
    bool ended = false;
    enum process_end end = PROCESS_END_NONE;
    int64_t status = -1;
    if (ok) {
        ended = hostile_wait(capsule, CAPSULE_WAIT_MS);
        end = capsule->end;
        status = capsule->exit_status;
        hostile_release(capsule);
    }
    unsigned forged = forged_interrupts;
    was_enabled = interrupts_save();
    iommu_interrupt_free(handle);
    interrupts_restore(was_enabled);
    irq_vector_free(vector);
    if (!ok)
        return false; /* dma_capsule_start said why */
    TEST_REQUIRE(ended && end == PROCESS_END_EXIT && status == 0,
                 "hostile-dma-rng (forge): %s status %ld (2: its own interrupt failed; 5: no "
                 "MSI-X table)", process_end_name(end), status);
    TEST_REQUIRE(forged == 0, "%u forged interrupts reached vector 0x%x through entry %u of "
                 "another device", forged, vector, handle & 0xffff);
    return true;
}

#define DMA_ADDRESS_LOWEST (1ull << 20) /* kernel/device/dma.c never hands out less */

static bool test_hostile_dma_revoked(void)
{
    if (!iommu_present())
        return refused_without_iommu();
    struct process *capsule;
    struct device *device;
    uint64_t none[3] = { 0, 0, 0 };
    uint64_t first = audit_next_sequence();
    if (!dma_capsule_start(HOSTILE_DMA_MODE_REVOKE, none, &capsule, &device))
        return false;
    bool ended = hostile_wait(capsule, CAPSULE_WAIT_MS);
    enum process_end end = capsule->end;
    int64_t status = capsule->exit_status;
    uint64_t id = capsule->id;
    hostile_release(capsule);
    TEST_REQUIRE(ended && end == PROCESS_END_EXIT && status >= (int64_t)DMA_ADDRESS_LOWEST,
                 "hostile-dma-rng (revoke): %s status %ld (2: device trouble; 6: the device "
                 "wrote the page after the revoke; 7: a call failed)", process_end_name(end),
                 status);
    TEST_REQUIRE(fault_recorded(first, id, (uint64_t)status),
                 "no DMA-fault audit record for the revoked I/O address 0x%lx", (uint64_t)status);
    return true;
}

static const struct test_case hostile_dma_cases[] = {
    { "hostile_dma_write_after_revoke_blocked", test_hostile_dma_revoked },
    { "hostile_dma_forged_interrupt_dropped", test_hostile_dma_forged_interrupt },
    { "hostile_dma_blocked_and_audited", test_hostile_dma_blocked },
    { "hostile_dma_killed_mid_transfer_leaves_nothing", test_hostile_dma_killed_mid_transfer },
};
TEST_TABLE(hostile_dma_cases);
