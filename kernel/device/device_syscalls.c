/* The device system calls (kernel/syscall/syscalls.txt 50-61; the rules
 * in docs/drivers.md). The dispatcher has checked each slot argument's
 * type and rights; every handler looks its capabilities up again under the
 * lock, checks all of its arguments, and only then changes anything. */
#include <stddef.h>

#include "base/checked.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/io.h"
#include "kernel/cap/capability.h"
#include "kernel/device/device.h"
#include "kernel/error.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/process.h"
#include "kernel/random/system_random.h"
#include "kernel/syscall/handlers.h"
#include "kernel/syscall/user_memory.h"

#define RANDOM_ADD_MAX 256u
#define MSI_CAPABILITY_SIZE 24u  /* the largest MSI capability (64-bit, masking) */
#define MSIX_CAPABILITY_SIZE 12u
#define PAGE 4096ull

/* The device in the caller's slot with rights; NULL and *error if not. */
static struct device *device_lookup(uint32_t slot, uint32_t rights, int *error)
{
    struct capability *cap;
    *error = cap_lookup(process_caps(process_current()), slot, OBJECT_DEVICE, rights, &cap);
    if (*error) {
        *error = -*error;
        return NULL;
    }
    return (struct device *)cap->object;
}

static bool access_valid(uint64_t offset, uint64_t width)
{
    return (width == 1 || width == 2 || width == 4) && offset < PCI_CONFIG_SIZE &&
           offset % width == 0;
}

int64_t sys_device_info(uint32_t slot, uint64_t info, uint64_t size)
{
    int error;
    struct nonos_device_info record;
    bool was_enabled = interrupts_save();
    struct device *device = device_lookup(slot, RIGHT_READ, &error);
    if (device)
        device_describe(device, &record);
    interrupts_restore(was_enabled);
    if (!device)
        return error;
    uint64_t length = size < sizeof record ? size : sizeof record;
    error = user_memory_write(info, &record, length);
    return error ? error : (int64_t)length;
}

int64_t sys_device_list(uint32_t supervisor, uint64_t buffer, uint64_t size)
{
    (void)supervisor;
    uint64_t capacity = size / sizeof(struct nonos_device_info);
    if (capacity > device_count())
        capacity = device_count();
    if (!user_memory_range_valid(buffer, capacity * sizeof(struct nonos_device_info)))
        return -ERROR_BAD_ADDRESS;
    if (capacity == 0)
        return 0;
    struct nonos_device_info *records = kmalloc((size_t)capacity * sizeof *records);
    if (!records)
        return -ERROR_NO_MEMORY;
    bool was_enabled = interrupts_save();
    for (uint32_t i = 0; i < capacity; i++)
        device_describe(device_at(i), &records[i]);
    interrupts_restore(was_enabled);
    int error = user_memory_write(buffer, records, capacity * sizeof *records);
    kfree(records);
    return error ? error : (int64_t)capacity;
}

int64_t sys_device_map_bar(uint32_t slot, uint64_t bar, uint64_t address)
{
    int error;
    struct device *device = device_lookup(slot, RIGHT_WRITE, &error);
    if (!device)
        return error;
    if (bar >= NONOS_DEVICE_BARS)
        return -ERROR_INVALID_ARGUMENT;
    const struct nonos_device_bar *b = &device->pci.bars[bar];
    /* Whole pages only: a smaller BAR would share its page with another
     * device's registers. */
    if (b->kind != NONOS_BAR_MEMORY || b->base % PAGE != 0 || b->size % PAGE != 0 ||
        b->size == 0)
        return -ERROR_INVALID_ARGUMENT;
    return process_map_device(process_current(), address, b->base, b->size / PAGE);
}

int64_t sys_device_config_read(uint32_t slot, uint64_t offset, uint64_t width)
{
    int error;
    struct device *device = device_lookup(slot, RIGHT_READ, &error);
    if (!device)
        return error;
    if (!access_valid(offset, width))
        return -ERROR_INVALID_ARGUMENT;
    return pci_config_read(&device->pci, (uint32_t)offset, (uint32_t)width);
}

static bool overlaps(uint64_t offset, uint64_t width, uint32_t start, uint32_t length)
{
    return start != 0 && offset < (uint64_t)start + length && start < offset + width;
}

/* The rules of device_config_write: 0, DENIED or NOT_CONFINED. */
int device_config_write_check(const struct device *device, uint64_t offset, uint64_t width,
                              uint64_t value)
{
    const struct pci_function *fn = &device->pci;
    if (overlaps(offset, width, fn->msi_offset, MSI_CAPABILITY_SIZE) ||
        overlaps(offset, width, fn->msix_offset, MSIX_CAPABILITY_SIZE))
        return -ERROR_DENIED; /* device_irq_bind programs them */
    if (offset >= PCI_DEVICE_SPECIFIC)
        return 0;
    if (offset != PCI_COMMAND || width != 2)
        return -ERROR_DENIED; /* BARs, ids, bridges' windows: never */
    uint32_t allowed = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_BUS_MASTER |
                       PCI_COMMAND_INTX_DISABLE;
    uint32_t current = pci_config_read(fn, PCI_COMMAND, 2);
    if (((uint32_t)value ^ current) & ~allowed)
        return -ERROR_DENIED;
    if ((value & PCI_COMMAND_BUS_MASTER) && !device_dma_allowed(device))
        return -ERROR_NOT_CONFINED;
    return 0;
}

int64_t sys_device_config_write(uint32_t slot, uint64_t offset, uint64_t width, uint64_t value)
{
    int error;
    bool was_enabled = interrupts_save();
    struct device *device = device_lookup(slot, RIGHT_WRITE, &error);
    if (device && (!access_valid(offset, width) || (width < 4 && value >> (8 * width) != 0) ||
                   value > UINT32_MAX))
        error = -ERROR_INVALID_ARGUMENT;
    if (device && !error)
        error = device_config_write_check(device, offset, width, value);
    if (device && !error)
        pci_config_write(&device->pci, (uint32_t)offset, (uint32_t)width, (uint32_t)value);
    interrupts_restore(was_enabled);
    return error;
}

int64_t sys_device_irq_bind(uint32_t slot, uint64_t vector, uint32_t notification, uint64_t bits)
{
    int error;
    struct device *device = device_lookup(slot, RIGHT_CONTROL, &error);
    if (!device)
        return error;
    struct capability *cap;
    error = cap_lookup(process_caps(process_current()), notification, OBJECT_NOTIFICATION,
                       RIGHT_WRITE, &cap);
    if (error)
        return -error;
    if (vector > UINT32_MAX)
        return -ERROR_INVALID_ARGUMENT;
    return device_irq_bind(device, (uint32_t)vector, cap->object, bits);
}

int64_t sys_device_irq_ack(uint32_t slot, uint64_t vector)
{
    int error;
    struct device *device = device_lookup(slot, RIGHT_CONTROL, &error);
    if (!device)
        return error;
    return vector > UINT32_MAX ? -ERROR_INVALID_ARGUMENT : device_irq_ack(device, (uint32_t)vector);
}

int64_t sys_device_dma_map(uint32_t slot, uint32_t memory)
{
    int error;
    struct device *device = device_lookup(slot, RIGHT_WRITE, &error);
    if (!device)
        return error;
    return device_dma_map(device, process_current(), memory);
}

int64_t sys_device_dma_unmap(uint32_t slot, uint64_t address)
{
    int error;
    struct device *device = device_lookup(slot, RIGHT_WRITE, &error);
    if (!device)
        return error;
    return device_dma_unmap(device, address);
}

/* Whether [port, port + width) lies in one of the device's I/O BARs. */
bool device_port_valid(const struct device *device, uint64_t port, uint64_t width)
{
    if (width != 1 && width != 2 && width != 4)
        return false;
    for (uint32_t i = 0; i < NONOS_DEVICE_BARS; i++) {
        const struct nonos_device_bar *bar = &device->pci.bars[i];
        if (bar->kind == NONOS_BAR_IO && port >= bar->base &&
            range_fits(port - bar->base, width, bar->size))
            return true;
    }
    return false;
}

int64_t sys_device_port_read(uint32_t slot, uint64_t port, uint64_t width)
{
    int error;
    struct device *device = device_lookup(slot, RIGHT_READ, &error);
    if (!device)
        return error;
    if (!device_port_valid(device, port, width))
        return -ERROR_INVALID_ARGUMENT;
    switch (width) {
    case 1: return port_read8((uint16_t)port);
    case 2: return port_read16((uint16_t)port);
    default: return port_read32((uint16_t)port);
    }
}

int64_t sys_device_port_write(uint32_t slot, uint64_t port, uint64_t width, uint64_t value)
{
    int error;
    struct device *device = device_lookup(slot, RIGHT_WRITE, &error);
    if (!device)
        return error;
    if (!device_port_valid(device, port, width) || value >> (8 * width) != 0)
        return -ERROR_INVALID_ARGUMENT;
    switch (width) {
    case 1: port_write8((uint16_t)port, (uint8_t)value); break;
    case 2: port_write16((uint16_t)port, (uint16_t)value); break;
    default: port_write32((uint16_t)port, (uint32_t)value); break;
    }
    return 0;
}

int64_t sys_random_add(uint32_t slot, uint64_t data, uint64_t length)
{
    int error;
    if (!device_lookup(slot, RIGHT_WRITE, &error))
        return error;
    if (length > RANDOM_ADD_MAX)
        return -ERROR_TOO_LARGE;
    uint8_t bytes[RANDOM_ADD_MAX];
    error = user_memory_read(bytes, data, length);
    if (!error)
        system_random_add(bytes, (size_t)length);
    crypto_wipe(bytes, sizeof bytes);
    return error;
}
