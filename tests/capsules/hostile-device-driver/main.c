/* hostile-device-driver: the driver of virtio-rng for the harness
 * (kernel/test/test_hostile.c). With its device capability in slot 4 it
 * describes the device, maps its register BAR and reads a register, reads
 * config space, turns bus mastering on; is refused a BAR write (DENIED)
 * and, through a read-only copy of the capability, the BAR mapping, an
 * interrupt binding and random_add (NO_RIGHT); mixes 32 bytes into the
 * system random generator (257 bytes: TOO_LARGE); binds interrupt 0
 * (MSI-X) to a notification; maps two pages for DMA, unmaps the first (a
 * second unmap: NOT_FOUND) and maps it again at the same device address;
 * then ends holding the BAR, the interrupt and both DMA mappings: the
 * kernel must tear them down. Exit status 0, else the failed step. */
#include "hostile.h"
#include "device_test.h"

static int steps(void)
{
    struct nonos_device_info info;
    if (nonos_device_info(NONOS_SLOT_DEVICE, &info, sizeof info) != (long)sizeof info ||
        info.vendor_id != 0x1af4 || info.device_id != 0x1044 || info.msix_vectors == 0)
        return 1;
    if (nonos_device_map_bar(NONOS_SLOT_DEVICE, DEVICE_TEST_BAR, DEVICE_TEST_BAR_ADDRESS) != 0)
        return 2;
    volatile uint32_t *registers = (volatile uint32_t *)DEVICE_TEST_BAR_ADDRESS;
    (void)registers[0]; /* common configuration: device_feature_select */
    if (nonos_device_config_read(NONOS_SLOT_DEVICE, 0, 2) != 0x1af4)
        return 3;
    if (nonos_device_config_write(NONOS_SLOT_DEVICE, 0x20, 4, 0xffffffffu) != -NONOS_ERROR_DENIED)
        return 4;
    long command = nonos_device_config_read(NONOS_SLOT_DEVICE, 4, 2);
    if (command < 0 || nonos_device_config_write(NONOS_SLOT_DEVICE, 4, 2,
                                                 (uint64_t)command | 0x6u) != 0)
        return 10; /* memory decode and bus mastering: allowed, DMA is confined or allowed */
    if (nonos_cap_copy(NONOS_SLOT_DEVICE, DEVICE_TEST_NARROW_SLOT, NONOS_RIGHT_READ) != 0 ||
        nonos_notification_create(DEVICE_TEST_NOTIFICATION_SLOT) != 0)
        return 5;
    if (nonos_device_map_bar(DEVICE_TEST_NARROW_SLOT, DEVICE_TEST_BAR,
                             DEVICE_TEST_BAR_ADDRESS + 0x100000) != -NONOS_ERROR_NO_RIGHT)
        return 6;
    if (nonos_device_irq_bind(DEVICE_TEST_NARROW_SLOT, 0, DEVICE_TEST_NOTIFICATION_SLOT, 1) !=
        -NONOS_ERROR_NO_RIGHT)
        return 7;
    if (nonos_device_irq_bind(NONOS_SLOT_DEVICE, 0, DEVICE_TEST_NOTIFICATION_SLOT, 1) !=
        NONOS_IRQ_MSIX)
        return 8;
    static const uint8_t entropy[DEVICE_TEST_RANDOM_BYTES] = { 1, 2, 3 };
    static uint8_t too_much[257];
    if (nonos_random_add(NONOS_SLOT_DEVICE, entropy, sizeof entropy) != 0 ||
        nonos_random_add(NONOS_SLOT_DEVICE, too_much, sizeof too_much) != -NONOS_ERROR_TOO_LARGE ||
        nonos_random_add(DEVICE_TEST_NARROW_SLOT, entropy, sizeof entropy) != -NONOS_ERROR_NO_RIGHT)
        return 11;
    if (nonos_memory_allocate_contiguous(1, DEVICE_TEST_MEMORY_SLOT) != 0 ||
        nonos_memory_allocate_contiguous(1, DEVICE_TEST_MEMORY_SLOT + 1) != 0)
        return 9;
    long first = nonos_device_dma_map(NONOS_SLOT_DEVICE, DEVICE_TEST_MEMORY_SLOT);
    long second = nonos_device_dma_map(NONOS_SLOT_DEVICE, DEVICE_TEST_MEMORY_SLOT + 1);
    if (first <= 0 || second <= 0 || first == second)
        return 12;
    if (nonos_device_dma_unmap(NONOS_SLOT_DEVICE, (uint64_t)first) != 0 ||
        nonos_device_dma_unmap(NONOS_SLOT_DEVICE, (uint64_t)first) != -NONOS_ERROR_NOT_FOUND)
        return 13;
    /* Mapped again: in an IOMMU domain the freed range is reused (first fit);
     * without one the address is the frame's own, the same too. */
    if (nonos_device_dma_map(NONOS_SLOT_DEVICE, DEVICE_TEST_MEMORY_SLOT) != first)
        return 14;
    return 0;
}

int main(void)
{
    hostile_require_harness("hostile-device-driver");
    int status = steps();
    if (status != 0)
        hostile_print_number("hostile-device-driver: failed step ", status);
    return status; /* ends holding its BAR mapping, interrupt and DMA mapping */
}
