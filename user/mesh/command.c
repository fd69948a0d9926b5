/* Decoding nonos.mesh's command line (command.h). Pure: no state, no
 * system calls, so that the host tests, the corpus in
 * tests/corpus/mesh-command/ and the fuzz target see exactly what the
 * capsule runs. The checks go from the whole message to its words, so a
 * line with several faults gets the first in that order. */
#include <stddef.h>
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/error.h>
#include <nonos/mesh.h>

#include "command.h"

#define USAGE "usage: mesh [status | put KEY VALUE | get KEY]"

/* The length of the word at data[0..length): up to the first space. */
static size_t word_length(const uint8_t *data, size_t length)
{
    size_t n = 0;
    while (n < length && data[n] != ' ')
        n++;
    return n;
}

static int word_is(const uint8_t *word, size_t length, const char *text)
{
    size_t n = 0;
    while (n < length && text[n] != 0 && word[n] == (uint8_t)text[n])
        n++;
    return text[n] == 0 && n == length;
}

static enum mesh_command_refusal bytes_check(const uint8_t *data, size_t length)
{
    if (length == 0)
        return MESH_COMMAND_ERR_EMPTY;
    if (length > NONOS_MESSAGE_DATA_MAX)
        return MESH_COMMAND_ERR_TOO_LONG;
    for (size_t i = 0; i < length; i++)
        if (data[i] < 0x20 || data[i] > 0x7e)
            return MESH_COMMAND_ERR_BYTE;
    return MESH_COMMAND_OK;
}

/* put's or get's arguments: rest[0..length) after "put " or "get ". */
static enum mesh_command_refusal arguments_decode(const uint8_t *rest, size_t length, struct mesh_command *out)
{
    size_t key_length = word_length(rest, length);
    if (key_length == 0)
        return MESH_COMMAND_ERR_MISSING_KEY;
    out->key = rest;
    out->key_length = key_length;
    if (out->verb == MESH_COMMAND_GET)
        return key_length == length ? MESH_COMMAND_OK : MESH_COMMAND_ERR_TRAILING;
    if (key_length + 1 >= length)
        return MESH_COMMAND_ERR_MISSING_VALUE;
    out->value = rest + key_length + 1;
    out->value_length = length - key_length - 1;
    return MESH_COMMAND_OK;
}

static enum mesh_command_refusal line_decode(const uint8_t *data, size_t length, struct mesh_command *out)
{
    size_t verb_length = word_length(data, length);
    if (word_is(data, verb_length, "status")) {
        out->verb = MESH_COMMAND_STATUS;
        return verb_length == length ? MESH_COMMAND_OK : MESH_COMMAND_ERR_TRAILING;
    }
    if (word_is(data, verb_length, "put"))
        out->verb = MESH_COMMAND_PUT;
    else if (word_is(data, verb_length, "get"))
        out->verb = MESH_COMMAND_GET;
    else
        return MESH_COMMAND_ERR_UNKNOWN;
    if (verb_length == length)
        return MESH_COMMAND_ERR_MISSING_KEY;
    return arguments_decode(data + verb_length + 1, length - verb_length - 1, out);
}

enum mesh_command_refusal mesh_command_decode(uint64_t label, const uint8_t *data, size_t length,
                                              struct mesh_command *out)
{
    *out = (struct mesh_command){ 0 };
    enum mesh_command_refusal refusal =
        label == NONOS_MESH_COMMAND ? bytes_check(data, length) : MESH_COMMAND_ERR_LABEL;
    if (refusal == MESH_COMMAND_OK)
        refusal = line_decode(data, length, out);
    if (refusal != MESH_COMMAND_OK)
        *out = (struct mesh_command){ 0 };
    return refusal;
}

uint64_t mesh_command_error(enum mesh_command_refusal refusal)
{
    return refusal == MESH_COMMAND_ERR_LABEL ? NONOS_ERROR_INVALID_ARGUMENT : 0;
}

const char *mesh_command_message(enum mesh_command_refusal refusal)
{
    switch (refusal) {
    case MESH_COMMAND_OK: return NULL;
    case MESH_COMMAND_ERR_LABEL: return "error not a mesh command";
    case MESH_COMMAND_ERR_EMPTY: return "error empty command; " USAGE;
    case MESH_COMMAND_ERR_TOO_LONG: return "error command longer than a message; " USAGE;
    case MESH_COMMAND_ERR_BYTE: return "error a byte that is not printable ASCII; " USAGE;
    case MESH_COMMAND_ERR_UNKNOWN: return "error unknown command; " USAGE;
    case MESH_COMMAND_ERR_MISSING_KEY: return "error missing KEY; " USAGE;
    case MESH_COMMAND_ERR_MISSING_VALUE: return "error missing VALUE; usage: mesh put KEY VALUE";
    case MESH_COMMAND_ERR_TRAILING: return "error words after the command; " USAGE;
    default: return "error unknown refusal";
    }
}

const char *mesh_command_name(enum mesh_command_refusal refusal)
{
    static const char *const names[MESH_COMMAND_ERR_COUNT] = {
        [MESH_COMMAND_OK] = "MESH_COMMAND_OK",
        [MESH_COMMAND_ERR_LABEL] = "MESH_COMMAND_ERR_LABEL",
        [MESH_COMMAND_ERR_EMPTY] = "MESH_COMMAND_ERR_EMPTY",
        [MESH_COMMAND_ERR_TOO_LONG] = "MESH_COMMAND_ERR_TOO_LONG",
        [MESH_COMMAND_ERR_BYTE] = "MESH_COMMAND_ERR_BYTE",
        [MESH_COMMAND_ERR_UNKNOWN] = "MESH_COMMAND_ERR_UNKNOWN",
        [MESH_COMMAND_ERR_MISSING_KEY] = "MESH_COMMAND_ERR_MISSING_KEY",
        [MESH_COMMAND_ERR_MISSING_VALUE] = "MESH_COMMAND_ERR_MISSING_VALUE",
        [MESH_COMMAND_ERR_TRAILING] = "MESH_COMMAND_ERR_TRAILING",
    };
    return (unsigned)refusal < MESH_COMMAND_ERR_COUNT ? names[refusal] : "MESH_COMMAND_ERR_?";
}
