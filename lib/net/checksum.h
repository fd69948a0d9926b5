/* The Internet checksum (RFC 1071): the 16-bit one's complement of the one's
 * complement sum of the data taken as big-endian 16-bit words, an odd final
 * byte padded with a zero byte on the right.
 *
 * net_checksum_add accumulates into a 64-bit sum, so any realistic length
 * adds without overflow; only the last piece given to it may have an odd
 * length (a pseudo-header is 12 bytes, so UDP's checksum is header pieces
 * followed by the datagram). A buffer whose stored checksum is right sums
 * (checksum field included) to 0 after net_checksum_finish. */
#ifndef NONOS_NET_CHECKSUM_H
#define NONOS_NET_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

uint64_t net_checksum_add(uint64_t sum, const uint8_t *data, size_t len);
uint16_t net_checksum_finish(uint64_t sum);
uint16_t net_checksum(const uint8_t *data, size_t len);

#endif
