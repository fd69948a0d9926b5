/* PCI functions reached through ECAM (PCI Express base spec 7.2.2; the
 * ACPI MCFG gives where): enumeration at boot, configuration-space
 * access, BAR sizing and the capability list.
 *
 * Invariants: a function's BARs are sized once, at enumeration, with its
 * memory and I/O decode off for the duration, and never moved afterwards
 * (the firmware's assignment is kept; device_config_write refuses BAR
 * writes). Each function's 4 KiB of configuration space stays mapped
 * (uncached) from enumeration on. Interrupts off around the BAR sizing. */
#ifndef NONOS_DEVICE_PCI_H
#define NONOS_DEVICE_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/acpi/acpi_platform.h"
#include "sdk/include/nonos/abi.h"

#define PCI_CONFIG_SIZE 4096u
#define PCI_VENDOR 0x00u
#define PCI_COMMAND 0x04u
#define PCI_STATUS 0x06u
#define PCI_REVISION 0x08u
#define PCI_HEADER_TYPE 0x0eu
#define PCI_BAR0 0x10u
#define PCI_BAR_END 0x28u /* six BARs of a type-0 header */
#define PCI_SUBSYSTEM_VENDOR 0x2cu
#define PCI_CAPABILITIES 0x34u
#define PCI_INTERRUPT_LINE 0x3cu
#define PCI_INTERRUPT_PIN 0x3du
#define PCI_DEVICE_SPECIFIC 0x40u

#define PCI_COMMAND_IO (1u << 0)
#define PCI_COMMAND_MEMORY (1u << 1)
#define PCI_COMMAND_BUS_MASTER (1u << 2)
#define PCI_COMMAND_INTX_DISABLE (1u << 10)
#define PCI_STATUS_CAPABILITIES (1u << 4)

#define PCI_CAP_MSI 0x05u
#define PCI_CAP_MSIX 0x11u

struct pci_function {
    uint16_t segment;
    uint8_t bus, device, function;
    volatile uint8_t *config; /* its 4 KiB of ECAM, mapped uncached */
    uint16_t vendor_id, device_id, subsystem_vendor_id, subsystem_id;
    uint8_t class_code, subclass, prog_if, revision, header_type;
    uint8_t interrupt_pin, interrupt_line;
    struct nonos_device_bar bars[NONOS_DEVICE_BARS];
    uint8_t msi_offset, msix_offset; /* capability offsets, 0: none */
    uint16_t msix_vectors;           /* table size */
    uint8_t msix_table_bar;
    uint32_t msix_table_offset;
    uint8_t msi_vectors;             /* 1 << multiple-message-capable */
    bool msi_64bit, msi_masking;
};

/* The requester id the IOMMU knows the function by. */
static inline uint16_t pci_requester(const struct pci_function *fn)
{
    return (uint16_t)((uint16_t)fn->bus << 8 | (uint16_t)(fn->device << 3) | fn->function);
}

/* Width 1, 2 or 4 at an offset aligned to it, below 4096 (checked by the
 * callers). */
uint32_t pci_config_read(const struct pci_function *fn, uint32_t offset, uint32_t width);
void pci_config_write(const struct pci_function *fn, uint32_t offset, uint32_t width,
                      uint32_t value);

/* Calls found(fn) for each function present under every MCFG entry
 * (buses scanned from each entry's start bus through its end bus, but only
 * those a bridge or the root names), BARs sized and capabilities read.
 * found returns false to stop (table full). Returns the functions seen. */
typedef bool (*pci_found_fn)(const struct pci_function *fn, void *context);
uint32_t pci_enumerate(const struct acpi_mcfg *mcfg, pci_found_fn found, void *context);

#endif
