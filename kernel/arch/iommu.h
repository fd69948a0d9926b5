/* The arch interface for the IOMMU: DMA remapping domains, interrupt
 * remapping and DMA fault reports (x86: Intel VT-d, found through the ACPI
 * DMAR table; kernel/arch/x86_64/iommu/). Scheme: see kernel/arch/io.h.
 *
 * A domain confines one PCI function (requester id = bus << 8 | devfn):
 * from iommu_domain_create until iommu_domain_destroy the device reaches
 * exactly the pages iommu_map gave it, with the rights given, and every
 * other DMA it attempts is blocked and reported through iommu_fault_report.
 * After iommu_domain_destroy the device reaches nothing. iommu_unmap and
 * iommu_domain_destroy return only once the IOTLB holds no stale entry, so
 * a frame unmapped may be reused at once.
 *
 * Without an IOMMU (iommu_present false), no device is confined: the
 * kernel's device layer decides whether unconfined DMA is allowed
 * (docs/drivers.md). Callers keep interrupts off around each call (the
 * single CPU's lock). */
#ifndef NONOS_ARCH_INTERFACE_IOMMU_H
#define NONOS_ARCH_INTERFACE_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

enum iommu_result {
    IOMMU_OK = 0,
    IOMMU_ERROR_ABSENT,      /* no IOMMU, or none covers this device */
    IOMMU_ERROR_NO_MEMORY,   /* no frame for a table, or no domain id left */
    IOMMU_ERROR_RANGE,       /* the I/O address range is out of the domain's width or unaligned */
    IOMMU_ERROR_MAPPED,      /* a page of the range is mapped already */
    IOMMU_ERROR_BUSY,        /* the device has a domain already */
    IOMMU_ERROR_NO_ENTRY,    /* no interrupt-remapping entry is free */
};

struct iommu_domain;

/* Finds the IOMMU (DMAR table), sets up translation with every device
 * blocked, interrupt remapping and fault reporting, and enables them.
 * Returns false (and says why on the console) when there is none or it
 * cannot be used; the kernel then runs without. Called once at boot,
 * before any device is given to a driver. */
bool iommu_init(void);
bool iommu_present(void);
/* True when interrupt remapping is on: a device's MSI can then only raise
 * the vector of an entry the kernel made for that very device. */
bool iommu_interrupt_remapping(void);

/* A domain for the function `requester` of PCI segment `segment`; NULL
 * (and *error) when absent, busy or out of memory. */
struct iommu_domain *iommu_domain_create(uint16_t segment, uint16_t requester,
                                         enum iommu_result *error);
void iommu_domain_destroy(struct iommu_domain *domain);
/* The domain id the hardware uses (shown by lspci; never 0). */
uint32_t iommu_domain_id(const struct iommu_domain *domain);

/* Maps `pages` pages at I/O virtual address iova to the physical frames
 * phys[0..pages-1] (each page-aligned); readable by the device, writable
 * when device_write. All or nothing. */
enum iommu_result iommu_map(struct iommu_domain *domain, uint64_t iova,
                            const uint64_t *phys, uint64_t pages, bool device_write);
/* Unmaps; pages not mapped are skipped. The IOTLB is flushed on return. */
void iommu_unmap(struct iommu_domain *domain, uint64_t iova, uint64_t pages);
/* The first I/O virtual address above the largest one a domain can map. */
uint64_t iommu_domain_limit(const struct iommu_domain *domain);

/* Interrupt remapping: an entry that lets only `requester` raise `vector`
 * on the boot CPU. *handle identifies it; iommu_interrupt_message gives
 * the MSI address/data the device must be programmed with. */
enum iommu_result iommu_interrupt_allocate(uint16_t segment, uint16_t requester, uint8_t vector,
                                           uint32_t *handle);
void iommu_interrupt_message(uint32_t handle, uint64_t *address, uint32_t *data);
void iommu_interrupt_free(uint32_t handle);

/* Implemented by the kernel's device layer (kernel/device/), called by the
 * IOMMU code for each fault it reads from the hardware: the device that
 * attempted the access, the address, whether it was a write, and the
 * hardware's reason in words. Writes the audit record. Interrupt context. */
void iommu_fault_report(uint16_t segment, uint16_t requester, uint64_t address, bool write,
                        const char *reason);

#endif
