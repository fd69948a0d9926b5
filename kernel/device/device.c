/* The device table, claims and teardown (device.h), the no-IOMMU policy
 * (docs/drivers.md) and the IOMMU's fault reports.
 *
 * The table is filled once at boot from the PCI enumeration and never
 * changes size; a device's `driver` is the only claim it has and is set
 * and cleared with interrupts off. */
#include "kernel/device/device.h"

#include <stddef.h>

#include "capsule/manifest.h"
#include "kernel/acpi/acpi.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/iommu.h"
#include "kernel/arch/irq.h"
#include "kernel/audit/audit.h"
#include "kernel/device/device_internal.h"
#include "kernel/error.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/print.h"
#include "kernel/proc/process.h"

static struct device devices[DEVICE_MAX];
static uint32_t devices_found;
static bool unconfined_allowed;
struct acpi_madt device_madt;

uint32_t device_count(void)
{
    return devices_found;
}

struct device *device_at(uint32_t index)
{
    return index < devices_found ? &devices[index] : NULL;
}

bool device_dma_unconfined_allowed(void)
{
    return unconfined_allowed;
}

bool device_dma_unconfined_set(bool allowed)
{
    bool was = unconfined_allowed;
    unconfined_allowed = allowed;
    return was;
}

bool device_dma_confined(const struct device *device)
{
    return device->domain != NULL;
}

bool device_dma_allowed(const struct device *device)
{
    return device_dma_confined(device) || unconfined_allowed;
}

static bool device_add(const struct pci_function *fn, void *context)
{
    (void)context;
    if (devices_found == DEVICE_MAX)
        return false;
    struct device *device = &devices[devices_found];
    object_init(&device->object, OBJECT_DEVICE); /* the kernel's permanent reference */
    device->index = devices_found++;
    device->pci = *fn;
    /* The firmware's drivers leave devices able to DMA (OVMF's virtio-rng
     * does): none may until a driver of ours turns it on. Bridges keep
     * theirs: it forwards their devices' DMA, which each device's own bit
     * and the IOMMU govern. */
    if ((fn->header_type & 0x7f) == 0) {
        uint32_t command = pci_config_read(fn, PCI_COMMAND, 2);
        pci_config_write(fn, PCI_COMMAND, 2, command & ~PCI_COMMAND_BUS_MASTER);
    }
    return true;
}

static void device_print(const struct device *device)
{
    const struct pci_function *fn = &device->pci;
    kprintf("pci: %02x:%02x.%x %04x:%04x class %02x.%02x msi-x %u msi %u pin %u\n", fn->bus,
            fn->device, fn->function, fn->vendor_id, fn->device_id, fn->class_code,
            fn->subclass, fn->msix_vectors, fn->msi_offset ? fn->msi_vectors : 0,
            fn->interrupt_pin);
    for (uint32_t i = 0; i < NONOS_DEVICE_BARS; i++) {
        const struct nonos_device_bar *bar = &fn->bars[i];
        if (bar->kind != NONOS_BAR_NONE)
            kprintf("pci:   bar%u %s 0x%lx size 0x%lx%s\n", i,
                    bar->kind == NONOS_BAR_IO ? "io" : "mem", bar->base, bar->size,
                    (bar->flags & 1) ? " 64-bit" : "");
    }
}

/* The I/O APICs of the MADT, for INTx. */
static void interrupt_controllers_init(const struct acpi_memory *memory, uint64_t xsdt)
{
    struct bytes table;
    int result = acpi_table_find(memory, xsdt, "APIC", &table);
    if (result == ACPI_PLATFORM_OK)
        result = acpi_madt_parse(table, &device_madt);
    if (result != ACPI_PLATFORM_OK) {
        kprintf("device: MADT: %s: no INTx interrupts\n", acpi_platform_error_message(result));
        return;
    }
    for (uint32_t i = 0; i < device_madt.ioapic_count; i++) {
        const struct acpi_ioapic *unit = &device_madt.ioapics[i];
        bool added = irq_controller_add(unit->address, unit->gsi_base);
        kprintf("device: I/O APIC %u at 0x%x, interrupts from %u%s\n", unit->id, unit->address,
                unit->gsi_base, added ? "" : " (cannot map)");
    }
}

static void pci_init(const struct acpi_memory *memory, uint64_t xsdt)
{
    struct bytes table;
    struct acpi_mcfg mcfg;
    int result = acpi_table_find(memory, xsdt, "MCFG", &table);
    if (result == ACPI_PLATFORM_OK)
        result = acpi_mcfg_parse(table, &mcfg);
    if (result != ACPI_PLATFORM_OK) {
        kprintf("device: MCFG: %s: no PCI devices\n", acpi_platform_error_message(result));
        return;
    }
    for (uint32_t i = 0; i < mcfg.count; i++)
        kprintf("device: ECAM 0x%lx segment %u buses %u-%u\n", mcfg.entries[i].base,
                mcfg.entries[i].segment, mcfg.entries[i].bus_start, mcfg.entries[i].bus_end);
    uint32_t seen = pci_enumerate(&mcfg, device_add, NULL);
    if (seen > devices_found)
        kprintf("device: %u PCI functions, only %u kept (DEVICE_MAX)\n", seen, devices_found);
    for (uint32_t i = 0; i < devices_found; i++)
        device_print(&devices[i]);
}

void device_init(uint64_t xsdt, const char *command_line, uint32_t command_line_size)
{
    uint64_t start = cpu_cycles();
    unconfined_allowed = cmdline_has(command_line, command_line_size, "dma=unconfined");
    const struct acpi_memory *memory = acpi_memory_access();
    if (xsdt != 0) {
        interrupt_controllers_init(memory, xsdt);
        pci_init(memory, xsdt);
    }
    bool iommu = iommu_init();
    kprintf("device: %u PCI functions; IOMMU %s%s; unconfined DMA %s (%lu k cycles)\n",
            devices_found, iommu ? "on" : "absent",
            iommu && iommu_interrupt_remapping() ? " with interrupt remapping" : "",
            unconfined_allowed ? "ALLOWED (dma=unconfined)" : "refused",
            (cpu_cycles() - start) / 1000);
}

static bool hex_digit(char c, uint16_t *value)
{
    if (c >= '0' && c <= '9')
        *value = (uint16_t)(*value << 4 | (uint16_t)(c - '0'));
    else if (c >= 'a' && c <= 'f')
        *value = (uint16_t)(*value << 4 | (uint16_t)(c - 'a' + 10));
    else
        return false;
    return true;
}

bool device_name_parse(const struct manifest_name *name, uint16_t *vendor, uint16_t *device)
{
    static const char prefix[4] = { 'p', 'c', 'i', ':' };
    if (name->len != 13 || name->text[8] != ':')
        return false;
    for (size_t i = 0; i < sizeof prefix; i++) {
        if (name->text[i] != prefix[i])
            return false;
    }
    *vendor = *device = 0;
    for (size_t i = 0; i < 4; i++) {
        if (!hex_digit(name->text[4 + i], vendor) || !hex_digit(name->text[9 + i], device))
            return false;
    }
    return true;
}

static const char *location(const struct device *device, char *text, size_t size)
{
    ksnprintf(text, size, "%02x:%02x.%x", device->pci.bus, device->pci.device,
              device->pci.function);
    return text;
}

/* The free device with these ids, or NULL. Interrupts off. */
static struct device *device_free_find(uint16_t vendor, uint16_t device_id)
{
    for (uint32_t i = 0; i < devices_found; i++) {
        struct device *device = &devices[i];
        if (device->pci.vendor_id == vendor && device->pci.device_id == device_id &&
            device->driver == NULL)
            return device;
    }
    return NULL;
}

/* Bridges (class 06: the host bridge, the LPC/ISA bridge, PCI bridges)
 * hold the platform's own registers (memory decoding, SMRAM, ECAM's base,
 * the ACPI ports): the kernel's, never a capsule's. */
#define PCI_CLASS_BRIDGE 0x06

int device_claim(struct process *process, uint16_t vendor, uint16_t device_id,
                 struct device **out)
{
    bool was_enabled = interrupts_save();
    struct device *device = device_free_find(vendor, device_id);
    int error = device ? 0 : -ERROR_NOT_FOUND;
    if (device && device->pci.class_code == PCI_CLASS_BRIDGE) {
        device = NULL;
        error = -ERROR_DENIED;
    }
    if (device && iommu_present()) {
        enum iommu_result result;
        device->domain = iommu_domain_create(device->pci.segment, pci_requester(&device->pci),
                                             &result);
        if (!device->domain && !unconfined_allowed)
            error = -ERROR_NOT_CONFINED;
    } else if (device && !unconfined_allowed) {
        error = -ERROR_NOT_CONFINED;
    }
    if (!error) {
        device->driver = process;
        *out = device;
    }
    interrupts_restore(was_enabled);
    if (!error) {
        char where[16], detail[64];
        ksnprintf(detail, sizeof detail, "given pci:%04x:%04x at %s, %s",
                  vendor, device_id, location(device, where, sizeof where),
                  device->domain ? "DMA confined" : "DMA UNCONFINED");
        audit_event(process, NONOS_AUDIT_DEVICE, detail);
    }
    return error;
}

/* Bus mastering off first: from here the device starts no new DMA. */
static void device_teardown(struct device *device)
{
    uint32_t command = pci_config_read(&device->pci, PCI_COMMAND, 2);
    pci_config_write(&device->pci, PCI_COMMAND, 2, command & ~PCI_COMMAND_BUS_MASTER);
    device_irq_release_all(device);
    device_dma_release_all(device);
    bool was_enabled = interrupts_save();
    if (device->domain)
        iommu_domain_destroy(device->domain);
    device->domain = NULL;
    device->driver = NULL;
    interrupts_restore(was_enabled);
}

void device_release_process(struct process *process)
{
    for (uint32_t i = 0; i < devices_found; i++) {
        struct device *device = &devices[i];
        if (device->driver != process)
            continue;
        char where[16], detail[64];
        ksnprintf(detail, sizeof detail, "released %s: bus master off, DMA and interrupts gone",
                  location(device, where, sizeof where));
        device_teardown(device);
        audit_event(process, NONOS_AUDIT_DEVICE, detail);
    }
}

void device_describe(const struct device *device, struct nonos_device_info *info)
{
    const struct pci_function *fn = &device->pci;
    *info = (struct nonos_device_info){
        .segment = fn->segment, .bus = fn->bus, .device = fn->device,
        .function = fn->function, .vendor_id = fn->vendor_id, .device_id = fn->device_id,
        .subsystem_vendor_id = fn->subsystem_vendor_id, .subsystem_id = fn->subsystem_id,
        .class_code = fn->class_code, .subclass = fn->subclass, .prog_if = fn->prog_if,
        .revision = fn->revision, .msix_vectors = fn->msix_vectors,
        .msi_vectors = fn->msi_offset ? fn->msi_vectors : 0,
        .interrupt_pin = fn->interrupt_pin,
        .iommu_domain = device->domain ? iommu_domain_id(device->domain) : 0,
        .dma_confined = device->domain != NULL,
        .driver_process = device->driver ? process_id(device->driver) : 0,
    };
    for (uint32_t i = 0; i < NONOS_DEVICE_BARS; i++)
        info->bars[i] = fn->bars[i];
}

/* Called by the IOMMU code (kernel/arch/iommu.h), interrupt context. */
void iommu_fault_report(uint16_t segment, uint16_t requester, uint64_t address, bool write,
                        const char *reason)
{
    const struct device *device = NULL;
    for (uint32_t i = 0; i < devices_found && !device; i++) {
        if (devices[i].pci.segment == segment && pci_requester(&devices[i].pci) == requester)
            device = &devices[i];
    }
    char detail[64];
    ksnprintf(detail, sizeof detail, "%02x:%02x.%x %s 0x%lx: %s", requester >> 8,
              (requester >> 3) & 0x1f, requester & 7, write ? "write" : "read", address,
              reason ? reason : "blocked");
    audit_event(device ? device->driver : NULL, NONOS_AUDIT_DMA_FAULT, detail);
}
