/* The strict TOML subset parser (see toml.h for what is accepted).
 *
 * Written from the TOML 1.0.0 specification. One pass over the input, one
 * byte of lookahead (three to tell a multi-line string opener). Invariants:
 * ps->p never passes ps->end; every byte appended to the text pool comes from
 * a distinct input byte (escapes only shrink), so a pool as large as the
 * input never overflows; recursion (arrays, inline tables) is bounded by
 * TOML_DEPTH_MAX. The input is validated as UTF-8 before parsing, so string
 * scanning only has to look at ASCII. */
#include "capsule/toml.h"

#include "base/hex.h"
#include "capsule/utf8.h"

struct parser {
    const uint8_t *p;
    const uint8_t *end;
    uint32_t line;
    unsigned depth;
    size_t table; /* the table that key/value lines currently go into */
    size_t value; /* the value being parsed (names errors), or TOML_NONE */
    struct toml_document *doc;
    struct capsule_diag *diag;
};

#define KEY_SEGMENTS_MAX TOML_DEPTH_MAX

struct key {
    struct bytes segments[KEY_SEGMENTS_MAX];
    size_t count;
};

static enum capsule_error parse_value(struct parser *ps, size_t parent,
                                      struct bytes key);
static enum capsule_error parse_keyval(struct parser *ps, size_t table);

void toml_document_init(struct toml_document *doc, struct toml_node *nodes,
                        size_t node_cap, uint8_t *text, size_t text_cap)
{
    doc->nodes = nodes;
    doc->count = 0;
    doc->cap = node_cap;
    doc->text = text;
    doc->text_len = 0;
    doc->text_cap = text_cap;
}

static bool key_equal(struct bytes a, const uint8_t *b, size_t b_len)
{
    if (a.len != b_len)
        return false;
    for (size_t i = 0; i < b_len; i++) {
        if (a.data[i] != b[i])
            return false;
    }
    return true;
}

size_t toml_next_child(const struct toml_document *doc, size_t parent,
                       size_t after)
{
    for (size_t i = after + 1; i < doc->count; i++) {
        if (doc->nodes[i].parent == parent)
            return i;
    }
    return TOML_NONE;
}

static size_t find_child(const struct toml_document *doc, size_t parent,
                         struct bytes key)
{
    for (size_t i = toml_next_child(doc, parent, parent); i != TOML_NONE;
         i = toml_next_child(doc, parent, i)) {
        if (key_equal(doc->nodes[i].key, key.data, key.len))
            return i;
    }
    return TOML_NONE;
}

size_t toml_find(const struct toml_document *doc, size_t parent,
                 const char *key)
{
    size_t len = 0;
    while (key[len] != '\0')
        len++;
    return find_child(doc, parent, bytes_make(key, len));
}

static void path_append(char *out, size_t out_cap, size_t *len,
                        const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n && *len + 1 < out_cap; i++)
        out[(*len)++] = (char)s[i];
}

static void path_append_index(char *out, size_t out_cap, size_t *len,
                              size_t index)
{
    uint8_t digits[24];
    size_t n = 0;
    do {
        digits[sizeof digits - 1 - n++] = (uint8_t)('0' + index % 10);
        index /= 10;
    } while (index != 0);
    path_append(out, out_cap, len, (const uint8_t *)"[", 1);
    path_append(out, out_cap, len, digits + sizeof digits - n, n);
    path_append(out, out_cap, len, (const uint8_t *)"]", 1);
}

size_t toml_path(const struct toml_document *doc, size_t node, char *out,
                 size_t out_cap)
{
    size_t chain[TOML_DEPTH_MAX * 2 + 2];
    size_t depth = 0, len = 0;
    while (node != 0 && node < doc->count && depth < sizeof chain / sizeof chain[0]) {
        chain[depth++] = node;
        node = doc->nodes[node].parent;
    }
    while (depth > 0) {
        const struct toml_node *n = &doc->nodes[chain[--depth]];
        if (doc->nodes[n->parent].type == TOML_ARRAY) {
            size_t index = 0;
            for (size_t i = toml_next_child(doc, n->parent, n->parent);
                 i != chain[depth]; i = toml_next_child(doc, n->parent, i))
                index++;
            path_append_index(out, out_cap, &len, index);
            continue;
        }
        if (len > 0)
            path_append(out, out_cap, &len, (const uint8_t *)".", 1);
        path_append(out, out_cap, &len, n->key.data, n->key.len);
    }
    if (out_cap > 0)
        out[len < out_cap ? len : out_cap - 1] = '\0';
    return len;
}

/* Records an error at the current line, naming table.key. */
static enum capsule_error fail(struct parser *ps, enum capsule_error code,
                               size_t table, struct bytes key)
{
    char path[CAPSULE_DIAG_KEY_MAX];
    size_t len = toml_path(ps->doc, table, path, sizeof path);
    if (key.len > 0) {
        if (len > 0)
            path_append(path, sizeof path, &len, (const uint8_t *)".", 1);
        path_append(path, sizeof path, &len, key.data, key.len);
    }
    return capsule_diag_set(ps->diag, code, ps->line, path, len);
}

/* An error at the current position, named after the value being parsed
 * or, outside values, after the current table. */
static enum capsule_error fail_here(struct parser *ps, enum capsule_error code)
{
    size_t at = ps->value != TOML_NONE ? ps->value : ps->table;
    return fail(ps, code, at, bytes_make(NULL, 0));
}

static int peek(const struct parser *ps, size_t ahead)
{
    if ((size_t)(ps->end - ps->p) <= ahead)
        return -1;
    return ps->p[ahead];
}

static bool is_bare_key_char(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Bytes TOML forbids everywhere except as escapes: C0 controls but tab, and
 * DEL. Line breaks are handled by the callers before asking. */
static bool is_control(int c)
{
    return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7F;
}

static void skip_whitespace(struct parser *ps)
{
    while (peek(ps, 0) == ' ' || peek(ps, 0) == '\t')
        ps->p++;
}

static enum capsule_error skip_comment(struct parser *ps)
{
    if (peek(ps, 0) != '#')
        return CAPSULE_OK;
    for (int c = peek(ps, 0); c != -1 && c != '\n'; c = peek(ps, 0)) {
        if (c == '\r')
            return peek(ps, 1) == '\n' ? CAPSULE_OK
                                       : fail_here(ps, CAPSULE_ERR_TOML_NEWLINE);
        if (is_control(c))
            return fail_here(ps, CAPSULE_ERR_TOML_CONTROL);
        ps->p++;
    }
    return CAPSULE_OK;
}

/* Consumes one line break (LF or CRLF); returns false when there is none. */
static bool take_newline(struct parser *ps)
{
    if (peek(ps, 0) == '\n') {
        ps->p++;
    } else if (peek(ps, 0) == '\r' && peek(ps, 1) == '\n') {
        ps->p += 2;
    } else {
        return false;
    }
    ps->line++;
    return true;
}

/* After an expression: optional whitespace and comment, then a line break
 * or the end of the input. */
static enum capsule_error end_of_line(struct parser *ps)
{
    skip_whitespace(ps);
    enum capsule_error err = skip_comment(ps);
    if (err != CAPSULE_OK)
        return err;
    if (peek(ps, 0) == -1 || take_newline(ps))
        return CAPSULE_OK;
    if (peek(ps, 0) == '\r')
        return fail_here(ps, CAPSULE_ERR_TOML_NEWLINE);
    return fail_here(ps, is_control(peek(ps, 0)) ? CAPSULE_ERR_TOML_CONTROL
                                                 : CAPSULE_ERR_TOML_TRAILING);
}

/* Inside arrays: whitespace, comments and line breaks in any number. */
static enum capsule_error skip_blank(struct parser *ps)
{
    for (;;) {
        skip_whitespace(ps);
        enum capsule_error err = skip_comment(ps);
        if (err != CAPSULE_OK)
            return err;
        if (!take_newline(ps))
            return peek(ps, 0) == '\r' ? fail_here(ps, CAPSULE_ERR_TOML_NEWLINE)
                                       : CAPSULE_OK;
    }
}

static enum capsule_error pool_put(struct parser *ps, const uint8_t *s, size_t n)
{
    struct toml_document *doc = ps->doc;
    if (n > doc->text_cap - doc->text_len)
        return fail_here(ps, CAPSULE_ERR_TOML_TOO_LARGE);
    for (size_t i = 0; i < n; i++)
        doc->text[doc->text_len++] = s[i];
    return CAPSULE_OK;
}

/* The escape after a backslash (TOML 1.0 "String"): \b \t \n \f \r \" \\
 * \uXXXX \UXXXXXXXX, the last two a Unicode scalar value. */
static enum capsule_error parse_escape(struct parser *ps)
{
    static const char simple_in[] = "btnfr\"\\";
    static const uint8_t simple_out[] = { '\b', '\t', '\n', '\f', '\r', '"', '\\' };
    int c = peek(ps, 0);
    for (size_t i = 0; i < sizeof simple_out; i++) {
        if (c == simple_in[i]) {
            ps->p++;
            return pool_put(ps, &simple_out[i], 1);
        }
    }
    size_t digits = c == 'u' ? 4 : c == 'U' ? 8 : 0;
    if (digits == 0)
        return fail_here(ps, CAPSULE_ERR_TOML_ESCAPE);
    uint32_t cp = 0;
    for (size_t i = 1; i <= digits; i++) {
        int v = hex_digit_value(peek(ps, i), HEX_ANY_CASE);
        if (v < 0)
            return fail_here(ps, CAPSULE_ERR_TOML_ESCAPE);
        cp = cp << 4 | (uint32_t)v; /* 8 digits fit: checked below */
        if (cp > 0x10FFFF)
            return fail_here(ps, CAPSULE_ERR_TOML_ESCAPE);
    }
    uint8_t encoded[4];
    size_t n = utf8_encode(cp, encoded);
    if (n == 0)
        return fail_here(ps, CAPSULE_ERR_TOML_ESCAPE);
    ps->p += 1 + digits;
    return pool_put(ps, encoded, n);
}

/* A single-line string in quote `quote`; escapes only in basic ("...")
 * strings. The decoded bytes go to the pool and *out points at them. */
static enum capsule_error parse_string(struct parser *ps, struct bytes *out)
{
    int quote = peek(ps, 0);
    if (peek(ps, 1) == quote && peek(ps, 2) == quote)
        return fail_here(ps, CAPSULE_ERR_TOML_MULTILINE);
    ps->p++;
    size_t start = ps->doc->text_len;
    for (;;) {
        int c = peek(ps, 0);
        enum capsule_error err = CAPSULE_OK;
        if (c == -1 || c == '\n' || c == '\r')
            return fail_here(ps, CAPSULE_ERR_TOML_STRING);
        if (c == quote) {
            ps->p++;
            break;
        }
        if (is_control(c))
            return fail_here(ps, CAPSULE_ERR_TOML_CONTROL);
        if (c == '\\' && quote == '"') {
            ps->p++;
            err = parse_escape(ps);
        } else {
            err = pool_put(ps, ps->p++, 1);
        }
        if (err != CAPSULE_OK)
            return err;
    }
    *out = bytes_make(ps->doc->text + start, ps->doc->text_len - start);
    return CAPSULE_OK;
}

static enum capsule_error parse_key_segment(struct parser *ps, struct bytes *out)
{
    int c = peek(ps, 0);
    if (c == '"' || c == '\'')
        return parse_string(ps, out);
    const uint8_t *start = ps->p;
    while (is_bare_key_char(peek(ps, 0)))
        ps->p++;
    if (ps->p == start)
        return fail_here(ps, CAPSULE_ERR_TOML_EXPECTED_KEY);
    size_t pool_start = ps->doc->text_len;
    enum capsule_error err = pool_put(ps, start, (size_t)(ps->p - start));
    *out = bytes_make(ps->doc->text + pool_start, (size_t)(ps->p - start));
    return err;
}

/* A possibly dotted key: segment (ws '.' ws segment)*. */
static enum capsule_error parse_key(struct parser *ps, struct key *key)
{
    key->count = 0;
    for (;;) {
        if (key->count == KEY_SEGMENTS_MAX)
            return fail_here(ps, CAPSULE_ERR_TOML_TOO_DEEP);
        enum capsule_error err = parse_key_segment(ps, &key->segments[key->count]);
        if (err != CAPSULE_OK)
            return err;
        key->count++;
        skip_whitespace(ps);
        if (peek(ps, 0) != '.')
            return CAPSULE_OK;
        ps->p++;
        skip_whitespace(ps);
    }
}

static enum capsule_error new_node(struct parser *ps, size_t parent,
                                   enum toml_type type, struct bytes key,
                                   size_t *index)
{
    struct toml_document *doc = ps->doc;
    if (doc->count == doc->cap)
        return fail(ps, CAPSULE_ERR_TOML_TOO_LARGE, parent, key);
    struct toml_node *n = &doc->nodes[doc->count];
    n->parent = parent;
    n->line = ps->line;
    n->type = type;
    n->table_kind = TOML_TABLE_DOTTED;
    n->key = key;
    n->string = bytes_make(NULL, 0);
    n->integer = 0;
    n->boolean = false;
    *index = doc->count++;
    return CAPSULE_OK;
}

/* Steps from table `t` into its child table `segment` for a [header]:
 * missing tables are created implicitly; inline tables are closed. */
static enum capsule_error header_step(struct parser *ps, size_t *t,
                                      struct bytes segment)
{
    size_t child = find_child(ps->doc, *t, segment);
    if (child == TOML_NONE) {
        enum capsule_error err = new_node(ps, *t, TOML_TABLE, segment, &child);
        if (err != CAPSULE_OK)
            return err;
        ps->doc->nodes[child].table_kind = TOML_TABLE_IMPLICIT;
    } else if (ps->doc->nodes[child].type != TOML_TABLE) {
        return fail(ps, CAPSULE_ERR_TOML_NOT_A_TABLE, *t, segment);
    } else if (ps->doc->nodes[child].table_kind == TOML_TABLE_INLINE) {
        return fail(ps, CAPSULE_ERR_TOML_INLINE_SEALED, *t, segment);
    }
    *t = child;
    return CAPSULE_OK;
}

/* [a.b.c]: the last table must not have been defined before, except as an
 * implicit parent of an earlier header. */
static enum capsule_error parse_header(struct parser *ps)
{
    ps->p++;
    if (peek(ps, 0) == '[')
        return fail_here(ps, CAPSULE_ERR_TOML_ARRAY_TABLE);
    skip_whitespace(ps);
    struct key key = { 0 };
    enum capsule_error err = parse_key(ps, &key);
    if (err != CAPSULE_OK)
        return err;
    if (peek(ps, 0) != ']')
        return fail_here(ps, CAPSULE_ERR_TOML_TRAILING);
    ps->p++;
    size_t t = 0;
    for (size_t i = 0; i + 1 < key.count; i++) {
        err = header_step(ps, &t, key.segments[i]);
        if (err != CAPSULE_OK)
            return err;
    }
    struct bytes last = key.segments[key.count - 1];
    size_t child = find_child(ps->doc, t, last);
    if (child == TOML_NONE) {
        err = new_node(ps, t, TOML_TABLE, last, &child);
        if (err != CAPSULE_OK)
            return err;
    } else if (ps->doc->nodes[child].type != TOML_TABLE) {
        return fail(ps, CAPSULE_ERR_TOML_DUPLICATE_KEY, t, last);
    } else if (ps->doc->nodes[child].table_kind != TOML_TABLE_IMPLICIT) {
        return fail(ps, CAPSULE_ERR_TOML_TABLE_REDEFINED, t, last);
    }
    ps->doc->nodes[child].table_kind = TOML_TABLE_HEADER;
    ps->table = child;
    return CAPSULE_OK;
}

/* Steps from `t` into child table `segment` for a dotted key: only tables
 * that dotted keys of this same table created may be extended. */
static enum capsule_error dotted_step(struct parser *ps, size_t *t,
                                      struct bytes segment)
{
    size_t child = find_child(ps->doc, *t, segment);
    if (child == TOML_NONE)
        return new_node(ps, *t, TOML_TABLE, segment, t);
    const struct toml_node *n = &ps->doc->nodes[child];
    if (n->type != TOML_TABLE)
        return fail(ps, CAPSULE_ERR_TOML_NOT_A_TABLE, *t, segment);
    if (n->table_kind == TOML_TABLE_INLINE)
        return fail(ps, CAPSULE_ERR_TOML_INLINE_SEALED, *t, segment);
    if (n->table_kind != TOML_TABLE_DOTTED)
        return fail(ps, CAPSULE_ERR_TOML_TABLE_REDEFINED, *t, segment);
    *t = child;
    return CAPSULE_OK;
}

static enum capsule_error parse_keyval(struct parser *ps, size_t table)
{
    struct key key = { 0 };
    enum capsule_error err = parse_key(ps, &key);
    if (err != CAPSULE_OK)
        return err;
    if (peek(ps, 0) != '=')
        return fail(ps, CAPSULE_ERR_TOML_EXPECTED_EQUALS, table, key.segments[0]);
    ps->p++;
    skip_whitespace(ps);
    size_t t = table;
    for (size_t i = 0; i + 1 < key.count; i++) {
        err = dotted_step(ps, &t, key.segments[i]);
        if (err != CAPSULE_OK)
            return err;
    }
    struct bytes last = key.segments[key.count - 1];
    if (find_child(ps->doc, t, last) != TOML_NONE)
        return fail(ps, CAPSULE_ERR_TOML_DUPLICATE_KEY, t, last);
    return parse_value(ps, t, last);
}

static enum capsule_error parse_integer(struct parser *ps, struct toml_node *n,
                                        const uint8_t *s, size_t len)
{
    bool negative = s[0] == '-';
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (i == len || (s[i] == '0' && len - i > 1))
        return fail_here(ps, CAPSULE_ERR_TOML_INTEGER);
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t value = 0;
    for (; i < len; i++) {
        if (s[i] == '_') {
            /* an underscore must sit between two digits */
            if (i + 1 == len || s[i - 1] == '_' || s[i - 1] == '+' ||
                s[i - 1] == '-' || s[i + 1] == '_')
                return fail_here(ps, CAPSULE_ERR_TOML_INTEGER);
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            return fail_here(ps, CAPSULE_ERR_TOML_INTEGER);
        uint64_t digit = (uint64_t)(s[i] - '0');
        if (value > (limit - digit) / 10)
            return fail_here(ps, CAPSULE_ERR_TOML_INTEGER);
        value = value * 10 + digit;
    }
    n->integer = negative ? (int64_t)(0 - value) : (int64_t)value;
    return CAPSULE_OK;
}

static bool token_has(const uint8_t *s, size_t len, char c)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == c)
            return true;
    }
    return false;
}

/* Numbers and the things TOML writes like numbers. Tells the unsupported
 * kinds apart so that the error says what was refused. */
static enum capsule_error parse_number(struct parser *ps, struct toml_node *n)
{
    const uint8_t *s = ps->p;
    while (ps->p < ps->end && (is_bare_key_char(*ps->p) || *ps->p == '+' ||
                               *ps->p == '.' || *ps->p == ':'))
        ps->p++;
    size_t len = (size_t)(ps->p - s);
    const uint8_t *body = s;
    size_t body_len = len;
    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        body++;
        body_len--;
    }
    if (token_has(s, len, ':') || (body_len >= 5 && body[4] == '-'))
        return fail_here(ps, CAPSULE_ERR_TOML_DATETIME);
    if (token_has(body, body_len, '.') || token_has(body, body_len, 'e') ||
        token_has(body, body_len, 'E') ||
        (body_len == 3 && (key_equal(bytes_make(body, 3), (const uint8_t *)"inf", 3) ||
                           key_equal(bytes_make(body, 3), (const uint8_t *)"nan", 3))))
        return fail_here(ps, CAPSULE_ERR_TOML_FLOAT);
    if (body_len >= 2 && body[0] == '0' &&
        (body[1] == 'x' || body[1] == 'o' || body[1] == 'b'))
        return fail_here(ps, CAPSULE_ERR_TOML_RADIX);
    if (body_len == 0 || body[0] < '0' || body[0] > '9')
        return fail_here(ps, CAPSULE_ERR_TOML_EXPECTED_VALUE);
    n->type = TOML_INTEGER;
    return parse_integer(ps, n, s, len);
}

static bool take_word(struct parser *ps, const char *word)
{
    size_t len = 0;
    while (word[len] != '\0')
        len++;
    if ((size_t)(ps->end - ps->p) < len ||
        !key_equal(bytes_make(ps->p, len), (const uint8_t *)word, len))
        return false;
    if (is_bare_key_char(peek(ps, len)))
        return false;
    ps->p += len;
    return true;
}

static enum capsule_error parse_array(struct parser *ps, size_t array)
{
    ps->p++;
    for (;;) {
        enum capsule_error err = skip_blank(ps);
        if (err != CAPSULE_OK)
            return err;
        if (peek(ps, 0) == ']')
            break;
        err = parse_value(ps, array, bytes_make(NULL, 0));
        if (err == CAPSULE_OK)
            err = skip_blank(ps);
        if (err != CAPSULE_OK)
            return err;
        if (peek(ps, 0) == ',') {
            ps->p++;
        } else if (peek(ps, 0) != ']') {
            return fail(ps, CAPSULE_ERR_TOML_ARRAY, array, bytes_make(NULL, 0));
        }
    }
    ps->p++;
    return CAPSULE_OK;
}

static bool is_descendant(const struct toml_document *doc, size_t node,
                          size_t ancestor)
{
    while (node != 0) {
        node = doc->nodes[node].parent;
        if (node == ancestor)
            return true;
    }
    return false;
}

/* { k = v, ... } on one line, no trailing comma; closed afterwards together
 * with every table its dotted keys created. */
static enum capsule_error parse_inline_table(struct parser *ps, size_t table)
{
    ps->p++;
    skip_whitespace(ps);
    if (peek(ps, 0) != '}') {
        for (;;) {
            if (!is_bare_key_char(peek(ps, 0)) && peek(ps, 0) != '"' &&
                peek(ps, 0) != '\'')
                return fail(ps, CAPSULE_ERR_TOML_INLINE_TABLE, table,
                            bytes_make(NULL, 0));
            enum capsule_error err = parse_keyval(ps, table);
            if (err != CAPSULE_OK)
                return err;
            skip_whitespace(ps);
            if (peek(ps, 0) == '}')
                break;
            if (peek(ps, 0) != ',')
                return fail(ps, CAPSULE_ERR_TOML_INLINE_TABLE, table,
                            bytes_make(NULL, 0));
            ps->p++;
            skip_whitespace(ps);
        }
    }
    ps->p++;
    for (size_t i = table; i < ps->doc->count; i++) {
        struct toml_node *n = &ps->doc->nodes[i];
        if (n->type == TOML_TABLE && (i == table || is_descendant(ps->doc, i, table)))
            n->table_kind = TOML_TABLE_INLINE;
    }
    return CAPSULE_OK;
}

static enum capsule_error parse_scalar_or_nested(struct parser *ps, size_t parent,
                                                 struct bytes key, size_t index)
{
    struct toml_node *n = &ps->doc->nodes[index];
    int c = peek(ps, 0);
    if (c == '"' || c == '\'')
        return parse_string(ps, &n->string);
    if (take_word(ps, "true") || take_word(ps, "false")) {
        n->type = TOML_BOOLEAN;
        n->boolean = c == 't';
        return CAPSULE_OK;
    }
    if (c == '[' || c == '{') {
        if (ps->depth == TOML_DEPTH_MAX)
            return fail(ps, CAPSULE_ERR_TOML_TOO_DEEP, parent, key);
        ps->depth++;
        n->type = c == '[' ? TOML_ARRAY : TOML_TABLE;
        enum capsule_error err = c == '[' ? parse_array(ps, index)
                                          : parse_inline_table(ps, index);
        ps->depth--;
        return err;
    }
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'i' || c == 'n')
        return parse_number(ps, n);
    return fail_here(ps, CAPSULE_ERR_TOML_EXPECTED_VALUE);
}

static enum capsule_error parse_value(struct parser *ps, size_t parent,
                                      struct bytes key)
{
    size_t index = 0;
    enum capsule_error err = new_node(ps, parent, TOML_STRING, key, &index);
    if (err != CAPSULE_OK)
        return err;
    size_t outer = ps->value;
    ps->value = index;
    err = parse_scalar_or_nested(ps, parent, key, index);
    ps->value = outer;
    return err;
}

static uint32_t line_of(struct bytes input, size_t offset)
{
    uint32_t line = 1;
    for (size_t i = 0; i < offset && i < input.len; i++) {
        if (input.data[i] == '\n')
            line++;
    }
    return line;
}

static enum capsule_error check_utf8(struct parser *ps, struct bytes input)
{
    size_t i = 0;
    while (i < input.len) {
        size_t n = utf8_sequence_length(input.data + i, input.len - i);
        if (n == 0) {
            ps->line = line_of(input, i);
            return fail_here(ps, CAPSULE_ERR_TOML_UTF8);
        }
        i += n;
    }
    return CAPSULE_OK;
}

static enum capsule_error parse_expression(struct parser *ps)
{
    int c = peek(ps, 0);
    enum capsule_error err = CAPSULE_OK;
    if (c == '[')
        err = parse_header(ps);
    else if (c != '#' && c != '\n' && c != '\r')
        err = parse_keyval(ps, ps->table);
    if (err != CAPSULE_OK)
        return err;
    return end_of_line(ps);
}

enum capsule_error toml_parse(struct toml_document *doc, struct bytes input,
                              struct capsule_diag *diag)
{
    struct parser ps = {
        .p = input.data, .end = input.data + input.len, .line = 1,
        .depth = 0, .table = 0, .value = TOML_NONE, .doc = doc, .diag = diag,
    };
    if (diag != NULL)
        capsule_diag_set(diag, CAPSULE_OK, 0, NULL, 0);
    size_t root = 0;
    enum capsule_error err = check_utf8(&ps, input);
    if (err == CAPSULE_OK)
        err = new_node(&ps, 0, TOML_TABLE, bytes_make(NULL, 0), &root);
    if (err != CAPSULE_OK)
        return err;
    doc->nodes[root].table_kind = TOML_TABLE_HEADER;
    while (err == CAPSULE_OK && ps.p < ps.end) {
        skip_whitespace(&ps);
        if (ps.p == ps.end)
            break; /* a last line of only spaces, without a line break */
        err = parse_expression(&ps);
    }
    return err;
}
