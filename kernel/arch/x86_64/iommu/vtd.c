/* VT-d units: bring-up from the DMAR table, register access, the queued
 * invalidation interface and fault reporting (see vtd.h).
 *
 * Bring-up order per unit, each step checked: registers mapped uncached,
 * CAP/ECAP read and judged (queued invalidation and a 3- or 4-level
 * second-level width are required), whatever firmware left on turned off,
 * root table (all buses empty: every device blocked), invalidation queue,
 * global invalidations, fault event interrupt, interrupt remapping, then
 * translation. A unit that fails any step leaves iommu_init false and the
 * kernel runs without an IOMMU (saying why); units already started stay on
 * with every device blocked, the safe side of a half-working IOMMU. */
#include "kernel/arch/x86_64/iommu/vtd.h"

#include "kernel/acpi/acpi.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/lib/print.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/memory.h"
#include "kernel/mm/vm.h"
#include "kernel/panic.h"

#define STATUS_POLLS 10000000u /* GSTS and wait-status polls before giving up */
#define QUEUE_ENTRIES 256u     /* one 4 KiB page of 16-byte descriptors */
#define DOMAIN_IDS_MAX 1024u   /* ids the kernel hands out per unit at most */
/* Invalidation descriptors (128-bit, VT-d 6.5.2). */
#define DESCRIPTOR_CONTEXT 0x1ull
#define DESCRIPTOR_IOTLB 0x2ull
#define DESCRIPTOR_INTERRUPT_ENTRY 0x4ull
#define DESCRIPTOR_WAIT 0x5ull
#define CONTEXT_GLOBAL (1ull << 4)
#define CONTEXT_DEVICE (3ull << 4)
#define IOTLB_GLOBAL (1ull << 4)
#define IOTLB_DOMAIN (2ull << 4)
#define IOTLB_DRAIN (3ull << 6) /* drain reads and writes */
#define INTERRUPT_ENTRY_INDEX (1ull << 4)
#define WAIT_STATUS_WRITE (1ull << 5)
#define WAIT_FENCE (1ull << 6)
#define WAIT_DONE 1u
#define MSI_ADDRESS_BASE 0xfee00000u

static struct vtd_unit units[DMAR_MAX_UNITS];
static uint32_t unit_count;
static bool iommu_on;
static bool remapping_on;
static bool init_done; /* iommu_init runs once; later calls give its result */

uint32_t vtd_read32(const struct vtd_unit *unit, unsigned offset)
{
    return *(const volatile uint32_t *)(unit->registers + offset);
}

uint64_t vtd_read64(const struct vtd_unit *unit, unsigned offset)
{
    return *(const volatile uint64_t *)(unit->registers + offset);
}

void vtd_write32(struct vtd_unit *unit, unsigned offset, uint32_t value)
{
    *(volatile uint32_t *)(unit->registers + offset) = value;
}

void vtd_write64(struct vtd_unit *unit, unsigned offset, uint64_t value)
{
    *(volatile uint64_t *)(unit->registers + offset) = value;
}

void vtd_table_sync(const struct vtd_unit *unit, const volatile void *entry, uint64_t size)
{
    __asm__ volatile("" ::: "memory");
    if (unit->coherent)
        return;
    uintptr_t line = (uintptr_t)entry & ~(uintptr_t)63;
    for (; line < (uintptr_t)entry + size; line += 64)
        __asm__ volatile("clflush (%0)" ::"r"(line) : "memory");
    __asm__ volatile("mfence" ::: "memory");
}

/* Sets or clears one GCMD bit, repeating the persistent ones, and waits for
 * GSTS to follow. */
bool vtd_global_command(struct vtd_unit *unit, uint32_t bit, bool on)
{
    uint32_t state = vtd_read32(unit, VTD_GLOBAL_STATUS) & ~VTD_GLOBAL_ONE_SHOT;
    state = on ? state | bit : state & ~bit;
    vtd_write32(unit, VTD_GLOBAL_COMMAND, state);
    /* The write-buffer flush reports "in progress" and clears when done;
     * every other bit reports its new state. */
    bool done_when_set = bit == VTD_GLOBAL_WRITE_BUFFER_FLUSH ? false : on;
    for (uint32_t i = 0; i < STATUS_POLLS; i++) {
        bool set = (vtd_read32(unit, VTD_GLOBAL_STATUS) & bit) != 0;
        if (set == done_when_set)
            return true;
        cpu_pause();
    }
    return false;
}

/* ---- Queued invalidation ---------------------------------------------- */

static void queue_submit(struct vtd_unit *unit, uint64_t low, uint64_t high)
{
    uint64_t *queue = phys_to_virt(unit->queue);
    queue[2 * unit->queue_tail] = low;
    queue[2 * unit->queue_tail + 1] = high;
    vtd_table_sync(unit, &queue[2 * unit->queue_tail], 16);
    unit->queue_tail = (unit->queue_tail + 1) % QUEUE_ENTRIES;
}

/* Queues a wait descriptor behind what was submitted, rings the doorbell
 * and polls its status write: every earlier descriptor has completed. */
static void queue_wait(struct vtd_unit *unit)
{
    volatile uint32_t *status = phys_to_virt(unit->wait_status);
    *status = 0;
    queue_submit(unit, DESCRIPTOR_WAIT | WAIT_STATUS_WRITE | WAIT_FENCE | (uint64_t)WAIT_DONE << 32,
                 unit->wait_status);
    vtd_write64(unit, VTD_QUEUE_TAIL, (uint64_t)unit->queue_tail << 4);
    for (uint32_t i = 0; i < STATUS_POLLS; i++) {
        if (*status == WAIT_DONE) {
            unit->invalidations++;
            return;
        }
        if (vtd_read32(unit, VTD_FAULT_STATUS) & VTD_FAULT_QUEUE_ERROR)
            panic("iommu: invalidation queue error at 0x%lx (head 0x%lx)",
                  unit->dmar.register_base, vtd_read64(unit, VTD_QUEUE_HEAD));
        cpu_pause();
    }
    panic("iommu: invalidation never completed at 0x%lx", unit->dmar.register_base);
}

void vtd_invalidate_context(struct vtd_unit *unit, uint16_t domain_id, uint16_t requester)
{
    queue_submit(unit, DESCRIPTOR_CONTEXT | CONTEXT_DEVICE | (uint64_t)domain_id << 16 |
                           (uint64_t)requester << 32,
                 0);
    /* Context-cache invalidation is followed by a domain IOTLB flush
     * (VT-d 6.5.3.3): translations cached under the old entry go too. */
    queue_submit(unit, DESCRIPTOR_IOTLB | IOTLB_DOMAIN | IOTLB_DRAIN | (uint64_t)domain_id << 16, 0);
    queue_wait(unit);
}

void vtd_invalidate_iotlb(struct vtd_unit *unit, uint16_t domain_id)
{
    if (VTD_CAP_WRITE_BUFFER_FLUSH(unit->capability))
        vtd_global_command(unit, VTD_GLOBAL_WRITE_BUFFER_FLUSH, true);
    queue_submit(unit, DESCRIPTOR_IOTLB | IOTLB_DOMAIN | IOTLB_DRAIN | (uint64_t)domain_id << 16, 0);
    queue_wait(unit);
}

void vtd_invalidate_interrupt_entry(struct vtd_unit *unit, uint32_t index)
{
    if (index == VTD_IRT_ALL)
        queue_submit(unit, DESCRIPTOR_INTERRUPT_ENTRY, 0);
    else
        queue_submit(unit, DESCRIPTOR_INTERRUPT_ENTRY | INTERRUPT_ENTRY_INDEX | (uint64_t)index << 32, 0);
    queue_wait(unit);
}

static void invalidate_all(struct vtd_unit *unit)
{
    queue_submit(unit, DESCRIPTOR_CONTEXT | CONTEXT_GLOBAL, 0);
    queue_submit(unit, DESCRIPTOR_IOTLB | IOTLB_GLOBAL | IOTLB_DRAIN, 0);
    if (VTD_ECAP_INTERRUPT_REMAPPING(unit->extended))
        queue_submit(unit, DESCRIPTOR_INTERRUPT_ENTRY, 0);
    queue_wait(unit);
}

static bool queue_init(struct vtd_unit *unit)
{
    unit->queue = frame_alloc();
    unit->wait_status = frame_alloc();
    if (unit->queue == 0 || unit->wait_status == 0)
        return false;
    unit->queue_tail = 0;
    vtd_write64(unit, VTD_QUEUE_TAIL, 0);
    vtd_write64(unit, VTD_QUEUE_ADDRESS, unit->queue); /* QS 0: one page, 128-bit descriptors */
    return vtd_global_command(unit, VTD_GLOBAL_QUEUED_INVALIDATION, true);
}

/* ---- Faults ------------------------------------------------------------ */

static const char *const dma_reasons[] = {
    [0x1] = "root entry not present",
    [0x2] = "device blocked (context entry not present)",
    [0x3] = "invalid context entry",
    [0x4] = "address beyond the domain's width",
    [0x5] = "write to a page not mapped writable",
    [0x6] = "read of a page not mapped readable (not mapped)",
    [0x7] = "page-table entry access error",
    [0x8] = "root table access error",
    [0x9] = "context table access error",
    [0xa] = "reserved field in a root entry",
    [0xb] = "reserved field in a context entry",
    [0xc] = "reserved field in a page-table entry",
    [0xd] = "translation type blocked",
};
static const char *const interrupt_reasons[] = {
    [0x0] = "reserved field in an interrupt request",
    [0x1] = "interrupt index beyond the table",
    [0x2] = "interrupt entry not present",
    [0x3] = "interrupt table access error",
    [0x4] = "reserved field in an interrupt entry",
    [0x5] = "compatibility-format interrupt blocked",
    [0x6] = "interrupt from a device the entry does not name",
};

const char *vtd_fault_reason(unsigned reason)
{
    const char *text = NULL;
    if (reason < sizeof dma_reasons / sizeof dma_reasons[0])
        text = dma_reasons[reason];
    else if (reason >= 0x20 && reason - 0x20 < sizeof interrupt_reasons / sizeof interrupt_reasons[0])
        text = interrupt_reasons[reason - 0x20];
    return text != NULL ? text : "unknown fault reason";
}

static unsigned faults_drain_unit(struct vtd_unit *unit)
{
    unsigned reported = 0;
    uint32_t index = VTD_FAULT_RECORD_INDEX(vtd_read32(unit, VTD_FAULT_STATUS)) % unit->fault_count;
    for (unsigned i = 0; i < unit->fault_count; i++) {
        unsigned offset = unit->fault_offset + 16 * index;
        uint64_t high = vtd_read64(unit, offset + 8);
        if (!(high & VTD_RECORD_FAULT))
            break;
        uint64_t low = vtd_read64(unit, offset);
        unsigned reason = (unsigned)(high >> 32) & 0xff;
        /* Interrupt faults carry the entry index in bits 63:48 of the low half. */
        uint64_t address = reason >= 0x20 ? low >> 48 : low & ~0xfffull;
        vtd_write32(unit, offset + 12, (uint32_t)(VTD_RECORD_FAULT >> 32)); /* write 1 to clear */
        iommu_fault_report(unit->dmar.segment, (uint16_t)high, address,
                           !(high & VTD_RECORD_READ), vtd_fault_reason(reason));
        reported++;
        index = (index + 1) % unit->fault_count;
    }
    if (vtd_read32(unit, VTD_FAULT_STATUS) & VTD_FAULT_OVERFLOW) {
        vtd_write32(unit, VTD_FAULT_STATUS, VTD_FAULT_OVERFLOW);
        iommu_fault_report(unit->dmar.segment, 0, 0, false, "fault records overflowed (some lost)");
    }
    return reported;
}

unsigned vtd_faults_drain(void)
{
    unsigned reported = 0;
    for (uint32_t i = 0; i < unit_count; i++)
        reported += faults_drain_unit(&units[i]);
    return reported;
}

static void fault_interrupt(struct trap_frame *frame)
{
    (void)frame;
    vtd_faults_drain();
}

/* The fault event is a message the unit itself sends (never remapped) to
 * the boot CPU's VECTOR_IOMMU_FAULT. */
static void fault_event_init(struct vtd_unit *unit)
{
    vtd_write32(unit, VTD_FAULT_EVENT_CONTROL, VTD_FAULT_EVENT_MASK);
    faults_drain_unit(unit); /* whatever firmware left */
    vtd_write32(unit, VTD_FAULT_STATUS, VTD_FAULT_OVERFLOW | VTD_FAULT_QUEUE_ERROR);
    vtd_write32(unit, VTD_FAULT_EVENT_DATA, VECTOR_IOMMU_FAULT);
    vtd_write32(unit, VTD_FAULT_EVENT_ADDRESS, MSI_ADDRESS_BASE | lapic_id() << 12);
    vtd_write32(unit, VTD_FAULT_EVENT_UPPER_ADDRESS, 0);
    vtd_write32(unit, VTD_FAULT_EVENT_CONTROL, 0);
}

/* ---- Bring-up ---------------------------------------------------------- */

/* CAP and ECAP: what this kernel needs, or why the unit cannot be used. */
static const char *unit_judge(struct vtd_unit *unit)
{
    unit->capability = vtd_read64(unit, VTD_CAPABILITY);
    unit->extended = vtd_read64(unit, VTD_EXTENDED_CAPABILITY);
    unsigned sagaw = VTD_CAP_SAGAW(unit->capability);
    if (!VTD_ECAP_QUEUED_INVALIDATION(unit->extended))
        return "no queued invalidation";
    if (VTD_CAP_CACHING_MODE(unit->capability))
        return "caching mode (a virtual IOMMU wanting invalidations of new mappings) unsupported";
    unit->levels = (sagaw & (1u << 1)) ? 3 : (sagaw & (1u << 2)) ? 4 : 0;
    if (unit->levels == 0)
        return "neither 3- nor 4-level second-level tables";
    unit->fault_offset = VTD_CAP_FAULT_OFFSET(unit->capability);
    unit->fault_count = VTD_CAP_FAULT_COUNT(unit->capability);
    uint64_t iotlb_end = VTD_ECAP_IOTLB_OFFSET(unit->extended) + 16;
    uint64_t fault_end = unit->fault_offset + 16 * unit->fault_count;
    uint64_t needed = iotlb_end > fault_end ? iotlb_end : fault_end;
    if (needed > unit->register_size) { /* the IOTLB or fault registers lie past the first page */
        uint64_t size = (needed + FRAME_SIZE - 1) & ~(FRAME_SIZE - 1);
        vm_unmap_mmio(unit->registers, unit->register_size);
        unit->registers = vm_map_mmio(unit->dmar.register_base, size, VM_UNCACHED);
        unit->register_size = size;
        if (unit->registers == NULL)
            return "cannot map the fault recording registers";
    }
    uint32_t ids = 1u << (4 + 2 * VTD_CAP_DOMAINS(unit->capability));
    unit->domain_ids = ids < DOMAIN_IDS_MAX ? ids : DOMAIN_IDS_MAX;
    unit->coherent = VTD_ECAP_COHERENT(unit->extended) != 0;
    return NULL;
}

/* Firmware may leave translation or remapping on (DMA protection before
 * the OS): turn all of it off before the tables are replaced. */
static bool unit_quiesce(struct vtd_unit *unit)
{
    uint32_t status = vtd_read32(unit, VTD_GLOBAL_STATUS);
    if ((status & VTD_GLOBAL_TRANSLATION) && !vtd_global_command(unit, VTD_GLOBAL_TRANSLATION, false))
        return false;
    if ((status & VTD_GLOBAL_INTERRUPT_REMAPPING) &&
        !vtd_global_command(unit, VTD_GLOBAL_INTERRUPT_REMAPPING, false))
        return false;
    if (status & VTD_GLOBAL_QUEUED_INVALIDATION) {
        for (uint32_t i = 0; i < STATUS_POLLS && vtd_read64(unit, VTD_QUEUE_HEAD) !=
                                                     vtd_read64(unit, VTD_QUEUE_TAIL); i++)
            cpu_pause();
        if (!vtd_global_command(unit, VTD_GLOBAL_QUEUED_INVALIDATION, false))
            return false;
    }
    return true;
}

static const char *unit_start(struct vtd_unit *unit, const struct dmar_unit *dmar)
{
    unit->dmar = *dmar;
    unit->register_size = FRAME_SIZE;
    unit->registers = vm_map_mmio(dmar->register_base, unit->register_size, VM_UNCACHED);
    if (unit->registers == NULL)
        return "cannot map the registers";
    const char *why = unit_judge(unit);
    if (why != NULL)
        return why;
    if (!unit_quiesce(unit))
        return "firmware's translation would not turn off";
    if (!vtd_domains_init(unit))
        return "no memory for the root table";
    if (!vtd_global_command(unit, VTD_GLOBAL_ROOT_POINTER, true))
        return "root table pointer not latched";
    if (!queue_init(unit))
        return "invalidation queue did not start";
    invalidate_all(unit);
    fault_event_init(unit);
    if (VTD_ECAP_INTERRUPT_REMAPPING(unit->extended) && !vtd_interrupts_init(unit))
        return "interrupt remapping did not start";
    if (!vtd_global_command(unit, VTD_GLOBAL_TRANSLATION, true))
        return "translation did not turn on";
    return NULL;
}

static const uint8_t *dmar_map(void *context, uint64_t phys, uint64_t len)
{
    (void)context;
    if (len == 0 || phys + len < phys)
        return NULL;
    return vm_map_mmio(phys, len, 0);
}

bool iommu_init(void)
{
    if (init_done)
        return iommu_on;
    init_done = true;
    struct acpi_memory memory = { dmar_map, NULL };
    static struct dmar_info dmar;
    int result = dmar_find(&memory, acpi_state()->xsdt, &dmar);
    if (result != DMAR_OK) {
        kprintf("iommu: none: %s; device DMA is not confined\n", dmar_error_message(result));
        return false;
    }
    irq_set_handler(VECTOR_IOMMU_FAULT, fault_interrupt, lapic_eoi);
    bool remapping = true;
    for (uint32_t i = 0; i < dmar.unit_count; i++) {
        struct vtd_unit *unit = &units[i];
        const char *why = unit_start(unit, &dmar.units[i]);
        if (why != NULL) {
            kprintf("iommu: VT-d unit at 0x%lx unusable: %s; device DMA is not confined\n",
                    dmar.units[i].register_base, why);
            return false;
        }
        unit_count = i + 1;
        remapping = remapping && unit->remapping;
        kprintf("iommu: VT-d unit at 0x%lx, segment %u (%s, %u scopes): version %u.%u, "
                "%u-level tables (%u-bit I/O addresses), %u domain ids, interrupt remapping %s\n",
                unit->dmar.register_base, unit->dmar.segment,
                unit->dmar.include_all ? "all devices" : "listed devices", unit->dmar.scope_count,
                vtd_read32(unit, VTD_VERSION) >> 4 & 0xf, vtd_read32(unit, VTD_VERSION) & 0xf,
                unit->levels, 12 + 9 * unit->levels, unit->domain_ids - 1,
                unit->remapping ? "on" : "absent");
    }
    for (uint32_t i = 0; i < dmar.reserved_count; i++)
        kprintf("iommu: RMRR [0x%lx, 0x%lx] ignored: devices get no firmware-reserved memory\n",
                dmar.reserved[i].base, dmar.reserved[i].limit);
    iommu_on = true;
    remapping_on = remapping;
    return true;
}

bool iommu_present(void)
{
    return iommu_on;
}

bool iommu_interrupt_remapping(void)
{
    return remapping_on;
}

/* The unit listing the device (or the I/O APIC / HPET with that source id)
 * in a one-hop scope, else the INCLUDE_PCI_ALL unit of its segment. */
struct vtd_unit *vtd_unit_for(uint16_t segment, uint16_t requester)
{
    struct vtd_unit *catch_all = NULL;
    for (uint32_t i = 0; i < unit_count; i++) {
        struct vtd_unit *unit = &units[i];
        if (unit->dmar.segment != segment)
            continue;
        for (uint32_t s = 0; s < unit->dmar.scope_count; s++) {
            if (dmar_scope_requester(&unit->dmar.scopes[s]) == (int32_t)requester)
                return unit;
        }
        if (unit->dmar.include_all)
            catch_all = unit;
    }
    return catch_all;
}

uint32_t vtd_unit_index(const struct vtd_unit *unit)
{
    return (uint32_t)(unit - units);
}

struct vtd_unit *vtd_unit_at(uint32_t index)
{
    return index < unit_count ? &units[index] : NULL;
}

uint32_t vtd_unit_count(void)
{
    return unit_count;
}

bool vtd_ioapic_requester(uint8_t ioapic_id, uint16_t *segment, uint16_t *requester)
{
    for (uint32_t i = 0; i < unit_count; i++) {
        for (uint32_t s = 0; s < units[i].dmar.scope_count; s++) {
            const struct dmar_scope *scope = &units[i].dmar.scopes[s];
            int32_t id = dmar_scope_requester(scope);
            if (scope->type == DMAR_SCOPE_IOAPIC && scope->enumeration_id == ioapic_id && id >= 0) {
                *segment = units[i].dmar.segment;
                *requester = (uint16_t)id;
                return true;
            }
        }
    }
    return false;
}
