/* Messages for enum mesh_result (result.h). */
#include "mesh/result.h"

const char *mesh_result_message(enum mesh_result result)
{
    switch (result) {
    case MESH_OK: return "ok";
    case MESH_ERR_SHORT: return "packet too short";
    case MESH_ERR_LENGTH: return "packet length wrong for its type";
    case MESH_ERR_TYPE: return "unknown message type";
    case MESH_ERR_RESERVED: return "reserved bytes not zero";
    case MESH_ERR_DECRYPT: return "authentication tag did not verify";
    case MESH_ERR_KEY: return "weak Diffie-Hellman result";
    case MESH_ERR_STATE: return "message not expected in this state";
    case MESH_ERR_UNKNOWN_INDEX: return "unknown receiver index";
    case MESH_ERR_REPLAY: return "replayed or too old counter";
    case MESH_ERR_EXPIRED: return "key pair expired";
    case MESH_ERR_PADDING: return "malformed inner length or padding";
    case MESH_ERR_IDENTITY: return "node ID does not match its keys or work";
    case MESH_ERR_RATE_LIMIT: return "handshake rate limit exceeded";
    case MESH_ERR_BUFFER: return "output buffer too small";
    case MESH_ERR_PARAMETER: return "parameter out of range";
    case MESH_ERR_RANDOM: return "random source failed";
    case MESH_ERR_FULL: return "no free slot";
    case MESH_ERR_NO_SESSION: return "no session with this peer";
    case MESH_ERR_PAYLOAD: return "malformed handshake payload";
    }
    return "unknown mesh result";
}
