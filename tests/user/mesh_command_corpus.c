/* The malformed-request corpus of nonos.mesh's command line
 * (tests/corpus/mesh-command/): bad lines, each with the exact refusal of
 * user/mesh/command.c and the IPC label the capsule answers it with (0: a
 * text reply saying what is wrong; INVALID_ARGUMENT for another label), and
 * good lines as controls. Inputs are in the format of
 * tests/user/request_replay.h (label, then the line).
 * usage: mesh_command_corpus --write DIR | --check DIR (request_corpus.h) */
#include <string.h>

#include "nonos/abi.h"
#include "nonos/error.h"
#include "nonos/mesh.h"
#include "tests/user/request_corpus.h"
#include "tests/user/request_replay.h"

static struct request_corpus corpus;

static const char *refusal_name(int refusal) { return mesh_command_name((enum mesh_command_refusal)refusal); }

static const char *answer_name(int refusal)
{
    return mesh_command_error((enum mesh_command_refusal)refusal) == 0 ? "0" : "NONOS_ERROR_INVALID_ARGUMENT";
}

static int replay(const uint8_t *input, size_t size)
{
    struct mesh_command command;
    return (int)mesh_command_replay(input, size, &command);
}

static void line(const char *name, const char *what, uint16_t label, const char *text, enum mesh_command_refusal expected)
{
    request_corpus_add(&corpus, name, what, label, (const uint8_t *)text, strlen(text), (int)expected);
}

/* "put k " and then value bytes up to `length` in all. */
static void long_put(const char *name, const char *what, size_t length, enum mesh_command_refusal expected)
{
    uint8_t data[NONOS_MESSAGE_DATA_MAX + 1];
    memset(data, 'v', sizeof data);
    memcpy(data, "put k ", 6);
    request_corpus_add(&corpus, name, what, NONOS_MESH_COMMAND, data, length, (int)expected);
}

static void generate(void)
{
    const uint16_t C = NONOS_MESH_COMMAND;
    line("ok-status", "the status line", C, "status", MESH_COMMAND_OK);
    line("ok-put", "put a record", C, "put guest1-record from-guest-1", MESH_COMMAND_OK);
    line("ok-put-spaces", "a value with spaces", C, "put motd hello mesh world", MESH_COMMAND_OK);
    line("ok-get", "get a record", C, "get hosted-record", MESH_COMMAND_OK);
    long_put("ok-put-whole-message", "a put of 256 bytes", NONOS_MESSAGE_DATA_MAX, MESH_COMMAND_OK);
    line("label-0", "label 0", 0, "status", MESH_COMMAND_ERR_LABEL);
    line("label-2", "label 2, past COMMAND", 2, "status", MESH_COMMAND_ERR_LABEL);
    line("label-65535", "label 65535", 0xffff, "get k", MESH_COMMAND_ERR_LABEL);
    line("empty", "no bytes", C, "", MESH_COMMAND_ERR_EMPTY);
    long_put("too-long", "257 bytes, one more than a message", NONOS_MESSAGE_DATA_MAX + 1, MESH_COMMAND_ERR_TOO_LONG);
    line("byte-newline", "status and a line feed", C, "status\n", MESH_COMMAND_ERR_BYTE);
    line("byte-escape", "a key with a terminal escape", C, "get \x1b[2J", MESH_COMMAND_ERR_BYTE);
    line("byte-delete", "a key ending in DEL", C, "get k\x7f", MESH_COMMAND_ERR_BYTE);
    line("byte-utf8", "a value in UTF-8", C, "put k \xc3\xa9t\xc3\xa9", MESH_COMMAND_ERR_BYTE);
    request_corpus_add(&corpus, "byte-nul", "a NUL inside the key", C, (const uint8_t *)"get a\0b", 7,
                       MESH_COMMAND_ERR_BYTE);
    line("unknown-stat", "a prefix of status", C, "stat", MESH_COMMAND_ERR_UNKNOWN);
    line("unknown-statusx", "status with a letter more", C, "statusx", MESH_COMMAND_ERR_UNKNOWN);
    line("unknown-upper-case", "PUT in capitals", C, "PUT k v", MESH_COMMAND_ERR_UNKNOWN);
    line("unknown-leading-space", "a space before status", C, " status", MESH_COMMAND_ERR_UNKNOWN);
    line("unknown-delete", "no delete command", C, "delete k", MESH_COMMAND_ERR_UNKNOWN);
    line("missing-key-put", "put alone", C, "put", MESH_COMMAND_ERR_MISSING_KEY);
    line("missing-key-get", "get and a space", C, "get ", MESH_COMMAND_ERR_MISSING_KEY);
    line("missing-key-two-spaces", "put with an empty key", C, "put  v", MESH_COMMAND_ERR_MISSING_KEY);
    line("missing-value", "put KEY without a value", C, "put k", MESH_COMMAND_ERR_MISSING_VALUE);
    line("missing-value-space", "put KEY and a space", C, "put k ", MESH_COMMAND_ERR_MISSING_VALUE);
    line("trailing-status", "a word after status", C, "status now", MESH_COMMAND_ERR_TRAILING);
    line("trailing-status-space", "a space after status", C, "status ", MESH_COMMAND_ERR_TRAILING);
    line("trailing-get", "get KEY and a value", C, "get k v", MESH_COMMAND_ERR_TRAILING);
    line("trailing-get-space", "a space after get's key", C, "get k ", MESH_COMMAND_ERR_TRAILING);
}

int main(int argc, char **argv)
{
    corpus.name = "mesh-command";
    corpus.program = "mesh_command_corpus (tests/user/mesh_command_corpus.c)";
    corpus.input = "label (2, LE), the command line";
    corpus.refusal_count = MESH_COMMAND_ERR_COUNT;
    corpus.refusal_name = refusal_name;
    corpus.answer_name = answer_name;
    corpus.replay = replay;
    generate();
    return request_corpus_main(&corpus, argc, argv);
}
