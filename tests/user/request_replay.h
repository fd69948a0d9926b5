/* One request to nonos.mesh (NONOS_MESH_COMMAND) or to nonos.net (REPORT,
 * PING and the labels it hands on) as the corpora
 * (tests/corpus/mesh-command, tests/corpus/net-request) and the fuzz
 * targets (tests/fuzz/fuzz_mesh_command.c, fuzz_net_request.c) hold it,
 * replayed through the capsule's decoder as the capsule runs it.
 * Test-only.
 *
 * Input: bytes 0..1 the label (little endian), then the message's data
 * (its length is what remains, so more than NONOS_MESSAGE_DATA_MAX is
 * possible here, as it is not from the kernel). An input shorter than 2
 * bytes is read with the missing bytes as 0 and no data.
 *
 * A reply of nonos.net to the mesh capsule (user/lib/net_reply.c; corpus
 * tests/corpus/mesh-net-reply, fuzz target fuzz_mesh_net_reply.c): bytes
 * 0..1 the label of the request it answers, 2..3 the bytes gathered so far
 * of the datagram being received, 4..5 its total as the first chunk said,
 * then the reply's data; missing bytes read as 0.
 *
 * A REPORT or PING reply of nonos.net to the shell (user/shell/stack_reply.c;
 * corpus tests/corpus/shell-net-reply, fuzz target fuzz_shell_net_reply.c):
 * bytes 0..1 the label of the request it answers, then the reply's data. */
#ifndef NONOS_TESTS_USER_REQUEST_REPLAY_H
#define NONOS_TESTS_USER_REQUEST_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "user/mesh/command.h"
#include "user/lib/net_reply.h"
#include "user/net/request.h"
#include "user/shell/stack_reply.h"

#define REQUEST_REPLAY_HEADER 2
#define NET_REPLY_REPLAY_HEADER 6

/* The label of input[0..size); *data and *length: the message's data. */
uint16_t request_replay_split(const uint8_t *input, size_t size, const uint8_t **data, size_t *length);

enum mesh_command_refusal mesh_command_replay(const uint8_t *input, size_t size, struct mesh_command *out);
enum net_request_refusal net_request_replay(const uint8_t *input, size_t size, struct net_request *out);
enum net_reply_refusal net_reply_replay(const uint8_t *input, size_t size, struct net_reply *out);
enum stack_reply_refusal stack_reply_replay(const uint8_t *input, size_t size, struct stack_reply *out);

#endif
