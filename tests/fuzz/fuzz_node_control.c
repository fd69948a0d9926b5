/* libFuzzer target for nonos-node's control-socket command line
 * (tools/nonos-node/control_parse.c): any bytes a client sends. What an
 * accepted line gives the handler is checked with abort(): the command is
 * one of the three, the key and value are views inside the first line
 * (before its '\n', within CONTROL_LINE_MAX), of the documented lengths,
 * printable ASCII, the key without a space; the views are read, so ASan
 * sees any that runs past the input. An error leaves the request all zero
 * and has a message. The exact error of each bad line is in
 * tests/corpus/node-control/expected (tests/mesh/control_parse_test.c). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tools/nonos-node/control_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool condition)
{
    if (!condition)
        abort();
}

/* view lies within the line data[0..line_len) and is printable ASCII. */
static void require_view(const uint8_t *data, size_t line_len, const uint8_t *view, size_t len, size_t max)
{
    require(view != NULL && len >= 1 && len <= max);
    require(view >= data && (size_t)(view - data) + len <= line_len);
    for (size_t i = 0; i < len; i++)
        require(view[i] >= 0x20 && view[i] <= 0x7e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct control_request zero;
    struct control_request request;
    enum control_error error = control_parse(data, size, &request);
    require((unsigned)error < CONTROL_ERR_COUNT);
    require(strlen(control_parse_message(error)) > 0);
    if (error != CONTROL_OK) {
        require(memcmp(&request, &zero, sizeof zero) == 0);
        return 0;
    }
    const uint8_t *newline = memchr(data, '\n', size);
    require(newline != NULL);
    size_t line_len = (size_t)(newline - data);
    require(line_len < CONTROL_LINE_MAX);
    require(request.command == CONTROL_STATUS || request.command == CONTROL_GET || request.command == CONTROL_PUT);
    if (request.command == CONTROL_STATUS) {
        require(line_len == 6 && request.key == NULL && request.value == NULL);
        return 0;
    }
    require_view(data, line_len, request.key, request.key_len, CONTROL_KEY_MAX);
    require(memchr(request.key, ' ', request.key_len) == NULL);
    if (request.command == CONTROL_GET)
        require(request.value == NULL && request.key + request.key_len == newline);
    else
        require_view(data, line_len, request.value, request.value_len, CONTROL_VALUE_MAX);
    return 0;
}
