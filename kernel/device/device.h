/* Device objects (OBJECT_DEVICE): one per PCI function found at boot,
 * what a driver capsule's device capability names (docs/drivers.md).
 *
 * Devices are kernel singletons: each holds a permanent reference of the
 * kernel, so deleting capabilities never destroys one. A device is claimed
 * by at most one live process, the one whose policy got it a capability
 * (device_claim); while claimed it may have an IOMMU domain, DMA mappings
 * and interrupt bindings, all of which device_release_process removes when
 * that process ends, after turning bus mastering off, so a driver killed
 * mid-transfer leaves no mapping behind. Interrupts off (the single CPU's
 * lock) around every change of a device's state. */
#ifndef NONOS_DEVICE_DEVICE_H
#define NONOS_DEVICE_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cap/capability.h"
#include "kernel/cap/object.h"
#include "kernel/device/pci.h"
#include "sdk/include/nonos/abi.h"

#define DEVICE_MAX 64u
#define DEVICE_IRQ_MAX 8u /* interrupt bindings per device */
#define DEVICE_DMA_MAX 1024u /* DMA mappings per device: bounds the kernel memory one driver holds */

struct process;
struct iommu_domain;
struct manifest_name;

/* One DMA mapping: the memory object's frames reachable at `address`.
 * Charged (DEVICE_DMA_CHARGE) to the driver's memory limit; on the list of
 * the memory capability it was made through, which removes it when that
 * capability is emptied (deleted, or an ancestor revoked). */
struct device_dma {
    uint64_t address, pages;
    struct object *memory; /* a reference while mapped */
    struct device *device;
    struct process *charged; /* the driver whose limit pays for this record */
    struct cap_mapping mapping;
    struct device_dma *next; /* sorted by address */
};
#define DEVICE_DMA_CHARGE ((uint64_t)sizeof(struct device_dma))

/* One interrupt delivered as a notification signal. */
struct device_irq {
    bool bound;
    uint32_t index;         /* MSI-X entry (0 for MSI and INTx) */
    uint32_t vector;        /* the CPU vector */
    uint32_t kind;          /* enum nonos_irq_kind */
    uint32_t line;          /* INTx: the global interrupt number */
    uint32_t remap_handle;  /* interrupt remapping entry, when used */
    bool remapped;
    struct object *notification; /* a reference while bound */
    uint64_t bits;
    uint64_t count;         /* interrupts delivered */
};

struct device {
    struct object object; /* OBJECT_DEVICE; first member */
    uint32_t index;       /* in the device table */
    struct pci_function pci;
    struct process *driver; /* the claiming process; NULL: none */
    struct iommu_domain *domain;
    struct device_dma *mappings;
    uint32_t mapping_count;
    struct device_irq irqs[DEVICE_IRQ_MAX];
    volatile uint32_t *msix_table; /* the kernel's mapping, once needed */
};

/* Finds the MCFG and MADT (ACPI tables at xsdt), enumerates PCI, sets up
 * the I/O APICs, brings the IOMMU up and reads the boot command line's
 * dma= option. Prints what it found. Once, at boot, after acpi_init and
 * interrupt_controller_init. */
void device_init(uint64_t xsdt, const char *command_line, uint32_t command_line_size);

uint32_t device_count(void);
struct device *device_at(uint32_t index);

/* Whether the operator allowed unconfined DMA at boot (dma=unconfined). */
bool device_dma_unconfined_allowed(void);
/* Sets it (the in-kernel tests only, to run both policies in one boot);
 * returns the previous value. */
bool device_dma_unconfined_set(bool allowed);
/* Whether the device's DMA is confined (it has an IOMMU domain). */
bool device_dma_confined(const struct device *device);
/* Whether bus mastering (DMA) may be turned on for it. */
bool device_dma_allowed(const struct device *device);

/* Parses a policy device name "pci:VVVV:DDDD" (lowercase hex). */
bool device_name_parse(const struct manifest_name *name, uint16_t *vendor, uint16_t *device);

/* The first device with these ids not claimed by a live process: claims
 * it for process (an IOMMU domain is made when there is an IOMMU). 0 with
 * *out set; -ERROR_NOT_FOUND when none is free; -ERROR_DENIED for a bridge
 * (class 06: platform registers, never a capsule's); -ERROR_NOT_CONFINED when
 * there is an IOMMU and it cannot confine this device, or there is none and
 * unconfined DMA was not allowed. */
int device_claim(struct process *process, uint16_t vendor, uint16_t device_id,
                 struct device **out);

/* Everything the process's devices hold for it, torn down: bus mastering
 * off, interrupt bindings, DMA mappings, domain; the claims dropped. From
 * process_release (thread context). */
void device_release_process(struct process *process);

/* Describes the device (device_info, device_list, lspci). */
void device_describe(const struct device *device, struct nonos_device_info *info);

/* The rules of device_config_write (docs/drivers.md): 0, -ERROR_DENIED
 * or -ERROR_NOT_CONFINED; offset and width already valid. Never mutates. */
int device_config_write_check(const struct device *device, uint64_t offset, uint64_t width,
                              uint64_t value);
/* Whether [port, port + width) lies in one of its I/O BARs (width 1, 2, 4). */
bool device_port_valid(const struct device *device, uint64_t port, uint64_t width);

/* Interrupts (kernel/device/interrupt.c). */
int device_irq_bind(struct device *device, uint32_t index, struct object *notification,
                    uint64_t bits);
int device_irq_ack(struct device *device, uint32_t index);
void device_irq_release_all(struct device *device);

/* DMA mappings (kernel/device/dma.c). device_dma_map maps the memory
 * object of capability `slot` of process's table (READ: the device reads
 * it; WRITE as well: it may write it), charges the record to process and
 * returns the I/O address, or -ERROR_*: the capability's lookup error,
 * ERROR_NO_MEMORY (process's memory limit, with an audit record;
 * DEVICE_DMA_MAX records; no I/O space left), ERROR_NOT_CONFINED,
 * ERROR_NOT_CONTIGUOUS or ERROR_BUSY. */
int64_t device_dma_map(struct device *device, struct process *process, uint32_t slot);
int device_dma_unmap(struct device *device, uint64_t address);
void device_dma_release_all(struct device *device);

#endif
