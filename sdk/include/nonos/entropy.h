/* The entropy service (docs/drivers.md, "virtio-rng"): the virtio-rng
 * driver capsule registers NONOS_ENTROPY_SERVICE with the name service;
 * a capsule whose manifest lists it under [policy.capabilities] ipc gets
 * its endpoint (nonos_names_lookup) and asks for bytes:
 *
 *   NONOS_ENTROPY_READ  data: a 4-byte little-endian count, 1..256.
 *                       Reply: label 0, data: that many bytes read from
 *                       the device; or a positive NONOS_ERROR_* label
 *                       (INVALID_ARGUMENT for a bad count or label, BUSY
 *                       when the device failed).
 *
 * The bytes come straight from the device; a capsule that wants keys
 * should still mix them with the kernel's generator. Freestanding. */
#ifndef NONOS_SDK_ENTROPY_H
#define NONOS_SDK_ENTROPY_H

#include <stdint.h>

#include "abi.h"
#include "error.h"
#include "syscall.h"

#define NONOS_ENTROPY_SERVICE "nonos.entropy"
#define NONOS_ENTROPY_READ 1
#define NONOS_ENTROPY_MAX NONOS_MESSAGE_DATA_MAX

/* Reads `length` (1..256) bytes from the service's endpoint in slot
 * `endpoint` into out; returns the count or -NONOS_ERROR_*. */
static inline long nonos_entropy_read(uint32_t endpoint, uint8_t *out, uint32_t length)
{
    struct nonos_message message = { .label = NONOS_ENTROPY_READ, .length = 4,
                                     .capability = NONOS_SLOT_NONE };
    for (int i = 0; i < 4; i++)
        message.data[i] = (uint8_t)(length >> (8 * i));
    long result = nonos_ipc_call(endpoint, &message, NONOS_SLOT_NONE);
    if (result < 0)
        return result;
    if (message.label != 0)
        return -(long)(message.label & 0xffff);
    if (message.length != length)
        return -NONOS_ERROR_INVALID_ARGUMENT; /* not what was asked */
    for (uint32_t i = 0; i < length; i++)
        out[i] = message.data[i];
    return (long)length;
}

#endif
