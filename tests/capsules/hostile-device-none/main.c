/* hostile-device-none: holds no device capability (its policy names no
 * device) and tries, on every device slot, to map BAR 4, bind interrupt 0
 * and map memory for DMA. Each must be refused with INVALID_CAPABILITY
 * (the harness, kernel/test/test_device.c, finds the audit records). Exit
 * status 0, or the number of the first wrong answer. */
#include "hostile.h"
#include "device_test.h"

int main(void)
{
    hostile_require_harness("hostile-device-none");
    if (nonos_notification_create(DEVICE_TEST_NOTIFICATION_SLOT) != 0 ||
        nonos_memory_allocate(1, DEVICE_TEST_MEMORY_SLOT) != 0)
        return 100;
    int status = 0;
    for (uint32_t slot = NONOS_SLOT_DEVICE; slot < NONOS_SLOT_DEVICE + 3; slot++) {
        long answers[3] = {
            nonos_device_map_bar(slot, DEVICE_TEST_BAR, DEVICE_TEST_BAR_ADDRESS),
            nonos_device_irq_bind(slot, 0, DEVICE_TEST_NOTIFICATION_SLOT, 1),
            nonos_device_dma_map(slot, DEVICE_TEST_MEMORY_SLOT),
        };
        for (int i = 0; i < 3; i++) {
            if (answers[i] != -NONOS_ERROR_INVALID_CAPABILITY && status == 0)
                status = (int)(slot - NONOS_SLOT_DEVICE) * 3 + i + 1;
        }
    }
    return status;
}
