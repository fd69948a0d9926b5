/* Decoding NONOS_NET_UDP_NOTIFY (nonos/net.h): pure, so the host tests
 * (suite 17-user) check every refusal without a kernel. The request
 * arrives from any capsule that holds nonos.net: outside input. */
#ifndef NONOS_USER_NET_WAKE_REQUEST_H
#define NONOS_USER_NET_WAKE_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include <nonos/abi.h>

struct wake_request {
    uint16_t port;
    uint64_t bits;
    bool stop; /* no capability came: stop signalling this port */
};

/* 0 and *out filled, or the reply label (NONOS_ERROR_INVALID_ARGUMENT: a
 * length other than 10; bits 0 or with bit 63 while a capability came)
 * and *out untouched. The capability's type is checked by the caller. */
uint64_t wake_request_decode(const struct nonos_message *message, struct wake_request *out);

#endif
