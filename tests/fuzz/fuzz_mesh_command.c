/* libFuzzer target for nonos.mesh's command line (user/mesh/command.c):
 * any label and any bytes (tests/user/request_replay.h), decoded as the
 * capsule decodes them. What an accepted line lets the capsule do is
 * checked with abort(): the verb is one of three; a put's or get's key, and
 * a put's value, are non-empty views of printable bytes within the
 * message, the key without a space, the value right after it and to the
 * end; status carries no key. A refusal leaves nothing decoded, and has a
 * reply label and text. The exact refusal of each bad line is in
 * tests/corpus/mesh-command/expected (mesh_command_corpus.c). */
#include <stdbool.h>
#include <stdlib.h>

#include "nonos/abi.h"
#include "nonos/error.h"
#include "tests/user/request_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool condition)
{
    if (!condition)
        abort();
}

static void require_printable(const uint8_t *view, size_t length, bool spaces)
{
    for (size_t i = 0; i < length; i++)
        require(view[i] >= 0x20 && view[i] <= 0x7e && (spaces || view[i] != ' '));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *message;
    size_t length;
    (void)request_replay_split(data, size, &message, &length);
    struct mesh_command command;
    enum mesh_command_refusal refusal = mesh_command_replay(data, size, &command);
    require((unsigned)refusal < MESH_COMMAND_ERR_COUNT);
    require((mesh_command_message(refusal) == NULL) == (refusal == MESH_COMMAND_OK));
    require((mesh_command_error(refusal) == NONOS_ERROR_INVALID_ARGUMENT) == (refusal == MESH_COMMAND_ERR_LABEL));
    if (refusal != MESH_COMMAND_OK) {
        require(command.verb == MESH_COMMAND_NONE && command.key == NULL && command.key_length == 0 &&
                command.value == NULL && command.value_length == 0);
        return 0;
    }
    require(length >= 1 && length <= NONOS_MESSAGE_DATA_MAX);
    if (command.verb == MESH_COMMAND_STATUS) {
        require(command.key == NULL && command.value == NULL && length == 6);
        return 0;
    }
    require(command.verb == MESH_COMMAND_PUT || command.verb == MESH_COMMAND_GET);
    require(command.key == message + 4 && command.key_length >= 1);
    require_printable(command.key, command.key_length, false);
    const uint8_t *end = message + length;
    if (command.verb == MESH_COMMAND_GET) {
        require(command.value == NULL && command.key + command.key_length == end);
        return 0;
    }
    require(command.value == command.key + command.key_length + 1 && command.value_length >= 1);
    require(command.value + command.value_length == end);
    require_printable(command.value, command.value_length, true);
    return 0;
}
