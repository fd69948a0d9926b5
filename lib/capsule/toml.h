/* A strict parser for the subset of TOML 1.0 that capsule.toml needs.
 *
 * Accepted: key/value pairs; bare, quoted ("basic") and literal keys; dotted
 * keys; [table] headers; inline tables; basic strings with every TOML escape
 * and literal strings (single line); decimal integers (with underscores,
 * signed 64-bit); booleans; arrays (of any of these, trailing comma and
 * comments allowed). Everything else TOML has (multi-line strings, floats,
 * dates and times, 0x/0o/0b integers, [[arrays of tables]]) is refused with
 * its own error, never misread. The whole input must be valid UTF-8.
 *
 * No heap: the caller gives the node array and a text pool for decoded keys
 * and strings (a pool as large as the input always suffices). The result is
 * a tree: node 0 is the root table, every other node names its parent, and
 * the children of a node appear in document order. Array elements have empty
 * keys. On error the diag holds the code, the line and the dotted key path. */
#ifndef NONOS_CAPSULE_TOML_H
#define NONOS_CAPSULE_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "capsule/error.h"

#define TOML_DEPTH_MAX 16
#define TOML_NONE ((size_t)-1)

enum toml_type {
    TOML_TABLE,
    TOML_ARRAY,
    TOML_STRING,
    TOML_INTEGER,
    TOML_BOOLEAN,
};

/* How a table came to exist; decides whether it may be defined or extended
 * again (TOML 1.0, "Table" and "Inline Table"). */
enum toml_table_kind {
    TOML_TABLE_IMPLICIT, /* created as a parent by a [a.b] header */
    TOML_TABLE_HEADER,   /* defined by its own [header] */
    TOML_TABLE_DOTTED,   /* created by a dotted key a.b = ... */
    TOML_TABLE_INLINE,   /* { ... }: closed once written */
};

struct toml_node {
    size_t parent;
    uint32_t line;
    enum toml_type type;
    enum toml_table_kind table_kind;
    struct bytes key;    /* decoded; empty for the root and array elements */
    struct bytes string; /* TOML_STRING: decoded value */
    int64_t integer;     /* TOML_INTEGER */
    bool boolean;        /* TOML_BOOLEAN */
};

struct toml_document {
    struct toml_node *nodes;
    size_t count;
    size_t cap;
    uint8_t *text;
    size_t text_len;
    size_t text_cap;
};

void toml_document_init(struct toml_document *doc, struct toml_node *nodes,
                        size_t node_cap, uint8_t *text, size_t text_cap);

/* Parses input into doc (which must be freshly initialized). */
enum capsule_error toml_parse(struct toml_document *doc, struct bytes input,
                              struct capsule_diag *diag);

/* The first child of `parent` after index `after` (use `parent` to start),
 * or TOML_NONE. */
size_t toml_next_child(const struct toml_document *doc, size_t parent,
                       size_t after);

/* The child of table `parent` named key, or TOML_NONE. */
size_t toml_find(const struct toml_document *doc, size_t parent,
                 const char *key);

/* Writes the dotted key path of node into out (NUL-terminated, truncated to
 * out_cap) and returns its length. Array elements appear as "[i]". */
size_t toml_path(const struct toml_document *doc, size_t node, char *out,
                 size_t out_cap);

#endif
