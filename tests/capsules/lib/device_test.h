/* What the device hostile capsules (tests/capsules/hostile-device-*) and
 * their harness (kernel/test/test_device.c) agree on. */
#ifndef NONOS_HOSTILE_DEVICE_TEST_H
#define NONOS_HOSTILE_DEVICE_TEST_H

#define DEVICE_TEST_BAR 4u                        /* virtio's modern register BAR */
#define DEVICE_TEST_BAR_ADDRESS 0x20000000000ull  /* 2 TiB */
#define DEVICE_TEST_NARROW_SLOT 9u                /* a read-only copy of the device capability */
#define DEVICE_TEST_NOTIFICATION_SLOT 10u
#define DEVICE_TEST_MEMORY_SLOT 11u
#define DEVICE_TEST_RANDOM_BYTES 32u                /* random_add by the driver */

#endif
