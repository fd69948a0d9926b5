/* PCI enumeration through ECAM, BAR sizing, capabilities (pci.h).
 *
 * The scan starts at each MCFG entry's first bus and follows PCI-to-PCI
 * bridges to their secondary buses (each bus at most once), so a machine
 * with one root bus (q35) costs 32 probes, not 8192. A probe maps the
 * function's 4 KiB of configuration space and reads its vendor id
 * (0xffff: nothing there; the mapping is dropped again). */
#include "kernel/device/pci.h"

#include <stddef.h>

#include "kernel/arch/interrupt.h"
#include "kernel/mm/vm.h"

#define PCI_BUS_COUNT 256u
#define PCI_HEADER_BRIDGE 0x01u
#define PCI_HEADER_MULTIFUNCTION 0x80u
#define PCI_BRIDGE_SECONDARY_BUS 0x19u
#define PCI_BAR_IO (1u << 0)
#define PCI_BAR_TYPE_64 (2u << 1)
#define PCI_BAR_PREFETCHABLE (1u << 3)
#define PCI_CAPS_MAX 48u /* a list longer than 256 bytes allows is a loop */
#define MSIX_TABLE 4u
#define MSI_CONTROL 2u

uint32_t pci_config_read(const struct pci_function *fn, uint32_t offset, uint32_t width)
{
    const volatile uint8_t *p = fn->config + offset;
    switch (width) {
    case 1: return *p;
    case 2: return *(const volatile uint16_t *)p;
    default: return *(const volatile uint32_t *)p;
    }
}

void pci_config_write(const struct pci_function *fn, uint32_t offset, uint32_t width,
                      uint32_t value)
{
    volatile uint8_t *p = fn->config + offset;
    switch (width) {
    case 1: *p = (uint8_t)value; break;
    case 2: *(volatile uint16_t *)p = (uint16_t)value; break;
    default: *(volatile uint32_t *)p = value; break;
    }
}

/* Writes all ones, reads back the bits that stuck, restores. */
static uint32_t bar_probe(const struct pci_function *fn, uint32_t offset)
{
    uint32_t original = pci_config_read(fn, offset, 4);
    pci_config_write(fn, offset, 4, 0xffffffffu);
    uint32_t mask = pci_config_read(fn, offset, 4);
    pci_config_write(fn, offset, 4, original);
    return mask;
}

/* Sizes BAR `index`; returns how many BAR slots it used (2 for 64-bit). */
static uint32_t bar_size(struct pci_function *fn, uint32_t index)
{
    uint32_t offset = PCI_BAR0 + 4 * index;
    uint32_t low = pci_config_read(fn, offset, 4);
    struct nonos_device_bar *bar = &fn->bars[index];
    if (low & PCI_BAR_IO) {
        uint32_t mask = bar_probe(fn, offset) & ~3u & 0xffffu;
        if (mask != 0)
            *bar = (struct nonos_device_bar){ low & ~3u & 0xffffu, (~mask & 0xffffu) + 1,
                                              NONOS_BAR_IO, 0 };
        return 1;
    }
    bool wide = (low & (3u << 1)) == PCI_BAR_TYPE_64 && index + 1 < NONOS_DEVICE_BARS;
    uint64_t base = low & ~0xfull;
    uint64_t mask = bar_probe(fn, offset) & ~0xfull;
    if (wide) {
        base |= (uint64_t)pci_config_read(fn, offset + 4, 4) << 32;
        mask |= (uint64_t)bar_probe(fn, offset + 4) << 32;
    } else {
        mask |= 0xffffffff00000000ull;
    }
    if (mask != 0xffffffff00000000ull && mask != 0)
        *bar = (struct nonos_device_bar){ base, ~mask + 1, NONOS_BAR_MEMORY,
                                          (wide ? 1u : 0u) |
                                              ((low & PCI_BAR_PREFETCHABLE) ? 2u : 0u) };
    return wide ? 2 : 1;
}

/* Sizes every BAR with decode off, so the all-ones probe never decodes. */
static void bars_size(struct pci_function *fn)
{
    uint32_t count = (fn->header_type & 0x7f) == PCI_HEADER_BRIDGE ? 2 : NONOS_DEVICE_BARS;
    bool was_enabled = interrupts_save();
    uint32_t command = pci_config_read(fn, PCI_COMMAND, 2);
    pci_config_write(fn, PCI_COMMAND, 2, command & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (uint32_t i = 0; i < count;)
        i += bar_size(fn, i);
    pci_config_write(fn, PCI_COMMAND, 2, command);
    interrupts_restore(was_enabled);
}

static void capability_read(struct pci_function *fn, uint8_t id, uint8_t offset)
{
    if (id == PCI_CAP_MSIX && fn->msix_offset == 0) {
        uint32_t control = pci_config_read(fn, offset + MSI_CONTROL, 2);
        uint32_t table = pci_config_read(fn, offset + MSIX_TABLE, 4);
        fn->msix_offset = offset;
        fn->msix_vectors = (uint16_t)((control & 0x7ffu) + 1);
        fn->msix_table_bar = (uint8_t)(table & 7u);
        fn->msix_table_offset = table & ~7u;
    } else if (id == PCI_CAP_MSI && fn->msi_offset == 0) {
        uint32_t control = pci_config_read(fn, offset + MSI_CONTROL, 2);
        fn->msi_offset = offset;
        uint32_t capable = (control >> 1) & 7u; /* log2 of the vectors; above 5 reserved */
        fn->msi_vectors = (uint8_t)(capable > 5 ? 32u : 1u << capable);
        fn->msi_64bit = (control & (1u << 7)) != 0;
        fn->msi_masking = (control & (1u << 8)) != 0;
    }
}

/* Walks the capability list (bounded: a looping list ends the walk). */
static void capabilities_read(struct pci_function *fn)
{
    if (!(pci_config_read(fn, PCI_STATUS, 2) & PCI_STATUS_CAPABILITIES))
        return;
    uint8_t offset = (uint8_t)(pci_config_read(fn, PCI_CAPABILITIES, 1) & ~3u);
    for (uint32_t n = 0; n < PCI_CAPS_MAX && offset >= PCI_DEVICE_SPECIFIC; n++) {
        uint8_t id = (uint8_t)pci_config_read(fn, offset, 1);
        capability_read(fn, id, offset);
        offset = (uint8_t)(pci_config_read(fn, offset + 1u, 1) & ~3u);
    }
    /* A table outside its BAR is unusable: no MSI-X then. */
    if (fn->msix_offset && (fn->msix_table_bar >= NONOS_DEVICE_BARS ||
                            fn->bars[fn->msix_table_bar].kind != NONOS_BAR_MEMORY ||
                            (uint64_t)fn->msix_table_offset + 16u * fn->msix_vectors >
                                fn->bars[fn->msix_table_bar].size))
        fn->msix_offset = 0, fn->msix_vectors = 0;
}

static void identity_read(struct pci_function *fn)
{
    fn->vendor_id = (uint16_t)pci_config_read(fn, PCI_VENDOR, 2);
    fn->device_id = (uint16_t)pci_config_read(fn, PCI_VENDOR + 2, 2);
    uint32_t class = pci_config_read(fn, PCI_REVISION, 4);
    fn->revision = (uint8_t)class;
    fn->prog_if = (uint8_t)(class >> 8);
    fn->subclass = (uint8_t)(class >> 16);
    fn->class_code = (uint8_t)(class >> 24);
    fn->header_type = (uint8_t)pci_config_read(fn, PCI_HEADER_TYPE, 1);
    if ((fn->header_type & 0x7f) == 0) {
        fn->subsystem_vendor_id = (uint16_t)pci_config_read(fn, PCI_SUBSYSTEM_VENDOR, 2);
        fn->subsystem_id = (uint16_t)pci_config_read(fn, PCI_SUBSYSTEM_VENDOR + 2, 2);
    }
    fn->interrupt_line = (uint8_t)pci_config_read(fn, PCI_INTERRUPT_LINE, 1);
    fn->interrupt_pin = (uint8_t)pci_config_read(fn, PCI_INTERRUPT_PIN, 1);
    if (fn->interrupt_pin > 4)
        fn->interrupt_pin = 0;
}

struct scan {
    const struct acpi_mcfg_entry *entry;
    pci_found_fn found;
    void *context;
    uint32_t seen;
    bool stopped;
    uint8_t visited[PCI_BUS_COUNT / 8];
};

/* Maps and reads one function; false (nothing kept) when absent. */
static bool function_probe(const struct acpi_mcfg_entry *entry, uint8_t bus, uint8_t device,
                           uint8_t function, struct pci_function *fn)
{
    uint64_t phys = entry->base + ((uint64_t)bus << 20 | (uint64_t)device << 15 |
                                   (uint64_t)function << 12);
    volatile uint8_t *config = vm_map_mmio(phys, PCI_CONFIG_SIZE, VM_UNCACHED);
    if (!config)
        return false;
    if (*(volatile uint16_t *)config == 0xffff) {
        vm_unmap_mmio(config, PCI_CONFIG_SIZE);
        return false;
    }
    *fn = (struct pci_function){ .segment = entry->segment, .bus = bus, .device = device,
                                 .function = function, .config = config };
    identity_read(fn);
    bars_size(fn);
    capabilities_read(fn);
    return true;
}

static void bus_scan(struct scan *scan, uint8_t bus);

static void function_visit(struct scan *scan, struct pci_function *fn)
{
    scan->seen++;
    if (!scan->stopped && !scan->found(fn, scan->context))
        scan->stopped = true;
    if ((fn->header_type & 0x7f) == PCI_HEADER_BRIDGE) {
        uint8_t secondary = (uint8_t)pci_config_read(fn, PCI_BRIDGE_SECONDARY_BUS, 1);
        if (secondary > fn->bus)
            bus_scan(scan, secondary);
    }
}

static void bus_scan(struct scan *scan, uint8_t bus)
{
    if (bus < scan->entry->bus_start || bus > scan->entry->bus_end ||
        (scan->visited[bus / 8] & (1u << (bus % 8))))
        return;
    scan->visited[bus / 8] |= (uint8_t)(1u << (bus % 8));
    for (uint8_t device = 0; device < 32; device++) {
        struct pci_function fn;
        if (!function_probe(scan->entry, bus, device, 0, &fn))
            continue;
        bool multifunction = (fn.header_type & PCI_HEADER_MULTIFUNCTION) != 0;
        function_visit(scan, &fn);
        for (uint8_t function = 1; multifunction && function < 8; function++) {
            if (function_probe(scan->entry, bus, device, function, &fn))
                function_visit(scan, &fn);
        }
    }
}

uint32_t pci_enumerate(const struct acpi_mcfg *mcfg, pci_found_fn found, void *context)
{
    uint32_t seen = 0;
    for (uint32_t i = 0; i < mcfg->count; i++) {
        struct scan scan = { .entry = &mcfg->entries[i], .found = found, .context = context };
        bus_scan(&scan, mcfg->entries[i].bus_start);
        seen += scan.seen;
    }
    return seen;
}
