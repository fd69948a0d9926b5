/* Intel VT-d (Intel Virtualization Technology for Directed I/O,
 * Architecture Specification), the x86 implementation of kernel/arch/iommu.h.
 *
 * One struct vtd_unit per DRHD of the DMAR table. Each unit runs in legacy
 * mode: a root table (one entry per bus) points at context tables (one
 * 16-byte entry per device/function); a present context entry gives a
 * device its domain: a domain id and the root of second-level page tables
 * (3 or 4 levels, as CAP.SAGAW allows). A device with no present context
 * entry is blocked: every DMA it attempts faults ("context entry not
 * present"). Invalidations (context cache, IOTLB, interrupt entry cache)
 * go through the queued-invalidation interface, each followed by a wait
 * descriptor whose status write the CPU polls: an invalidation has
 * completed when the function that asked for it returns.
 *
 * Interrupt remapping: one table of VTD_IRT_ENTRIES 16-byte entries per
 * unit; an entry names the vector, the destination (the boot CPU's APIC
 * id) and the source id that alone may use it (SVT = verify all 16 bits of
 * the requester id). Compatibility-format interrupts are blocked (GCMD.CFI
 * stays clear), so a device's only way to interrupt is an entry the kernel
 * made for it.
 *
 * Files: vtd.c (units: bring-up, registers, invalidation queue, faults),
 * vtd_domain.c (context entries, page tables, map/unmap), vtd_interrupt.c
 * (the interrupt-remapping table). Everything runs with interrupts off. */
#ifndef NONOS_ARCH_X86_64_IOMMU_VTD_H
#define NONOS_ARCH_X86_64_IOMMU_VTD_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/acpi/acpi_dmar.h"
#include "kernel/arch/iommu.h"

/* Register offsets (VT-d spec, chapter 11). */
#define VTD_VERSION 0x00
#define VTD_CAPABILITY 0x08
#define VTD_EXTENDED_CAPABILITY 0x10
#define VTD_GLOBAL_COMMAND 0x18
#define VTD_GLOBAL_STATUS 0x1c
#define VTD_ROOT_TABLE_ADDRESS 0x20
#define VTD_FAULT_STATUS 0x34
#define VTD_FAULT_EVENT_CONTROL 0x38
#define VTD_FAULT_EVENT_DATA 0x3c
#define VTD_FAULT_EVENT_ADDRESS 0x40
#define VTD_FAULT_EVENT_UPPER_ADDRESS 0x44
#define VTD_QUEUE_HEAD 0x80
#define VTD_QUEUE_TAIL 0x88
#define VTD_QUEUE_ADDRESS 0x90
#define VTD_INTERRUPT_TABLE_ADDRESS 0xb8

/* Global command / status bits (the same positions in both). */
#define VTD_GLOBAL_TRANSLATION (1u << 31)
#define VTD_GLOBAL_ROOT_POINTER (1u << 30)
#define VTD_GLOBAL_WRITE_BUFFER_FLUSH (1u << 27)
#define VTD_GLOBAL_QUEUED_INVALIDATION (1u << 26)
#define VTD_GLOBAL_INTERRUPT_REMAPPING (1u << 25)
#define VTD_GLOBAL_INTERRUPT_TABLE_POINTER (1u << 24)
#define VTD_GLOBAL_COMPATIBILITY_FORMAT (1u << 23)
/* The one-shot command bits; GSTS with these cleared is the persistent state
 * a new GCMD write must repeat. */
#define VTD_GLOBAL_ONE_SHOT (VTD_GLOBAL_ROOT_POINTER | (1u << 29) | \
                             VTD_GLOBAL_WRITE_BUFFER_FLUSH | VTD_GLOBAL_INTERRUPT_TABLE_POINTER)

/* CAP fields. */
#define VTD_CAP_DOMAINS(cap) ((unsigned)((cap) & 7))
#define VTD_CAP_WRITE_BUFFER_FLUSH(cap) (((cap) >> 4) & 1)
#define VTD_CAP_CACHING_MODE(cap) (((cap) >> 7) & 1)
#define VTD_CAP_SAGAW(cap) ((unsigned)(((cap) >> 8) & 0x1f))
#define VTD_CAP_MGAW(cap) ((unsigned)(((cap) >> 16) & 0x3f) + 1)
#define VTD_CAP_FAULT_OFFSET(cap) ((unsigned)(((cap) >> 24) & 0x3ff) * 16)
#define VTD_CAP_FAULT_COUNT(cap) ((unsigned)(((cap) >> 40) & 0xff) + 1)
/* ECAP fields. */
#define VTD_ECAP_COHERENT(ecap) ((ecap) & 1)
#define VTD_ECAP_QUEUED_INVALIDATION(ecap) (((ecap) >> 1) & 1)
#define VTD_ECAP_INTERRUPT_REMAPPING(ecap) (((ecap) >> 3) & 1)
#define VTD_ECAP_IOTLB_OFFSET(ecap) ((unsigned)(((ecap) >> 8) & 0x3ff) * 16)

/* Fault status bits. */
#define VTD_FAULT_OVERFLOW (1u << 0)
#define VTD_FAULT_PENDING (1u << 1)
#define VTD_FAULT_QUEUE_ERROR (1u << 4)
#define VTD_FAULT_RECORD_INDEX(fsts) (((fsts) >> 8) & 0xff)
#define VTD_FAULT_EVENT_MASK (1u << 31)
/* A fault recording register: 16 bytes; in the upper 8: F (bit 63),
 * T (62: 1 = read), reason (39:32), source id (15:0). */
#define VTD_RECORD_FAULT (1ull << 63)
#define VTD_RECORD_READ (1ull << 62)

/* Second-level paging entries. */
#define VTD_PTE_READ (1ull << 0)
#define VTD_PTE_WRITE (1ull << 1)
#define VTD_PTE_ADDRESS 0x000ffffffffff000ull

#define VTD_IRT_ENTRIES 256u     /* one 4 KiB table */
#define VTD_IRT_SIZE_FIELD 7u    /* entries = 2^(S + 1) */
#define VTD_MAX_BUSES 256u

struct vtd_unit {
    volatile uint8_t *registers;
    uint64_t register_size;
    struct dmar_unit dmar;     /* base, segment, INCLUDE_PCI_ALL, scopes */
    uint64_t capability, extended;
    unsigned levels;           /* of every domain's page tables: 3 or 4 */
    unsigned fault_offset, fault_count;
    uint32_t domain_ids;       /* ids 1..domain_ids - 1 are ours to give */
    bool coherent;             /* page walks snoop the caches (ECAP.C) */
    bool remapping;            /* interrupt remapping is on */
    uint64_t root_table;       /* physical */
    uint64_t context_tables[VTD_MAX_BUSES]; /* physical, 0: none yet */
    uint64_t queue;            /* the invalidation queue, physical */
    uint32_t queue_tail;       /* next descriptor index */
    uint64_t wait_status;      /* physical address of the wait status dword */
    uint64_t interrupt_table;  /* physical */
    uint8_t interrupt_used[VTD_IRT_ENTRIES];
    uint64_t invalidations;    /* completed waits, for tests */
};

struct iommu_domain {
    struct vtd_unit *unit;
    uint16_t segment, requester;
    uint16_t id;
    unsigned levels;
    uint64_t root;             /* physical: the top second-level table */
    uint64_t limit;
    uint64_t mapped_pages;
};

/* vtd.c */
struct vtd_unit *vtd_unit_for(uint16_t segment, uint16_t requester);
uint32_t vtd_unit_index(const struct vtd_unit *unit);
struct vtd_unit *vtd_unit_at(uint32_t index);
uint32_t vtd_unit_count(void);
uint32_t vtd_read32(const struct vtd_unit *unit, unsigned offset);
uint64_t vtd_read64(const struct vtd_unit *unit, unsigned offset);
void vtd_write32(struct vtd_unit *unit, unsigned offset, uint32_t value);
void vtd_write64(struct vtd_unit *unit, unsigned offset, uint64_t value);
/* Sets or clears a GCMD bit (repeating the persistent ones) and waits for
 * GSTS to follow; false on a timeout. */
bool vtd_global_command(struct vtd_unit *unit, uint32_t bit, bool on);
/* Makes the CPU's writes to a table the hardware walks visible to it
 * (a cache-line flush when page walks do not snoop). */
void vtd_table_sync(const struct vtd_unit *unit, const volatile void *entry, uint64_t size);
/* Queued invalidations, each waited for before returning (panics if the
 * hardware reports a queue error or never completes: isolation would be
 * broken otherwise). */
void vtd_invalidate_context(struct vtd_unit *unit, uint16_t domain_id, uint16_t requester);
void vtd_invalidate_iotlb(struct vtd_unit *unit, uint16_t domain_id);
#define VTD_IRT_ALL 0xffffffffu /* every entry */
void vtd_invalidate_interrupt_entry(struct vtd_unit *unit, uint32_t index);
/* Reads, reports (iommu_fault_report) and clears every recorded fault of
 * every unit; returns how many. Called by the fault interrupt; tests call
 * it too. */
unsigned vtd_faults_drain(void);
const char *vtd_fault_reason(unsigned reason);

/* vtd_domain.c */
bool vtd_domains_init(struct vtd_unit *unit); /* the root table */
/* The leaf entry mapping iova in domain (0 when none), for tests. */
uint64_t vtd_domain_entry(const struct iommu_domain *domain, uint64_t iova);
/* The raw context entry of requester (lo, hi), for tests. */
void vtd_context_entry(const struct vtd_unit *unit, uint16_t requester, uint64_t *lo, uint64_t *hi);

/* vtd_interrupt.c */
bool vtd_interrupts_init(struct vtd_unit *unit);
/* iommu_interrupt_allocate with the trigger mode: level for the I/O
 * APIC's level-triggered inputs (the entry's TM decides whether the LAPIC
 * broadcasts the EOI that lets the input fire again). */
enum iommu_result vtd_interrupt_allocate(uint16_t segment, uint16_t requester, uint8_t vector,
                                         bool level, uint32_t *handle);
/* The raw entry behind a handle (lo, hi), for tests. */
void vtd_interrupt_entry(uint32_t handle, uint64_t *lo, uint64_t *hi);
/* An I/O APIC's source id from the DMAR scopes (its requester for
 * iommu_interrupt_allocate), false when no unit lists it. An I/O APIC
 * redirection entry in remappable format carries the entry's index:
 * bit 48 = 1 (remappable), bits 63:49 = index[14:0], bit 11 = index[15];
 * its vector field must equal the entry's vector. */
bool vtd_ioapic_requester(uint8_t ioapic_id, uint16_t *segment, uint16_t *requester);

#endif
