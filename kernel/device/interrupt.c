/* Device interrupts delivered as notification signals (device.h,
 * docs/drivers.md "Interrupts").
 *
 * device_irq_bind picks the best mechanism the function has: MSI-X (one
 * binding per table entry the driver names), then MSI (one vector), then
 * INTx through the I/O APIC (level triggered, masked on each interrupt
 * until device_irq_ack). The MSI address/data the device is given is
 * composed by the IOMMU's interrupt remapping when it is on (the device
 * can then raise no vector but its own), else by the arch
 * (irq_msi_message). The kernel alone writes the MSI and MSI-X
 * capability registers and table entries; device_config_write refuses
 * them. A binding holds a reference to its notification until released. */
#include <stddef.h>

#include "kernel/arch/interrupt.h"
#include "kernel/arch/iommu.h"
#include "kernel/arch/irq.h"
#include "kernel/device/device_internal.h"
#include "kernel/error.h"
#include "kernel/ipc/ipc.h"
#include "kernel/mm/vm.h"

#define MSI_CONTROL 2u
#define MSI_ENABLE (1u << 0)
#define MSI_MULTIPLE_ENABLE (7u << 4)
#define MSIX_ENABLE (1u << 15)
#define MSIX_FUNCTION_MASK (1u << 14)
#define MSIX_ENTRY_SIZE 16u
#define MSIX_VECTOR_MASKED 1u
#define INTX_NONE 0xffu
#define OVERRIDE_POLARITY_LOW 3u
#define OVERRIDE_TRIGGER_LEVEL (3u << 2)

static void irq_deliver(void *context)
{
    struct device_irq *irq = context;
    if (!irq->bound || !irq->notification)
        return;
    irq->count++;
    notification_signal_object(irq->notification, irq->bits);
}

static uint32_t irq_kind_of(const struct device *device)
{
    if (device->pci.msix_offset)
        return NONOS_IRQ_MSIX;
    if (device->pci.msi_offset)
        return NONOS_IRQ_MSI;
    return device->pci.interrupt_pin ? NONOS_IRQ_INTX : NONOS_IRQ_NONE;
}

/* The binding of `index`, or NULL. */
static struct device_irq *irq_find(struct device *device, uint32_t index)
{
    for (uint32_t i = 0; i < DEVICE_IRQ_MAX; i++) {
        if (device->irqs[i].bound && device->irqs[i].index == index)
            return &device->irqs[i];
    }
    return NULL;
}

static struct device_irq *irq_free_slot(struct device *device)
{
    for (uint32_t i = 0; i < DEVICE_IRQ_MAX; i++) {
        if (!device->irqs[i].bound)
            return &device->irqs[i];
    }
    return NULL;
}

/* The global interrupt of the function's INTx line, its trigger and
 * polarity: the firmware's Interrupt Line, through the MADT's overrides
 * for ISA numbers. False when the firmware routed none. */
static bool intx_line(const struct device *device, uint32_t *gsi, bool *level, bool *low)
{
    uint8_t line = device->pci.interrupt_line;
    if (line == INTX_NONE || line == 0)
        return false;
    *gsi = line;
    *level = true; /* PCI lines are shared, level triggered, active low */
    *low = true;
    for (uint32_t i = 0; i < device_madt.override_count; i++) {
        const struct acpi_override *o = &device_madt.overrides[i];
        if (o->bus != 0 || o->source != line)
            continue;
        *gsi = o->gsi;
        if ((o->flags & 3u) != 0)
            *low = (o->flags & 3u) == OVERRIDE_POLARITY_LOW;
        if ((o->flags & (3u << 2)) != 0)
            *level = (o->flags & (3u << 2)) == OVERRIDE_TRIGGER_LEVEL;
    }
    return true;
}

static int irq_check(struct device *device, uint32_t index, uint64_t bits, uint32_t kind)
{
    if (bits == 0 || (bits & ~NOTIFICATION_BITS) != 0 || kind == NONOS_IRQ_NONE)
        return -ERROR_INVALID_ARGUMENT;
    if (kind == NONOS_IRQ_MSIX ? index >= device->pci.msix_vectors : index != 0)
        return -ERROR_INVALID_ARGUMENT;
    uint32_t gsi;
    bool level, low;
    /* INTx under interrupt remapping needs a level-triggered remapping
     * entry for the I/O APIC's source id, which iommu.h does not offer
     * yet: refused rather than routed into a blocked compatibility format. */
    if (kind == NONOS_IRQ_INTX &&
        (iommu_interrupt_remapping() || !intx_line(device, &gsi, &level, &low)))
        return -ERROR_INVALID_ARGUMENT;
    if (irq_find(device, index))
        return -ERROR_BUSY;
    return irq_free_slot(device) ? 0 : -ERROR_NO_MEMORY;
}

/* The MSI message for `vector`: through interrupt remapping when on. */
static int irq_message(struct device *device, struct device_irq *irq, uint64_t *address,
                       uint32_t *data)
{
    if (!iommu_interrupt_remapping()) {
        irq_msi_message(irq->vector, address, data);
        return 0;
    }
    if (iommu_interrupt_allocate(device->pci.segment, pci_requester(&device->pci),
                                 (uint8_t)irq->vector, &irq->remap_handle) != IOMMU_OK)
        return -ERROR_NO_MEMORY;
    irq->remapped = true;
    iommu_interrupt_message(irq->remap_handle, address, data);
    return 0;
}

static volatile uint32_t *msix_table(struct device *device)
{
    const struct pci_function *fn = &device->pci;
    if (!device->msix_table)
        device->msix_table = vm_map_mmio(fn->bars[fn->msix_table_bar].base +
                                             fn->msix_table_offset,
                                         (uint64_t)MSIX_ENTRY_SIZE * fn->msix_vectors,
                                         VM_UNCACHED);
    return device->msix_table;
}

static void msix_program(struct device *device, uint32_t index, uint64_t address, uint32_t data)
{
    volatile uint32_t *entry = msix_table(device) + index * (MSIX_ENTRY_SIZE / 4);
    const struct pci_function *fn = &device->pci;
    uint32_t control = pci_config_read(fn, fn->msix_offset + MSI_CONTROL, 2);
    pci_config_write(fn, fn->msix_offset + MSI_CONTROL, 2,
                     (control | MSIX_ENABLE | MSIX_FUNCTION_MASK));
    entry[3] = MSIX_VECTOR_MASKED;
    entry[0] = (uint32_t)address;
    entry[1] = (uint32_t)(address >> 32);
    entry[2] = data;
    entry[3] = 0;
    pci_config_write(fn, fn->msix_offset + MSI_CONTROL, 2,
                     (control | MSIX_ENABLE) & ~MSIX_FUNCTION_MASK);
}

static void msi_program(const struct pci_function *fn, uint64_t address, uint32_t data)
{
    uint32_t base = fn->msi_offset;
    uint32_t control = pci_config_read(fn, base + MSI_CONTROL, 2);
    pci_config_write(fn, base + MSI_CONTROL, 2, control & ~(MSI_ENABLE | MSI_MULTIPLE_ENABLE));
    pci_config_write(fn, base + 4, 4, (uint32_t)address);
    if (fn->msi_64bit)
        pci_config_write(fn, base + 8, 4, (uint32_t)(address >> 32));
    pci_config_write(fn, base + (fn->msi_64bit ? 12u : 8u), 2, data & 0xffffu);
    if (fn->msi_masking)
        pci_config_write(fn, base + (fn->msi_64bit ? 16u : 12u), 4, 0);
    pci_config_write(fn, base + MSI_CONTROL, 2,
                     (control & ~MSI_MULTIPLE_ENABLE) | MSI_ENABLE);
}

static int intx_program(struct device *device, struct device_irq *irq)
{
    uint32_t gsi;
    bool level, low;
    if (!intx_line(device, &gsi, &level, &low) || !irq_line_route(gsi, irq->vector, level, low))
        return -ERROR_INVALID_ARGUMENT;
    irq->line = gsi;
    uint32_t command = pci_config_read(&device->pci, PCI_COMMAND, 2);
    pci_config_write(&device->pci, PCI_COMMAND, 2, command & ~PCI_COMMAND_INTX_DISABLE);
    irq_line_unmask(gsi);
    return 0;
}

/* Programs the device for a bound irq (vector allocated); undoes nothing. */
static int irq_program(struct device *device, struct device_irq *irq)
{
    if (irq->kind == NONOS_IRQ_INTX)
        return intx_program(device, irq);
    if (irq->kind == NONOS_IRQ_MSIX && !msix_table(device))
        return -ERROR_NO_MEMORY;
    uint64_t address;
    uint32_t data;
    int error = irq_message(device, irq, &address, &data);
    if (error)
        return error;
    if (irq->kind == NONOS_IRQ_MSIX)
        msix_program(device, irq->index, address, data);
    else
        msi_program(&device->pci, address, data);
    return 0;
}

int device_irq_bind(struct device *device, uint32_t index, struct object *notification,
                    uint64_t bits)
{
    bool was_enabled = interrupts_save();
    uint32_t kind = irq_kind_of(device);
    int error = irq_check(device, index, bits, kind);
    struct device_irq *irq = error ? NULL : irq_free_slot(device);
    if (irq) {
        *irq = (struct device_irq){ .index = index, .kind = kind, .bits = bits };
        if (!irq_vector_allocate(irq_deliver, irq, &irq->vector))
            error = -ERROR_NO_MEMORY;
    }
    if (irq && !error) {
        object_get(notification);
        irq->notification = notification;
        irq->bound = true;
        error = irq_program(device, irq);
        if (error) {
            irq->bound = false;
            if (irq->remapped)
                iommu_interrupt_free(irq->remap_handle);
            irq_vector_free(irq->vector);
            object_put(notification);
            *irq = (struct device_irq){ 0 };
        }
    }
    interrupts_restore(was_enabled);
    return error ? error : (int)kind;
}

int device_irq_ack(struct device *device, uint32_t index)
{
    bool was_enabled = interrupts_save();
    struct device_irq *irq = irq_find(device, index);
    if (irq && irq->kind == NONOS_IRQ_INTX)
        irq_line_unmask(irq->line);
    interrupts_restore(was_enabled);
    return irq ? 0 : -ERROR_INVALID_ARGUMENT;
}

static void irq_silence(struct device *device, struct device_irq *irq)
{
    const struct pci_function *fn = &device->pci;
    if (irq->kind == NONOS_IRQ_MSIX && device->msix_table)
        device->msix_table[irq->index * (MSIX_ENTRY_SIZE / 4) + 3] = MSIX_VECTOR_MASKED;
    else if (irq->kind == NONOS_IRQ_MSI)
        pci_config_write(fn, fn->msi_offset + MSI_CONTROL, 2,
                         pci_config_read(fn, fn->msi_offset + MSI_CONTROL, 2) & ~MSI_ENABLE);
    else if (irq->kind == NONOS_IRQ_INTX)
        irq_line_mask(irq->line);
}

void device_irq_release_all(struct device *device)
{
    const struct pci_function *fn = &device->pci;
    bool was_enabled = interrupts_save();
    for (uint32_t i = 0; i < DEVICE_IRQ_MAX; i++) {
        struct device_irq *irq = &device->irqs[i];
        if (!irq->bound)
            continue;
        irq_silence(device, irq);
        irq_vector_free(irq->vector);
        if (irq->remapped)
            iommu_interrupt_free(irq->remap_handle);
        object_put(irq->notification);
        *irq = (struct device_irq){ 0 };
    }
    if (fn->msix_offset)
        pci_config_write(fn, fn->msix_offset + MSI_CONTROL, 2,
                         pci_config_read(fn, fn->msix_offset + MSI_CONTROL, 2) & ~MSIX_ENABLE);
    uint32_t command = pci_config_read(fn, PCI_COMMAND, 2);
    pci_config_write(fn, PCI_COMMAND, 2, command | PCI_COMMAND_INTX_DISABLE);
    interrupts_restore(was_enabled);
}
