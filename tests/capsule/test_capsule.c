/* Unit tests of lib/capsule under ASan + UBSan: TOML subset, semver ranges,
 * manifest compilation, canonical encoding, container and proof (with an
 * exhaustive bit-flip test), trust store rules and dependency resolution.
 * The malformed-input corpus with exact expected errors is corpus.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsule/canonical.h"
#include "capsule/capsule.h"
#include "capsule/semver.h"
#include "capsule/toml.h"
#include "capsule/trust.h"
#include "crypto/sha256.h"
#include "fixture.h"
#include "tests/host/test.h"

#define NODES 512

static struct toml_node nodes[NODES];
static uint8_t text[1 << 16];

static enum capsule_error compile(const char *src, struct manifest *m,
                                  struct capsule_diag *diag)
{
    return manifest_parse_toml(bytes_make(src, strlen(src)), m, nodes, NODES,
                               text, sizeof text, diag);
}

static void test_brief_example(void)
{
    const char *src =
        "name = \"nonos-ssh-agent\"\n"
        "version = \"1.2.0\"\n"
        "[dependencies]\n"
        "\"nonos-crypto\" = { version = \"^1.0\", hash = \"sha256:"
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\" }\n"
        "[policy.network]\n"
        "allow_clearnet = false\n"
        "allow_mesh = true\n"
        "[policy.limits]\n"
        "cpu = \"500ms\"\n"
        "memory = \"16MiB\"\n"
        "[policy.capabilities]\n"
        "ipc = [\"nonos.vault\"]\n";
    static struct manifest m;
    struct capsule_diag diag;
    enum capsule_error err = compile(src, &m, &diag);
    char range[SEMVER_RANGE_TEXT_MAX];
    semver_range_format(&m.dependencies[0].requirement, range, sizeof range);
    test_check(err == CAPSULE_OK && strcmp(m.name.text, "nonos-ssh-agent") == 0 &&
                   m.version.major == 1 && m.version.minor == 2 &&
                   m.dependency_count == 1 && m.dependencies[0].pinned &&
                   m.dependencies[0].hash[1] == 0x11 &&
                   strcmp(range, ">=1.0.0, <2.0.0") == 0 && !m.allow_clearnet &&
                   m.allow_mesh && m.cpu_us == 500000 &&
                   m.memory_bytes == 16u << 20 && m.threads == 1 &&
                   m.ipc_count == 1 && strcmp(m.ipc[0].text, "nonos.vault") == 0,
               "capsule manifest: the BRIEF section 5 example compiles (%s)",
               capsule_error_message(err));
}

static void test_toml_features(void)
{
    const char *src =
        "# comment\r\n"
        "a.b . c = 'lit\\eral'  # trailing comment\r\n"
        "s = \"tab\\tq\\\"u\\u00e9\\U0001F600\"\n"
        "n = -9_223_372_036_854_775_808\n"
        "p = +1_000\n"
        "arr = [ 1, # one\n  [true, false], { x = \"y\" }, ]\n"
        "t = { k.l = 1, m = [] }\n"
        "[x.y]\n"
        "[x]\n"
        "z = 0\n";
    struct toml_document doc;
    struct capsule_diag diag;
    toml_document_init(&doc, nodes, NODES, text, sizeof text);
    enum capsule_error err = toml_parse(&doc, bytes_make(src, strlen(src)), &diag);
    bool ok = err == CAPSULE_OK;
    size_t a = ok ? toml_find(&doc, 0, "a") : TOML_NONE;
    size_t b = a != TOML_NONE ? toml_find(&doc, a, "b") : TOML_NONE;
    size_t c = b != TOML_NONE ? toml_find(&doc, b, "c") : TOML_NONE;
    ok = ok && c != TOML_NONE && doc.nodes[c].string.len == 8 &&
         memcmp(doc.nodes[c].string.data, "lit\\eral", 8) == 0;
    size_t s = ok ? toml_find(&doc, 0, "s") : TOML_NONE;
    ok = ok && s != TOML_NONE && doc.nodes[s].string.len == 13 &&
         memcmp(doc.nodes[s].string.data, "tab\tq\"u\xc3\xa9\xf0\x9f\x98\x80", 13) == 0;
    size_t n = ok ? toml_find(&doc, 0, "n") : TOML_NONE;
    ok = ok && n != TOML_NONE && doc.nodes[n].integer == INT64_MIN;
    size_t p = ok ? toml_find(&doc, 0, "p") : TOML_NONE;
    ok = ok && p != TOML_NONE && doc.nodes[p].integer == 1000;
    size_t arr = ok ? toml_find(&doc, 0, "arr") : TOML_NONE;
    size_t count = 0, last = TOML_NONE;
    for (size_t i = arr != TOML_NONE ? toml_next_child(&doc, arr, arr) : TOML_NONE;
         i != TOML_NONE; i = toml_next_child(&doc, arr, i)) {
        count++;
        last = i;
    }
    char path[64] = "";
    if (last != TOML_NONE)
        toml_path(&doc, toml_find(&doc, last, "x"), path, sizeof path);
    ok = ok && count == 3 && strcmp(path, "arr[2].x") == 0;
    test_check(ok, "capsule toml: dotted/quoted keys, escapes, CRLF, integers, "
                   "arrays, inline tables, implicit tables (%s line %u)",
               capsule_error_message(err), diag.line);
}

struct requirement_case {
    const char *text;
    const char *range; /* NULL: must be refused */
};

static void test_semver(void)
{
    static const struct requirement_case cases[] = {
        { "^1.2.3", ">=1.2.3, <2.0.0" },  { "^1.0", ">=1.0.0, <2.0.0" },
        { "^1", ">=1.0.0, <2.0.0" },      { "^0.2.3", ">=0.2.3, <0.3.0" },
        { "^0.0.3", ">=0.0.3, <0.0.4" },  { "^0.0", ">=0.0.0, <0.1.0" },
        { "^0", ">=0.0.0, <1.0.0" },      { "~1.2.3", ">=1.2.3, <1.3.0" },
        { "~1.2", ">=1.2.0, <1.3.0" },    { "~1", ">=1.0.0, <2.0.0" },
        { "=1.2.3", ">=1.2.3, <1.2.4" },  { "1.2.3", ">=1.2.3, <1.2.4" },
        { "=1.2", ">=1.2.0, <1.3.0" },    { ">=1.2", ">=1.2.0" },
        { ">1.2.3", ">=1.2.4" },          { ">1.2", ">=1.3.0" },
        { "<2", ">=0.0.0, <2.0.0" },      { "<=1.4", ">=0.0.0, <1.5.0" },
        { ">= 1.2, < 1.5", ">=1.2.0, <1.5.0" },
        { "=1.2.4294967294", ">=1.2.4294967294, <1.3.0" },
        { "^4294967294", ">=4294967294.0.0" },
        { "<0.0.0", NULL }, { ">=2, <1", NULL }, { "^01.0", NULL },
        { "1.2.3-beta", NULL }, { "", NULL }, { "^", NULL }, { "1.2.3.4", NULL },
        { "=1.2.4294967295", NULL }, { "!1.0", NULL }, { "1.0,", NULL },
    };
    size_t bad = 0, n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        struct semver_range r;
        char out[SEMVER_RANGE_TEXT_MAX];
        bool ok = semver_requirement_parse((const uint8_t *)cases[i].text,
                                           strlen(cases[i].text), &r);
        if (ok)
            semver_range_format(&r, out, sizeof out);
        if (ok != (cases[i].range != NULL) || (ok && strcmp(out, cases[i].range) != 0)) {
            fprintf(stderr, "semver: %s -> %s\n", cases[i].text, ok ? out : "refused");
            bad++;
        }
    }
    test_check(bad == 0, "capsule semver: %zu requirement cases (Cargo rules, carry, refusals)", n);
    struct semver_range r;
    semver_requirement_parse((const uint8_t *)"^1.2", 4, &r);
    test_check(semver_range_contains(&r, (struct semver){ 1, 2, 0 }) &&
                   semver_range_contains(&r, (struct semver){ 1, 99, 7 }) &&
                   !semver_range_contains(&r, (struct semver){ 2, 0, 0 }) &&
                   !semver_range_contains(&r, (struct semver){ 1, 1, 9 }),
               "capsule semver: range membership at both bounds");
}

static void test_canonical_roundtrip(void)
{
    const char *src =
        "name = \"rt\"\nversion = \"3.4.5\"\ndescription = \"d\xc3\xa9sc\"\n"
        "author = \"A <a@example.org>\"\n"
        "[dependencies]\nzeta = \">=1.0\"\nalpha = { version = \"~2.1\" }\n"
        "[policy]\nnetwork = { allow_clearnet = true }\n"
        "limits = { cpu = \"2s\", memory = \"1GiB\", threads = 8 }\n"
        "capabilities.ipc = [\"b\", \"a\", \"c.d\"]\n"
        "capabilities.devices = [\"virtio-net\"]\ncapabilities.vault = true\n";
    static struct manifest m, back;
    uint8_t enc1[CANONICAL_MANIFEST_MAX], enc2[CANONICAL_MANIFEST_MAX];
    struct byte_buffer b1 = { enc1, 0, sizeof enc1 }, b2 = { enc2, 0, sizeof enc2 };
    enum capsule_error err = compile(src, &m, NULL);
    if (err == CAPSULE_OK)
        err = canonical_encode(&m, &b1);
    if (err == CAPSULE_OK)
        err = canonical_decode(bytes_make(enc1, b1.len), &back);
    if (err == CAPSULE_OK)
        err = canonical_encode(&back, &b2);
    test_check(err == CAPSULE_OK && b1.len == b2.len && memcmp(enc1, enc2, b1.len) == 0 &&
                   strcmp(back.dependencies[0].name.text, "alpha") == 0 &&
                   strcmp(back.ipc[0].text, "a") == 0 && back.vault &&
                   back.threads == 8 && back.cpu_us == 2000000,
               "capsule canonical: TOML -> bytes -> manifest -> same bytes, lists sorted (%s)",
               capsule_error_message(err));
    size_t refused = 0;
    for (size_t len = 0; len < b1.len; len++) {
        if (canonical_decode(bytes_make(enc1, len), &back) != CAPSULE_OK)
            refused++;
    }
    enc1[b1.len] = 0;
    bool trailing = canonical_decode(bytes_make(enc1, b1.len + 1), &back) ==
                    CAPSULE_ERR_CANON_TRAILING;
    test_check(refused == b1.len && trailing,
               "capsule canonical: all %zu truncations and a trailing byte refused", b1.len);
    struct byte_buffer small = { enc2, 0, 10 };
    test_check(canonical_encode(&m, &small) == CAPSULE_ERR_CANON_SPACE && small.len == 0,
               "capsule canonical: encoder refuses a short buffer and writes nothing");
}

static uint8_t mod[FIXTURE_MOD_MAX];

/* Flips every bit of the file; nothing may verify. */
static void test_bit_flips_raw(size_t len)
{
    static struct capsule c;
    size_t accepted = 0;
    for (size_t bit = 0; bit < len * 8; bit++) {
        mod[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (capsule_open(bytes_make(mod, len), &c) == CAPSULE_OK)
            accepted++;
        mod[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    test_check(accepted == 0, "capsule proof: all %zu single-bit flips of the .mod refused",
               len * 8);
}

/* Flips every bit of one section and repairs its hash in the table, so the
 * refusal must come from the decoders or the signature, not the hash. */
static void test_bit_flips_rehashed(size_t len, size_t section, const char *what)
{
    static struct capsule c;
    static uint8_t copy[FIXTURE_MOD_MAX];
    struct mod_container mc;
    container_parse(bytes_make(mod, len), &mc);
    const struct mod_section *s = &mc.sections[section];
    uint8_t *hash = copy + MOD_HEADER_SIZE + section * MOD_SECTION_ENTRY_SIZE + 24;
    size_t accepted = 0, by_signature = 0;
    for (size_t bit = 0; bit < s->length * 8; bit++) {
        memcpy(copy, mod, len);
        copy[s->offset + bit / 8] ^= (uint8_t)(1u << (bit % 8));
        sha256(copy + s->offset, s->length, hash);
        enum capsule_error err = capsule_open(bytes_make(copy, len), &c);
        accepted += err == CAPSULE_OK;
        by_signature += err == CAPSULE_ERR_PROOF_SIGNATURE;
    }
    test_check(accepted == 0 && by_signature > 0,
               "capsule proof: all %zu bit flips of the %s with repaired hash refused "
               "(%zu by the signature)", (size_t)s->length * 8, what, by_signature);
}

static void test_capsule_open(void)
{
    static struct manifest m;
    static struct capsule c;
    uint8_t id[32], pk[32], sk[64];
    fixture_manifest(&m, "hello", "1.0.0");
    size_t len = fixture_capsule(&m, 0x42, mod, id);
    fixture_key(0x42, pk, sk);
    enum capsule_error err = capsule_open(bytes_make(mod, len), &c);
    test_check(len > 0 && err == CAPSULE_OK && memcmp(c.id, id, 32) == 0 &&
                   memcmp(c.author, pk, 32) == 0 && c.entry == 0x400000 + 120 &&
                   strcmp(c.manifest.name.text, "hello") == 0,
               "capsule: a signed fixture opens with its id, author and entry (%s)",
               capsule_error_message(err));
    test_bit_flips_raw(len);
    test_bit_flips_rehashed(len, 0, "manifest");
    test_bit_flips_rehashed(len, 1, "payload");
    test_bit_flips_rehashed(len, 2, "proof");
}

static void test_trust(void)
{
    static struct manifest v1, v2, v1b, other;
    uint8_t id1[32], id2[32], id1b[32], ido[32], k1[32], k2[32], sk[64];
    uint8_t scratch[FIXTURE_MOD_MAX];
    fixture_manifest(&v1, "app", "1.0.0");
    fixture_manifest(&v2, "app", "2.0.0");
    fixture_manifest(&v1b, "app", "1.0.0");
    v1b.threads = 2;
    fixture_manifest(&other, "other", "1.0.0");
    fixture_capsule(&v1, 1, scratch, id1);
    fixture_capsule(&v2, 1, scratch, id2);
    fixture_capsule(&v1b, 1, scratch, id1b);
    fixture_capsule(&other, 1, scratch, ido);
    fixture_key(1, k1, sk);
    fixture_key(2, k2, sk);
    struct trust_key keys[2];
    struct trust_record records[2];
    struct trust_store store;
    trust_init(&store, keys, 2, records, 1);
    bool ok = trust_check(&store, &v1, id1, k1) == CAPSULE_ERR_TRUST_UNKNOWN_AUTHOR;
    ok = ok && trust_add_key(&store, k1) == CAPSULE_OK &&
         trust_add_key(&store, k1) == CAPSULE_OK && store.key_count == 1;
    ok = ok && trust_accept(&store, &v1, id1, k1) == CAPSULE_OK;
    ok = ok && trust_accept(&store, &v1, id1, k1) == CAPSULE_OK;
    ok = ok && trust_check(&store, &v1b, id1b, k1) == CAPSULE_ERR_TRUST_EQUIVOCATION;
    ok = ok && trust_add_key(&store, k2) == CAPSULE_OK;
    ok = ok && trust_check(&store, &v2, id2, k2) == CAPSULE_ERR_TRUST_AUTHOR_CHANGED;
    ok = ok && trust_check(&store, &other, ido, k1) == CAPSULE_ERR_TRUST_FULL;
    ok = ok && trust_accept(&store, &v2, id2, k1) == CAPSULE_OK;
    ok = ok && trust_check(&store, &v1, id1, k1) == CAPSULE_ERR_TRUST_ROLLBACK;
    ok = ok && store.record_count == 1 && records[0].version.major == 2;
    uint8_t k3[32];
    fixture_key(3, k3, sk);
    ok = ok && trust_add_key(&store, k3) == CAPSULE_ERR_TRUST_FULL;
    test_check(ok, "capsule trust: unknown author, idempotent accept, equivocation, "
                   "author change, full store, upgrade, rollback");
}

static void add_dep(struct manifest *m, const char *name, const char *req,
                    const uint8_t *hash)
{
    struct manifest_dependency *d = &m->dependencies[m->dependency_count++];
    d->name.len = (uint8_t)strlen(name);
    memcpy(d->name.text, name, d->name.len + 1);
    semver_requirement_parse((const uint8_t *)req, strlen(req), &d->requirement);
    d->pinned = hash != NULL;
    if (hash != NULL)
        memcpy(d->hash, hash, 32);
}

static void test_resolve(void)
{
    static struct manifest a, b, c;
    static const uint8_t ida[32] = { 1 }, idb[32] = { 2 }, idc[32] = { 3 };
    fixture_manifest(&a, "a", "1.0.0");
    fixture_manifest(&b, "b", "1.4.0");
    fixture_manifest(&c, "c", "0.1.0");
    add_dep(&a, "b", "^1.2", idb);
    add_dep(&a, "c", "~0.1", NULL);
    add_dep(&b, "c", ">=0.1", idc);
    struct trust_item items[3] = { { &a, ida }, { &b, idb }, { &c, idc } };
    size_t order[3];
    struct trust_failure f;
    enum capsule_error err = trust_resolve(items, 3, order, &f);
    test_check(err == CAPSULE_OK && order[0] == 2 && order[1] == 1 && order[2] == 0,
               "capsule resolve: dependencies start first (c, b, a) (%s)",
               capsule_error_message(err));
    bool ok = trust_resolve(items, 2, order, &f) == CAPSULE_ERR_DEP_MISSING &&
              f.item == 0 && f.dependency == 1;
    b.version.minor = 1;
    ok = ok && trust_resolve(items, 3, order, &f) == CAPSULE_ERR_DEP_VERSION;
    b.version.minor = 4;
    items[2].id = ida;
    ok = ok && trust_resolve(items, 3, order, &f) == CAPSULE_ERR_DEP_HASH && f.item == 1;
    items[2].id = idc;
    add_dep(&c, "a", "^1", NULL);
    ok = ok && trust_resolve(items, 3, order, &f) == CAPSULE_ERR_DEP_CYCLE;
    items[1].manifest = &a;
    ok = ok && trust_resolve(items, 3, order, &f) == CAPSULE_ERR_DEP_DUPLICATE_NAME;
    test_check(ok, "capsule resolve: missing, version, hash, cycle, duplicate name refused");
}

static void test_error_table(void)
{
    size_t bad = 0;
    for (int i = 0; i < CAPSULE_ERR_COUNT; i++) {
        const char *msg = capsule_error_message((enum capsule_error)i);
        const char *name = capsule_error_name((enum capsule_error)i);
        if (msg == NULL || name == NULL || msg[0] == '\0' || name[0] == '\0')
            bad++;
        for (int j = 0; j < i; j++) {
            if (strcmp(name, capsule_error_name((enum capsule_error)j)) == 0)
                bad++;
        }
    }
    test_check(bad == 0 && strcmp(capsule_error_name(CAPSULE_ERR_COUNT), "ERR_UNKNOWN") == 0,
               "capsule errors: %d codes each with a message and a distinct name",
               CAPSULE_ERR_COUNT);
}

int main(void)
{
    test_error_table();
    test_brief_example();
    test_toml_features();
    test_semver();
    test_canonical_roundtrip();
    test_capsule_open();
    test_trust();
    test_resolve();
    return test_finish();
}
