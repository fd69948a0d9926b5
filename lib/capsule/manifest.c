/* capsule.toml -> struct manifest: the meaning of each key, its type, its
 * range and its default. Every refusal names the line and the dotted key.
 * Lists are sorted here so that the canonical encoder sees one order only. */
#include "capsule/manifest.h"

#include "base/checked.h"
#include "base/hex.h"
#include "capsule/utf8.h"

struct compiler {
    const struct toml_document *doc;
    struct manifest *m;
    struct capsule_diag *diag;
};

/* A handler for one known key of a table. */
struct field {
    const char *key;
    enum capsule_error (*compile)(struct compiler *c, size_t node);
};

void manifest_init(struct manifest *m)
{
    uint8_t *bytes = (uint8_t *)m;
    for (size_t i = 0; i < sizeof *m; i++)
        bytes[i] = 0;
    m->cpu_us = MANIFEST_DEFAULT_CPU_US;
    m->memory_bytes = MANIFEST_DEFAULT_MEMORY;
    m->threads = MANIFEST_DEFAULT_THREADS;
    m->capability_slots = MANIFEST_DEFAULT_CAPABILITY_SLOTS;
    m->supervisor = MANIFEST_SUPERVISOR_NONE;
    m->restart = MANIFEST_RESTART_NEVER;
}

static const char *const supervisor_names[MANIFEST_SUPERVISOR_COUNT] = {
    "none", "read", "control",
};
static const char *const restart_names[MANIFEST_RESTART_COUNT] = {
    "never", "on-failure", "always",
};

const char *manifest_supervisor_name(enum manifest_supervisor supervisor)
{
    unsigned i = (unsigned)supervisor;
    return i < MANIFEST_SUPERVISOR_COUNT ? supervisor_names[i] : "?";
}

const char *manifest_restart_name(enum manifest_restart restart)
{
    unsigned i = (unsigned)restart;
    return i < MANIFEST_RESTART_COUNT ? restart_names[i] : "?";
}

static enum capsule_error fail(struct compiler *c, enum capsule_error code,
                               size_t node)
{
    char path[CAPSULE_DIAG_KEY_MAX];
    size_t len = toml_path(c->doc, node, path, sizeof path);
    return capsule_diag_set(c->diag, code, c->doc->nodes[node].line, path, len);
}

static const struct toml_node *node_at(const struct compiler *c, size_t node)
{
    return &c->doc->nodes[node];
}

static bool is_name_char(uint8_t ch, bool first)
{
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
        return true;
    return !first && (ch == '.' || ch == '-' || ch == '_' || ch == ':');
}

bool manifest_name_valid(const uint8_t *s, size_t len)
{
    if (len == 0 || len > MANIFEST_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_name_char(s[i], i == 0))
            return false;
    }
    return true;
}

/* In valid UTF-8, a character refused in text: C0 (U+0000-U+001F), DEL,
 * C1 (U+0080-U+009F, bytes C2 80-C2 9F), the bidirectional embeddings and
 * overrides U+202A-U+202E (E2 80 AA-AE) and isolates U+2066-U+2069
 * (E2 81 A6-A9), which could make text display as something it is not. */
static bool text_char_refused(const uint8_t *s, size_t n)
{
    if (n == 1)
        return s[0] < 0x20 || s[0] == 0x7F;
    if (n == 2)
        return s[0] == 0xC2 && s[1] <= 0x9F;
    if (n == 3 && s[0] == 0xE2 && s[1] == 0x80)
        return s[2] >= 0xAA && s[2] <= 0xAE;
    if (n == 3 && s[0] == 0xE2 && s[1] == 0x81)
        return s[2] >= 0xA6 && s[2] <= 0xA9;
    return false;
}

bool manifest_text_valid(const uint8_t *s, size_t len, size_t max)
{
    if (len > max)
        return false;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence_length(s + i, len - i);
        if (n == 0 || text_char_refused(s + i, n))
            return false;
        i += n;
    }
    return true;
}

int manifest_name_compare(const struct manifest_name *a,
                          const struct manifest_name *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    for (size_t i = 0; i < n; i++) {
        if (a->text[i] != b->text[i])
            return (uint8_t)a->text[i] < (uint8_t)b->text[i] ? -1 : 1;
    }
    return a->len == b->len ? 0 : a->len < b->len ? -1 : 1;
}

static void name_set(struct manifest_name *name, struct bytes s)
{
    name->len = (uint8_t)s.len;
    for (size_t i = 0; i < s.len; i++)
        name->text[i] = (char)s.data[i];
    name->text[s.len] = '\0';
}

static bool has_prefix(const uint8_t *s, size_t len, const char *prefix, size_t plen)
{
    if (len < plen)
        return false;
    for (size_t i = 0; i < plen; i++) {
        if (s[i] != (uint8_t)prefix[i])
            return false;
    }
    return true;
}

enum capsule_error manifest_hash_parse(const uint8_t *s, size_t len,
                                       uint8_t out[MANIFEST_HASH_SIZE])
{
    static const char prefix[] = CAPSULE_HASH_PREFIX, old[] = CAPSULE_HASH_PREFIX_OLD;
    size_t plen = sizeof prefix - 1, decoded;
    /* Formats 1-3 wrote SHA-256 values here: say so rather than "invalid". */
    if (has_prefix(s, len, old, sizeof old - 1))
        return CAPSULE_ERR_MANIFEST_HASH_OLD;
    if (len != plen + 2 * MANIFEST_HASH_SIZE || !has_prefix(s, len, prefix, plen) ||
        !hex_decode((const char *)s + plen, 2 * MANIFEST_HASH_SIZE, HEX_LOWERCASE, out,
                    MANIFEST_HASH_SIZE, &decoded))
        return CAPSULE_ERR_MANIFEST_HASH;
    return CAPSULE_OK;
}

/* Dispatches every child of `table` to its field handler; a key without a
 * handler is refused. */
static enum capsule_error compile_table(struct compiler *c, size_t table,
                                        const struct field *fields, size_t count)
{
    if (node_at(c, table)->type != TOML_TABLE)
        return fail(c, CAPSULE_ERR_MANIFEST_TYPE, table);
    for (size_t i = toml_next_child(c->doc, table, table); i != TOML_NONE;
         i = toml_next_child(c->doc, table, i)) {
        size_t f = 0;
        while (f < count && toml_find(c->doc, table, fields[f].key) != i)
            f++;
        if (f == count)
            return fail(c, CAPSULE_ERR_MANIFEST_UNKNOWN_KEY, i);
        enum capsule_error err = fields[f].compile(c, i);
        if (err != CAPSULE_OK)
            return err;
    }
    return CAPSULE_OK;
}

static enum capsule_error expect_type(struct compiler *c, size_t node,
                                      enum toml_type type)
{
    return node_at(c, node)->type == type ? CAPSULE_OK
                                          : fail(c, CAPSULE_ERR_MANIFEST_TYPE, node);
}

static enum capsule_error compile_name(struct compiler *c, size_t node)
{
    enum capsule_error err = expect_type(c, node, TOML_STRING);
    struct bytes s = node_at(c, node)->string;
    if (err == CAPSULE_OK && !manifest_name_valid(s.data, s.len))
        err = fail(c, CAPSULE_ERR_MANIFEST_NAME, node);
    if (err == CAPSULE_OK)
        name_set(&c->m->name, s);
    return err;
}

static enum capsule_error compile_version(struct compiler *c, size_t node)
{
    enum capsule_error err = expect_type(c, node, TOML_STRING);
    struct bytes s = node_at(c, node)->string;
    if (err == CAPSULE_OK && !semver_parse(s.data, s.len, &c->m->version))
        err = fail(c, CAPSULE_ERR_MANIFEST_VERSION, node);
    return err;
}

static enum capsule_error compile_text(struct compiler *c, size_t node,
                                       char *out, uint16_t *out_len, size_t max)
{
    enum capsule_error err = expect_type(c, node, TOML_STRING);
    struct bytes s = node_at(c, node)->string;
    if (err == CAPSULE_OK && !manifest_text_valid(s.data, s.len, max))
        err = fail(c, CAPSULE_ERR_MANIFEST_TEXT, node);
    if (err != CAPSULE_OK)
        return err;
    for (size_t i = 0; i < s.len; i++)
        out[i] = (char)s.data[i];
    out[s.len] = '\0';
    *out_len = (uint16_t)s.len;
    return CAPSULE_OK;
}

static enum capsule_error compile_description(struct compiler *c, size_t node)
{
    return compile_text(c, node, c->m->description, &c->m->description_len,
                        MANIFEST_DESCRIPTION_MAX);
}

static enum capsule_error compile_author(struct compiler *c, size_t node)
{
    return compile_text(c, node, c->m->author, &c->m->author_len,
                        MANIFEST_AUTHOR_MAX);
}

static enum capsule_error compile_requirement(struct compiler *c, size_t node,
                                              struct manifest_dependency *dep)
{
    enum capsule_error err = expect_type(c, node, TOML_STRING);
    struct bytes s = node_at(c, node)->string;
    if (err == CAPSULE_OK && !semver_requirement_parse(s.data, s.len, &dep->requirement))
        err = fail(c, CAPSULE_ERR_MANIFEST_REQUIREMENT, node);
    return err;
}

/* "blake2b:<64 hex>" into out: a capsule id (hash) or an author fingerprint. */
static enum capsule_error compile_digest(struct compiler *c, size_t node,
                                         uint8_t out[MANIFEST_HASH_SIZE])
{
    struct bytes s = node_at(c, node)->string;
    enum capsule_error err = expect_type(c, node, TOML_STRING);
    if (err != CAPSULE_OK)
        return err;
    err = manifest_hash_parse(s.data, s.len, out);
    return err == CAPSULE_OK ? CAPSULE_OK : fail(c, err, node);
}

/* { version = "^1.0", author = "blake2b:...", hash = "blake2b:..." }: version
 * is required, and author or hash (or both; compile_dependency checks). */
static enum capsule_error compile_dependency_table(struct compiler *c, size_t node,
                                                   struct manifest_dependency *dep)
{
    size_t version = TOML_NONE;
    for (size_t i = toml_next_child(c->doc, node, node); i != TOML_NONE;
         i = toml_next_child(c->doc, node, i)) {
        enum capsule_error err = CAPSULE_OK;
        if (i == toml_find(c->doc, node, "version")) {
            version = i;
            err = compile_requirement(c, i, dep);
        } else if (i == toml_find(c->doc, node, "hash")) {
            err = compile_digest(c, i, dep->hash);
            dep->pinned = true;
        } else if (i == toml_find(c->doc, node, "author")) {
            err = compile_digest(c, i, dep->author);
            dep->author_bound = true;
        } else {
            err = fail(c, CAPSULE_ERR_MANIFEST_UNKNOWN_KEY, i);
        }
        if (err != CAPSULE_OK)
            return err;
    }
    if (version == TOML_NONE) {
        char path[CAPSULE_DIAG_KEY_MAX];
        size_t len = toml_path(c->doc, node, path, sizeof path);
        const char suffix[] = ".version";
        for (size_t i = 0; i < sizeof suffix - 1 && len + 1 < sizeof path; i++)
            path[len++] = suffix[i];
        return capsule_diag_set(c->diag, CAPSULE_ERR_MANIFEST_MISSING_KEY,
                                node_at(c, node)->line, path, len);
    }
    return CAPSULE_OK;
}

static enum capsule_error compile_dependency(struct compiler *c, size_t node)
{
    struct manifest *m = c->m;
    struct bytes name = node_at(c, node)->key;
    if (!manifest_name_valid(name.data, name.len))
        return fail(c, CAPSULE_ERR_MANIFEST_NAME, node);
    if (m->dependency_count == MANIFEST_DEPENDENCIES_MAX)
        return fail(c, CAPSULE_ERR_MANIFEST_TOO_MANY, node);
    struct manifest_dependency *dep = &m->dependencies[m->dependency_count];
    name_set(&dep->name, name);
    dep->pinned = false;
    dep->author_bound = false;
    enum capsule_error err;
    if (node_at(c, node)->type == TOML_STRING)
        err = compile_requirement(c, node, dep);
    else if (node_at(c, node)->type == TOML_TABLE)
        err = compile_dependency_table(c, node, dep);
    else
        err = fail(c, CAPSULE_ERR_MANIFEST_TYPE, node);
    /* a name alone would let any trusted author's capsule of that name
     * satisfy it */
    if (err == CAPSULE_OK && !dep->pinned && !dep->author_bound)
        err = fail(c, CAPSULE_ERR_MANIFEST_DEPENDENCY_UNBOUND, node);
    if (err == CAPSULE_OK)
        m->dependency_count++;
    return err;
}

static enum capsule_error compile_dependencies(struct compiler *c, size_t node)
{
    enum capsule_error err = expect_type(c, node, TOML_TABLE);
    for (size_t i = toml_next_child(c->doc, node, node);
         err == CAPSULE_OK && i != TOML_NONE; i = toml_next_child(c->doc, node, i))
        err = compile_dependency(c, i);
    return err;
}

static enum capsule_error compile_bool(struct compiler *c, size_t node, bool *out)
{
    enum capsule_error err = expect_type(c, node, TOML_BOOLEAN);
    if (err == CAPSULE_OK)
        *out = node_at(c, node)->boolean;
    return err;
}

static enum capsule_error compile_clearnet(struct compiler *c, size_t node)
{
    return compile_bool(c, node, &c->m->allow_clearnet);
}

static enum capsule_error compile_mesh(struct compiler *c, size_t node)
{
    return compile_bool(c, node, &c->m->allow_mesh);
}

static enum capsule_error compile_vault(struct compiler *c, size_t node)
{
    return compile_bool(c, node, &c->m->vault);
}

/* "<digits><unit>" with a unit from the table; the product must not
 * overflow. Returns false on any syntax error. */
static bool parse_quantity(struct bytes s, const char *const *units,
                           const uint64_t *scales, size_t unit_count,
                           uint64_t *out)
{
    size_t i = 0;
    uint64_t value = 0;
    while (i < s.len && s.data[i] >= '0' && s.data[i] <= '9') {
        if (!u64_mul(value, 10, &value) ||
            !u64_add(value, (uint64_t)(s.data[i] - '0'), &value))
            return false;
        i++;
    }
    if (i == 0 || (s.data[0] == '0' && i > 1))
        return false;
    for (size_t u = 0; u < unit_count; u++) {
        size_t n = 0;
        while (units[u][n] != '\0')
            n++;
        if (s.len - i != n)
            continue;
        size_t k = 0;
        while (k < n && s.data[i + k] == (uint8_t)units[u][k])
            k++;
        if (k == n)
            return u64_mul(value, scales[u], out);
    }
    return false;
}

static enum capsule_error compile_cpu(struct compiler *c, size_t node)
{
    static const char *const units[] = { "us", "ms", "s" };
    static const uint64_t scales[] = { 1, 1000, 1000000 };
    uint64_t us = 0;
    enum capsule_error err = expect_type(c, node, TOML_STRING);
    if (err != CAPSULE_OK)
        return err;
    if (!parse_quantity(node_at(c, node)->string, units, scales, 3, &us) ||
        us == 0 || us > MANIFEST_CPU_US_MAX)
        return fail(c, CAPSULE_ERR_MANIFEST_DURATION, node);
    c->m->cpu_us = us;
    return CAPSULE_OK;
}

static enum capsule_error compile_memory(struct compiler *c, size_t node)
{
    static const char *const units[] = { "KiB", "MiB", "GiB" };
    static const uint64_t scales[] = { 1ull << 10, 1ull << 20, 1ull << 30 };
    uint64_t bytes = 0;
    enum capsule_error err = expect_type(c, node, TOML_STRING);
    if (err != CAPSULE_OK)
        return err;
    if (!parse_quantity(node_at(c, node)->string, units, scales, 3, &bytes) ||
        bytes < MANIFEST_MEMORY_MIN || bytes > MANIFEST_MEMORY_MAX ||
        bytes % MANIFEST_PAGE_SIZE != 0)
        return fail(c, CAPSULE_ERR_MANIFEST_SIZE, node);
    c->m->memory_bytes = bytes;
    return CAPSULE_OK;
}

/* An integer from min to max (ERR_MANIFEST_RANGE otherwise). */
static enum capsule_error compile_count(struct compiler *c, size_t node, uint32_t min,
                                        uint32_t max, uint32_t *out)
{
    enum capsule_error err = expect_type(c, node, TOML_INTEGER);
    int64_t v = node_at(c, node)->integer;
    if (err == CAPSULE_OK && (v < min || v > max))
        err = fail(c, CAPSULE_ERR_MANIFEST_RANGE, node);
    if (err == CAPSULE_OK)
        *out = (uint32_t)v;
    return err;
}

static enum capsule_error compile_threads(struct compiler *c, size_t node)
{
    return compile_count(c, node, 1, MANIFEST_THREADS_MAX, &c->m->threads);
}

static enum capsule_error compile_capability_slots(struct compiler *c, size_t node)
{
    return compile_count(c, node, MANIFEST_CAPABILITY_SLOTS_MIN,
                         MANIFEST_CAPABILITY_SLOTS_MAX, &c->m->capability_slots);
}

/* A string that must be one of `count` words; *out gets its index. Any
 * other string is `unknown` (each field has its own error, whose message
 * lists the words). */
static enum capsule_error compile_word(struct compiler *c, size_t node,
                                       const char *const *words, unsigned count,
                                       enum capsule_error unknown, unsigned *out)
{
    enum capsule_error err = expect_type(c, node, TOML_STRING);
    if (err != CAPSULE_OK)
        return err;
    struct bytes s = node_at(c, node)->string;
    for (unsigned w = 0; w < count; w++) {
        size_t i = 0;
        while (i < s.len && words[w][i] != '\0' && s.data[i] == (uint8_t)words[w][i])
            i++;
        if (i == s.len && words[w][i] == '\0') {
            *out = w;
            return CAPSULE_OK;
        }
    }
    return fail(c, unknown, node);
}

static enum capsule_error compile_supervisor(struct compiler *c, size_t node)
{
    unsigned w = 0;
    enum capsule_error err = compile_word(c, node, supervisor_names,
                                          MANIFEST_SUPERVISOR_COUNT,
                                          CAPSULE_ERR_MANIFEST_SUPERVISOR, &w);
    if (err == CAPSULE_OK)
        c->m->supervisor = (enum manifest_supervisor)w;
    return err;
}

static enum capsule_error compile_restart(struct compiler *c, size_t node)
{
    unsigned w = 0;
    enum capsule_error err = compile_word(c, node, restart_names, MANIFEST_RESTART_COUNT,
                                          CAPSULE_ERR_MANIFEST_RESTART, &w);
    if (err == CAPSULE_OK)
        c->m->restart = (enum manifest_restart)w;
    return err;
}

/* An array of names, stored sorted; a repeated name is refused. */
static enum capsule_error compile_name_list(struct compiler *c, size_t node,
                                            struct manifest_name *list,
                                            size_t *count)
{
    enum capsule_error err = expect_type(c, node, TOML_ARRAY);
    for (size_t i = toml_next_child(c->doc, node, node);
         err == CAPSULE_OK && i != TOML_NONE; i = toml_next_child(c->doc, node, i)) {
        struct bytes s = node_at(c, i)->string;
        if (node_at(c, i)->type != TOML_STRING)
            return fail(c, CAPSULE_ERR_MANIFEST_TYPE, i);
        if (!manifest_name_valid(s.data, s.len))
            return fail(c, CAPSULE_ERR_MANIFEST_NAME, i);
        if (*count == MANIFEST_LIST_MAX)
            return fail(c, CAPSULE_ERR_MANIFEST_TOO_MANY, i);
        struct manifest_name name;
        name_set(&name, s);
        size_t at = *count;
        while (at > 0 && manifest_name_compare(&list[at - 1], &name) > 0) {
            list[at] = list[at - 1];
            at--;
        }
        if (at > 0 && manifest_name_compare(&list[at - 1], &name) == 0)
            return fail(c, CAPSULE_ERR_MANIFEST_DUPLICATE, i);
        list[at] = name;
        (*count)++;
    }
    return err;
}

static enum capsule_error compile_ipc(struct compiler *c, size_t node)
{
    return compile_name_list(c, node, c->m->ipc, &c->m->ipc_count);
}

static enum capsule_error compile_provides(struct compiler *c, size_t node)
{
    return compile_name_list(c, node, c->m->provides, &c->m->provides_count);
}

static enum capsule_error compile_devices(struct compiler *c, size_t node)
{
    return compile_name_list(c, node, c->m->devices, &c->m->device_count);
}

static enum capsule_error compile_network(struct compiler *c, size_t node)
{
    static const struct field fields[] = {
        { "allow_clearnet", compile_clearnet },
        { "allow_mesh", compile_mesh },
    };
    return compile_table(c, node, fields, 2);
}

static enum capsule_error compile_limits(struct compiler *c, size_t node)
{
    static const struct field fields[] = {
        { "cpu", compile_cpu },
        { "memory", compile_memory },
        { "threads", compile_threads },
        { "capabilities", compile_capability_slots },
    };
    return compile_table(c, node, fields, 4);
}

static enum capsule_error compile_capabilities(struct compiler *c, size_t node)
{
    static const struct field fields[] = {
        { "ipc", compile_ipc },
        { "provides", compile_provides },
        { "devices", compile_devices },
        { "vault", compile_vault },
        { "supervisor", compile_supervisor },
    };
    return compile_table(c, node, fields, 5);
}

static enum capsule_error compile_policy(struct compiler *c, size_t node)
{
    static const struct field fields[] = {
        { "network", compile_network },
        { "limits", compile_limits },
        { "capabilities", compile_capabilities },
    };
    return compile_table(c, node, fields, 3);
}

static enum capsule_error compile_lifecycle(struct compiler *c, size_t node)
{
    static const struct field fields[] = {
        { "restart", compile_restart },
    };
    return compile_table(c, node, fields, 1);
}

static void sort_dependencies(struct manifest *m)
{
    for (size_t i = 1; i < m->dependency_count; i++) {
        struct manifest_dependency d = m->dependencies[i];
        size_t at = i;
        while (at > 0 && manifest_name_compare(&m->dependencies[at - 1].name,
                                               &d.name) > 0) {
            m->dependencies[at] = m->dependencies[at - 1];
            at--;
        }
        m->dependencies[at] = d;
    }
}

static enum capsule_error check_required(struct compiler *c)
{
    static const char *const required[] = { "name", "version" };
    for (size_t i = 0; i < 2; i++) {
        if (toml_find(c->doc, 0, required[i]) == TOML_NONE) {
            size_t len = 0;
            while (required[i][len] != '\0')
                len++;
            return capsule_diag_set(c->diag, CAPSULE_ERR_MANIFEST_MISSING_KEY, 0,
                                    required[i], len);
        }
    }
    return CAPSULE_OK;
}

static enum capsule_error check_self_dependency(struct compiler *c)
{
    const struct manifest *m = c->m;
    for (size_t i = 0; i < m->dependency_count; i++) {
        if (manifest_name_compare(&m->dependencies[i].name, &m->name) != 0)
            continue;
        size_t deps = toml_find(c->doc, 0, "dependencies");
        return fail(c, CAPSULE_ERR_MANIFEST_SELF_DEPENDENCY,
                    toml_find(c->doc, deps, m->name.text));
    }
    return CAPSULE_OK;
}

enum capsule_error manifest_from_toml(const struct toml_document *doc,
                                      struct manifest *m,
                                      struct capsule_diag *diag)
{
    static const struct field fields[] = {
        { "name", compile_name },
        { "version", compile_version },
        { "description", compile_description },
        { "author", compile_author },
        { "dependencies", compile_dependencies },
        { "policy", compile_policy },
        { "lifecycle", compile_lifecycle },
    };
    struct compiler c = { doc, m, diag };
    manifest_init(m);
    if (diag != NULL)
        capsule_diag_set(diag, CAPSULE_OK, 0, NULL, 0);
    enum capsule_error err = compile_table(&c, 0, fields, 7);
    if (err == CAPSULE_OK)
        err = check_required(&c);
    if (err == CAPSULE_OK)
        err = check_self_dependency(&c);
    if (err == CAPSULE_OK)
        sort_dependencies(m);
    return err;
}

enum capsule_error manifest_parse_toml(struct bytes input, struct manifest *m,
                                       struct toml_node *nodes, size_t node_cap,
                                       uint8_t *text, size_t text_cap,
                                       struct capsule_diag *diag)
{
    struct toml_document doc;
    toml_document_init(&doc, nodes, node_cap, text, text_cap);
    enum capsule_error err = toml_parse(&doc, input, diag);
    if (err != CAPSULE_OK)
        return err;
    return manifest_from_toml(&doc, m, diag);
}
