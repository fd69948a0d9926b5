/* The command line of nonos-node's control socket (docs/mesh.md "Hosted
 * node", "Control commands"), parsed without any state of the node: the
 * socket handler (control.c), the host tests and corpus
 * (tests/mesh/control_parse_test.c, tests/corpus/node-control/) and the
 * fuzz target (tests/fuzz/fuzz_node_control.c) run this one function.
 *
 * A line is at most CONTROL_LINE_MAX bytes including its '\n'; only the
 * bytes up to the first '\n' are read (one command per connection), and
 * they must be printable ASCII (0x20..0x7e). Words are split at single
 * spaces: `status`, `get KEY`, `put KEY VALUE` (VALUE is the rest of the
 * line and may hold spaces). KEY is 1..CONTROL_KEY_MAX bytes without a
 * space, VALUE 1..CONTROL_VALUE_MAX bytes.
 *
 * Each malformation has its own code (enum control_error), a message for
 * the answer line ("error MESSAGE\n") and a symbol for the corpus. On an
 * error *out is all zero; on success key and value are views into the
 * caller's bytes. */
#ifndef NONOS_TOOLS_NODE_CONTROL_PARSE_H
#define NONOS_TOOLS_NODE_CONTROL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define CONTROL_LINE_MAX 512  /* bytes, the '\n' included */
#define CONTROL_KEY_MAX 128
#define CONTROL_VALUE_MAX 256 /* DHT_VALUE_MAX */

enum control_command { CONTROL_NONE = 0, CONTROL_STATUS, CONTROL_GET, CONTROL_PUT };

enum control_error {
    CONTROL_OK = 0,
    CONTROL_ERR_NO_NEWLINE,    /* the input ended before a '\n' */
    CONTROL_ERR_TOO_LONG,      /* no '\n' within CONTROL_LINE_MAX bytes */
    CONTROL_ERR_NUL,           /* a NUL byte in the line */
    CONTROL_ERR_BYTE,          /* a byte outside printable ASCII (control, DEL, 0x80..0xff) */
    CONTROL_ERR_EMPTY,         /* nothing before the '\n' */
    CONTROL_ERR_UNKNOWN,       /* the first word is no command */
    CONTROL_ERR_EXTRA,         /* status with an argument, get with two */
    CONTROL_ERR_MISSING_KEY,   /* get or put without a key (or with an empty one) */
    CONTROL_ERR_MISSING_VALUE, /* put without a value (or with an empty one) */
    CONTROL_ERR_KEY_LONG,      /* a key longer than CONTROL_KEY_MAX */
    CONTROL_ERR_VALUE_LONG,    /* a value longer than CONTROL_VALUE_MAX */
    CONTROL_ERR_COUNT
};

struct control_request {
    enum control_command command;
    const uint8_t *key;   /* get, put */
    size_t key_len;
    const uint8_t *value; /* put */
    size_t value_len;
};

/* Parses the first line of input[0..len). */
enum control_error control_parse(const uint8_t *input, size_t len, struct control_request *out);

/* The answer's text ("line too long (...)"); "unknown error" out of range. */
const char *control_parse_message(enum control_error error);

/* The symbol ("CONTROL_ERR_EMPTY"); "CONTROL_ERR_?" out of range. */
const char *control_parse_name(enum control_error error);

#endif
