/* The request of nonos.mesh (sdk/include/nonos/mesh.h, docs/mesh.md
 * "The in-OS node"): NONOS_MESH_COMMAND with one command line, decoded
 * without any state of the mesh capsule. Any capsule whose policy lists
 * nonos.mesh may send it: outside input.
 *
 * The line is printable ASCII (0x20..0x7e, what the shell's line editor
 * lets anyone type), words separated by one space:
 *   "status"          the node's status line
 *   "put KEY VALUE"   KEY up to the next space, VALUE the rest (spaces too)
 *   "get KEY"         KEY alone
 * Each malformation has its own refusal (enum mesh_command_refusal, its
 * symbol for the corpus in tests/corpus/mesh-command/ and its text for the
 * reply). A wrong label is answered with NONOS_ERROR_INVALID_ARGUMENT, a
 * bad line with label 0 and the text "error <message>; usage: ...", as
 * the shell prints the reply. On a refusal *out is all zero: nothing the
 * capsule could act on. Freestanding. */
#ifndef NONOS_USER_MESH_COMMAND_H
#define NONOS_USER_MESH_COMMAND_H

#include <stddef.h>
#include <stdint.h>

enum mesh_command_refusal {
    MESH_COMMAND_OK = 0,
    MESH_COMMAND_ERR_LABEL,         /* not NONOS_MESH_COMMAND */
    MESH_COMMAND_ERR_EMPTY,         /* no bytes */
    MESH_COMMAND_ERR_TOO_LONG,      /* more than NONOS_MESSAGE_DATA_MAX bytes */
    MESH_COMMAND_ERR_BYTE,          /* a byte outside printable ASCII */
    MESH_COMMAND_ERR_UNKNOWN,       /* the first word is not status, put or get */
    MESH_COMMAND_ERR_MISSING_KEY,   /* put or get without a KEY */
    MESH_COMMAND_ERR_MISSING_VALUE, /* put KEY without a VALUE */
    MESH_COMMAND_ERR_TRAILING,      /* words after status or after get's KEY */
    MESH_COMMAND_ERR_COUNT
};

enum mesh_command_verb { MESH_COMMAND_NONE = 0, MESH_COMMAND_STATUS, MESH_COMMAND_PUT, MESH_COMMAND_GET };

/* A decoded line: views into the message's data. */
struct mesh_command {
    enum mesh_command_verb verb;
    const uint8_t *key;   /* put, get */
    size_t key_length;    /* >= 1 */
    const uint8_t *value; /* put */
    size_t value_length;  /* >= 1 */
};

/* The label and data[0..length) of one request. */
enum mesh_command_refusal mesh_command_decode(uint64_t label, const uint8_t *data, size_t length,
                                              struct mesh_command *out);

/* The reply label: 0 for MESH_COMMAND_OK and for a bad line (answered in
 * text), NONOS_ERROR_INVALID_ARGUMENT for a wrong label. */
uint64_t mesh_command_error(enum mesh_command_refusal refusal);

/* The reply text of a refusal ("error ...; usage: ..."), NULL for
 * MESH_COMMAND_OK. */
const char *mesh_command_message(enum mesh_command_refusal refusal);

/* The symbol ("MESH_COMMAND_ERR_BYTE"); "MESH_COMMAND_ERR_?" out of range. */
const char *mesh_command_name(enum mesh_command_refusal refusal);

#endif
