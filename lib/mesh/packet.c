/* Layout checks of mesh datagrams (packet.h). Pure function of the bytes:
 * no state, no crypto, so it is fuzzed on its own (tests/fuzz/fuzz_mesh_packet.c). */
#include "mesh/packet.h"

#include "base/endian.h"

void mesh_header_write(uint8_t *out, enum mesh_packet_type type)
{
    out[0] = (uint8_t)type;
    out[1] = out[2] = out[3] = 0;
}

size_t mesh_inner_size(size_t payload_len, size_t cell_size)
{
    if (payload_len > MESH_MAX_PAYLOAD)
        return 0;
    size_t inner = (payload_len + 2 + MESH_PAD_BLOCK - 1) / MESH_PAD_BLOCK * MESH_PAD_BLOCK;
    if (cell_size != 0) {
        if (inner > cell_size)
            return 0;
        inner = cell_size;
    }
    return inner + 16;
}

static enum mesh_result decode_handshake(const uint8_t *d, size_t len, struct mesh_packet *out)
{
    switch (out->type) {
    case MESH_PACKET_INIT:
        if (len != MESH_INIT_SIZE)
            return MESH_ERR_LENGTH;
        for (size_t i = MESH_HEADER_SIZE + MESH_NOISE_MESSAGE1_SIZE; i < len; i++)
            if (d[i] != 0)
                return MESH_ERR_PADDING;
        out->sender_index = load32_le(d + MESH_HEADER_SIZE + 32);
        out->noise = d + MESH_HEADER_SIZE;
        out->noise_len = MESH_NOISE_MESSAGE1_SIZE;
        return MESH_OK;
    case MESH_PACKET_RESPONSE:
        if (len != MESH_RESPONSE_SIZE)
            return MESH_ERR_LENGTH;
        out->receiver_index = load32_le(d + 4);
        out->noise = d + 8;
        out->noise_len = MESH_NOISE_MESSAGE2_SIZE;
        return MESH_OK;
    default:
        if (len != MESH_FINISH_SIZE)
            return MESH_ERR_LENGTH;
        out->receiver_index = load32_le(d + 4);
        out->noise = d + 8;
        out->noise_len = MESH_NOISE_MESSAGE3_SIZE;
        return MESH_OK;
    }
}

static enum mesh_result decode_data(const uint8_t *d, size_t len, struct mesh_packet *out)
{
    if (len < MESH_DATA_HEADER_SIZE)
        return MESH_ERR_SHORT;
    size_t sealed = len - MESH_DATA_HEADER_SIZE;
    if (sealed < MESH_PAD_BLOCK + 16 || sealed > MESH_MAX_INNER + 16 ||
        (sealed - 16) % MESH_PAD_BLOCK != 0)
        return MESH_ERR_LENGTH;
    out->receiver_index = load32_le(d + 4);
    out->counter = load64_le(d + 8);
    out->noise = d + MESH_DATA_HEADER_SIZE;
    out->noise_len = sealed;
    return MESH_OK;
}

enum mesh_result mesh_packet_decode(const uint8_t *datagram, size_t len, struct mesh_packet *out)
{
    __builtin_memset(out, 0, sizeof *out);
    if (datagram == NULL || len < MESH_HEADER_SIZE)
        return MESH_ERR_SHORT;
    if (datagram[0] < MESH_PACKET_INIT || datagram[0] > MESH_PACKET_DATA)
        return MESH_ERR_TYPE;
    if (datagram[1] != 0 || datagram[2] != 0 || datagram[3] != 0)
        return MESH_ERR_RESERVED;
    out->type = (enum mesh_packet_type)datagram[0];
    enum mesh_result result = out->type == MESH_PACKET_DATA
                                  ? decode_data(datagram, len, out)
                                  : decode_handshake(datagram, len, out);
    if (result != MESH_OK)
        __builtin_memset(out, 0, sizeof *out);
    return result;
}
