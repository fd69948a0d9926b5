/* Unit tests of lib/capsule under ASan + UBSan: TOML subset, semver ranges,
 * manifest compilation, canonical encoding, container and proof (with an
 * exhaustive bit-flip test), trust store rules and dependency resolution.
 * The malformed-input corpus with exact expected errors is corpus.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsule/bundle.h"
#include "capsule/canonical.h"
#include "capsule/capsule.h"
#include "capsule/hash.h"
#include "capsule/semver.h"
#include "capsule/toml.h"
#include "capsule/trust.h"
#include "crypto/blake2b.h"
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
        "\"nonos-crypto\" = { version = \"^1.0\", hash = \"blake2b:"
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
                   m.ipc_count == 1 && strcmp(m.ipc[0].text, "nonos.vault") == 0 &&
                   m.capability_slots == 64 && m.provides_count == 0 &&
                   m.supervisor == MANIFEST_SUPERVISOR_NONE &&
                   m.restart == MANIFEST_RESTART_NEVER,
               "capsule manifest: the BRIEF section 5 example compiles, with the defaults "
               "(64 capability slots, provides nothing, no supervisor, never restarted) (%s)",
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
        "[dependencies]\nzeta = { version = \">=1.0\", author = \"blake2b:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\" }\n"
        "alpha = { version = \"~2.1\", hash = \"blake2b:"
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\", author = \"blake2b:"
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\" }\n"
        "[policy]\nnetwork = { allow_clearnet = true }\n"
        "limits = { cpu = \"2s\", memory = \"1GiB\", threads = 8, capabilities = 8 }\n"
        "capabilities.ipc = [\"b\", \"a\", \"c.d\"]\n"
        "capabilities.provides = [\"nonos.names\", \"nonos.log\"]\n"
        "capabilities.supervisor = \"control\"\n"
        "capabilities.devices = [\"virtio-net\"]\ncapabilities.vault = true\n"
        "[lifecycle]\nrestart = \"always\"\n";
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
                   back.dependencies[0].pinned && back.dependencies[0].author_bound &&
                   back.dependencies[0].author[31] == 0xef && !back.dependencies[1].pinned &&
                   back.dependencies[1].author_bound && back.dependencies[1].author[0] == 0xff &&
                   strcmp(back.ipc[0].text, "a") == 0 && back.vault &&
                   back.threads == 8 && back.cpu_us == 2000000 &&
                   back.capability_slots == 8 && back.provides_count == 2 &&
                   strcmp(back.provides[0].text, "nonos.log") == 0 &&
                   back.supervisor == MANIFEST_SUPERVISOR_CONTROL &&
                   back.restart == MANIFEST_RESTART_ALWAYS,
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

/* Flips every `stride`-th bit of one section and repairs its hash in the
 * table, so the refusal must come from the decoders or a signature, not the
 * hash. by_signature counts refusals by signature verification (either). */
static void test_bit_flips_rehashed(size_t len, size_t section, const char *what,
                                    size_t stride)
{
    static struct capsule c;
    static uint8_t copy[FIXTURE_MOD_MAX];
    struct mod_container mc;
    container_parse(bytes_make(mod, len), &mc);
    const struct mod_section *s = &mc.sections[section];
    uint8_t *hash = copy + MOD_HEADER_SIZE + section * MOD_SECTION_ENTRY_SIZE + 24;
    size_t accepted = 0, by_signature = 0, by_mldsa = 0, flips = 0;
    for (size_t bit = 0; bit < s->length * 8; bit += stride) {
        memcpy(copy, mod, len);
        copy[s->offset + bit / 8] ^= (uint8_t)(1u << (bit % 8));
        capsule_hash(copy + s->offset, s->length, hash);
        enum capsule_error err = capsule_open(bytes_make(copy, len), &c);
        accepted += err == CAPSULE_OK;
        by_signature += err == CAPSULE_ERR_PROOF_SIGNATURE;
        by_mldsa += err == CAPSULE_ERR_PROOF_MLDSA_SIGNATURE ||
                    err == CAPSULE_ERR_PROOF_MLDSA_ENCODING;
        flips++;
    }
    test_check(accepted == 0 && by_signature + by_mldsa > 0,
               "capsule proof: %zu bit flips (every %zu) of the %s with repaired hash refused "
               "(%zu by Ed25519, %zu by ML-DSA-65)", flips, stride, what, by_signature,
               by_mldsa);
}

static void test_capsule_open(void)
{
    static struct manifest m;
    static struct capsule c;
    static struct author_key a;
    uint8_t id[32];
    fixture_manifest(&m, "hello", "1.0.0");
    fixture_author(0x42, true, &a);
    size_t len = fixture_capsule(&m, 0x42, mod, id);
    enum capsule_error err = capsule_open(bytes_make(mod, len), &c);
    test_check(len > 0 && err == CAPSULE_OK && memcmp(c.id, id, 32) == 0 &&
                   author_equal(&c.author, &a) && c.proof.count == 2 &&
                   c.entry == 0x400000 + 120 && strcmp(c.manifest.name.text, "hello") == 0,
               "capsule: a hybrid fixture opens with its id, both author keys and entry (%s)",
               capsule_error_message(err));
    test_bit_flips_raw(len);
    test_bit_flips_rehashed(len, 0, "manifest (hybrid)", 1);
    test_bit_flips_rehashed(len, 2, "hybrid proof", 7);
    len = fixture_capsule_signed(&m, 0x42, false, mod, id);
    err = capsule_open(bytes_make(mod, len), &c);
    test_check(len > 0 && err == CAPSULE_OK && !c.author.hybrid && c.proof.count == 1 &&
                   memcmp(c.author.ed25519, a.ed25519, 32) == 0,
               "capsule: an Ed25519-only fixture opens (%s)", capsule_error_message(err));
    test_bit_flips_raw(len);
    test_bit_flips_rehashed(len, 0, "manifest", 1);
    test_bit_flips_rehashed(len, 1, "payload", 1);
    test_bit_flips_rehashed(len, 2, "proof", 1);
}

static void test_trust(void)
{
    static struct manifest v1, v2, v1b, other;
    static struct author_key k1, k2, k3;
    uint8_t id1[32], id2[32], id1b[32], ido[32];
    static uint8_t scratch[FIXTURE_MOD_MAX];
    fixture_manifest(&v1, "app", "1.0.0");
    fixture_manifest(&v2, "app", "2.0.0");
    fixture_manifest(&v1b, "app", "1.0.0");
    v1b.threads = 2;
    fixture_manifest(&other, "other", "1.0.0");
    fixture_capsule(&v1, 1, scratch, id1);
    fixture_capsule(&v2, 1, scratch, id2);
    fixture_capsule(&v1b, 1, scratch, id1b);
    fixture_capsule(&other, 1, scratch, ido);
    fixture_author(1, true, &k1);
    fixture_author(2, true, &k2);
    struct trust_author authors[2];
    struct trust_record records[2];
    struct trust_store store;
    trust_init(&store, authors, 2, records, 1);
    bool ok = trust_check(&store, &v1, id1, &k1) == CAPSULE_ERR_TRUST_UNKNOWN_AUTHOR;
    ok = ok && trust_add_author(&store, &k1) == CAPSULE_OK &&
         trust_add_author(&store, &k1) == CAPSULE_OK && store.author_count == 1;
    ok = ok && trust_accept(&store, &v1, id1, &k1) == CAPSULE_OK;
    ok = ok && trust_accept(&store, &v1, id1, &k1) == CAPSULE_OK;
    ok = ok && trust_check(&store, &v1b, id1b, &k1) == CAPSULE_ERR_TRUST_EQUIVOCATION;
    ok = ok && trust_add_author(&store, &k2) == CAPSULE_OK;
    ok = ok && trust_check(&store, &v2, id2, &k2) == CAPSULE_ERR_TRUST_AUTHOR_CHANGED;
    ok = ok && trust_check(&store, &other, ido, &k1) == CAPSULE_ERR_TRUST_FULL;
    ok = ok && trust_accept(&store, &v2, id2, &k1) == CAPSULE_OK;
    ok = ok && trust_check(&store, &v1, id1, &k1) == CAPSULE_ERR_TRUST_ROLLBACK;
    ok = ok && store.record_count == 1 && records[0].version.major == 2;
    fixture_author(3, true, &k3);
    ok = ok && trust_add_author(&store, &k3) == CAPSULE_ERR_TRUST_FULL;
    test_check(ok, "capsule trust: unknown author, idempotent accept, equivocation, "
                   "author change, full store, upgrade, rollback");
}

/* Old Ed25519-only authors keep working; a hybrid author's Ed25519 key
 * alone is a downgrade; one Ed25519 key cannot be registered twice. */
static void test_trust_hybrid(void)
{
    static struct manifest m;
    static struct author_key hybrid, ed_only, other_ed_only, other_mldsa;
    uint8_t id[32];
    static uint8_t scratch[FIXTURE_MOD_MAX];
    fixture_manifest(&m, "app", "1.0.0");
    fixture_capsule(&m, 1, scratch, id);
    fixture_author(1, true, &hybrid);
    fixture_author(1, false, &ed_only);
    fixture_author(2, false, &other_ed_only);
    other_mldsa = hybrid;
    other_mldsa.mldsa65[0] ^= 1;
    struct trust_author authors[3];
    struct trust_record records[2];
    struct trust_store store;
    trust_init(&store, authors, 3, records, 2);
    bool ok = trust_add_author(&store, &hybrid) == CAPSULE_OK &&
              trust_add_author(&store, &other_ed_only) == CAPSULE_OK;
    ok = ok && trust_add_author(&store, &ed_only) == CAPSULE_ERR_TRUST_KEY_CONFLICT &&
         trust_add_author(&store, &other_mldsa) == CAPSULE_ERR_TRUST_KEY_CONFLICT &&
         store.author_count == 2;
    ok = ok && trust_check(&store, &m, id, &ed_only) == CAPSULE_ERR_TRUST_DOWNGRADE;
    ok = ok && trust_check(&store, &m, id, &other_mldsa) == CAPSULE_ERR_TRUST_UNKNOWN_AUTHOR;
    ok = ok && trust_check(&store, &m, id, &hybrid) == CAPSULE_OK;
    ok = ok && trust_check(&store, &m, id, &other_ed_only) == CAPSULE_OK;
    struct author_key upgraded = other_ed_only;
    upgraded.hybrid = true;
    memcpy(upgraded.mldsa65, hybrid.mldsa65, sizeof upgraded.mldsa65);
    ok = ok && trust_check(&store, &m, id, &upgraded) == CAPSULE_ERR_TRUST_UNKNOWN_AUTHOR;
    uint8_t f1[32], f2[32];
    author_fingerprint(&hybrid, f1);
    author_fingerprint(&ed_only, f2);
    ok = ok && memcmp(f1, f2, 32) != 0 && memcmp(authors[0].fingerprint, f1, 32) == 0;
    test_check(ok, "capsule trust: Ed25519-only author accepted, hybrid author's Ed25519 half "
                   "alone refused as a downgrade, one Ed25519 key per author, fingerprints "
                   "over both keys");
}

/* The author encoding: what bundle authors are; a round trip and every
 * truncation. */
static void test_author_encoding(void)
{
    static struct author_key a, back;
    static uint8_t enc[AUTHOR_ENCODED_MAX];
    size_t truncated = 0, used = 0;
    fixture_author(7, true, &a);
    size_t len = author_encode(&a, enc);
    bool ok = len == AUTHOR_ENCODED_MAX &&
              author_decode(bytes_make(enc, len), &used, &back) == CAPSULE_OK &&
              used == len && author_equal(&a, &back);
    for (size_t n = 0; n < len; n++)
        truncated += author_decode(bytes_make(enc, n), &used, &back) ==
                     CAPSULE_ERR_BUNDLE_TRUNCATED;
    enc[2] = 2; /* the first key claims ML-DSA-65 */
    ok = ok && author_decode(bytes_make(enc, len), &used, &back) == CAPSULE_ERR_BUNDLE_KEY;
    test_check(ok && truncated == len, "capsule author: hybrid key encodes in %zu bytes, "
               "decodes back, all %zu truncations refused", len, truncated);
}

static const uint8_t author_a[32] = { 0xaa }, author_b[32] = { 0xbb };

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
    d->author_bound = true;
    memcpy(d->author, author_a, 32);
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
    struct trust_item items[3] = { { &a, ida, author_a }, { &b, idb, author_a },
                                   { &c, idc, author_a } };
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
    items[2].author = author_b;
    ok = ok && trust_resolve(items, 3, order, &f) == CAPSULE_ERR_DEP_AUTHOR && f.item == 0 &&
         f.dependency == 1;
    items[2].author = author_a;
    add_dep(&c, "a", "^1", NULL);
    ok = ok && trust_resolve(items, 3, order, &f) == CAPSULE_ERR_DEP_CYCLE;
    items[1].manifest = &a;
    ok = ok && trust_resolve(items, 3, order, &f) == CAPSULE_ERR_DEP_DUPLICATE_NAME;
    test_check(ok, "capsule resolve: missing, version, hash, author, cycle, duplicate name "
                   "refused");
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

/* Manifest text: C0, DEL, C1, bidirectional overrides and isolates are
 * refused; other non-ASCII text (and neighbours of the refused ranges) is
 * not. */
static void test_text_rules(void)
{
    static const char *const refused[] = {
        "a\x01", "\x7f", "\xc2\x80", "x\xc2\x9b", "\xc2\x9f", "\xe2\x80\xaa",
        "\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x81\xa9", "\xc0\xaf", "\xed\xa0\x80",
    };
    static const char *const accepted[] = {
        "plain", "\xc2\xa0", "caf\xc3\xa9", "\xe2\x80\xa9", "\xe2\x80\xaf",
        "\xe2\x81\xa5", "\xe2\x81\xaa", "\xf0\x9f\x99\x82", "",
    };
    size_t bad = 0;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        bad += manifest_text_valid((const uint8_t *)refused[i], strlen(refused[i]), 256);
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++)
        bad += !manifest_text_valid((const uint8_t *)accepted[i], strlen(accepted[i]), 256);
    static struct manifest m;
    struct capsule_diag diag;
    bad += compile("name = \"a\"\nversion = \"1.0.0\"\ndescription = \"\\u009b\"\n",
                   &m, &diag) != CAPSULE_ERR_MANIFEST_TEXT;
    bad += compile("name = \"a\"\nversion = \"1.0.0\"\nauthor = \"\\u202E\"\n",
                   &m, &diag) != CAPSULE_ERR_MANIFEST_TEXT;
    test_check(bad == 0, "capsule manifest: text refuses C0, DEL, C1 and bidi overrides and "
                         "isolates, accepts other text (%zu wrong)", bad);
}

/* A last line of spaces without a line break is valid TOML. */
static void test_toml_trailing_spaces(void)
{
    static struct manifest m;
    struct capsule_diag diag;
    enum capsule_error a = compile("name = \"a\"\nversion = \"1.0.0\"\n   ", &m, &diag);
    enum capsule_error b = compile("name = \"a\"\nversion = \"1.0.0\"  \t", &m, &diag);
    enum capsule_error c = compile("name = \"a\"\nversion = \"1.0.0\"\n \t x", &m, &diag);
    test_check(a == CAPSULE_OK && b == CAPSULE_OK && c == CAPSULE_ERR_TOML_EXPECTED_EQUALS,
               "capsule toml: a file ending in spaces without a final newline is accepted "
               "(%s, %s), a last line with a bare key is not", capsule_error_name(a),
               capsule_error_name(b));
}

/* Format version 1 and 2 files are refused with their own error. */
static void test_old_versions(void)
{
    static struct manifest m;
    static struct capsule c;
    static struct bundle_work work;
    static struct bundle_report report;
    fixture_manifest(&m, "hello", "1.0.0");
    size_t len = fixture_capsule(&m, 0x42, mod, NULL);
    mod[8] = 1;
    enum capsule_error v1_err = capsule_open(bytes_make(mod, len), &c);
    mod[8] = 2;
    enum capsule_error v2_err = capsule_open(bytes_make(mod, len), &c);
    mod[8] = 3;
    enum capsule_error v3_err = capsule_open(bytes_make(mod, len), &c);
    uint8_t bundle[BUNDLE_HEADER_SIZE + 32] = "NONOSBDL\x01\x00\x01\x00";
    enum capsule_error bundle_err = bundle_verify(bytes_make(bundle, sizeof bundle), &work,
                                                  &report);
    test_check(v1_err == CAPSULE_ERR_MOD_VERSION_OLD && v2_err == CAPSULE_ERR_MOD_VERSION_OLD &&
                   v3_err == CAPSULE_ERR_MOD_VERSION_OLD &&
                   bundle_err == CAPSULE_ERR_BUNDLE_VERSION_OLD,
               "capsule: format version 1, 2 and 3 .mod and version 1 bundle refused as such "
               "(%s, %s, %s, %s)", capsule_error_name(v1_err), capsule_error_name(v2_err),
               capsule_error_name(v3_err), capsule_error_name(bundle_err));
}

/* Appends n bytes to buf at *len (the test's own writer of the documented
 * layouts, independent of proof.c and author.c). */
static void put(uint8_t *buf, size_t *len, const void *p, size_t n)
{
    memcpy(buf + *len, p, n);
    *len += n;
}

static void put16(uint8_t *buf, size_t *len, uint16_t v)
{
    uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    put(buf, len, b, 2);
}

/* Format 4's hashes are BLAKE2b-256 of the bytes docs/capsule-format.md
 * lists: the section hashes, the proof digest (the capsule id) under
 * "NONOS-CAPSULE-PROOF-v4" and the author fingerprint under
 * "NONOS-AUTHOR-v4", each rebuilt here byte by byte from the document and
 * hashed with blake2b() directly. */
static void test_hash_layout(void)
{
    static struct manifest m;
    static struct capsule c;
    static uint8_t buf[8192];
    static struct author_key a;
    uint8_t want[32], sections[3][32];
    fixture_manifest(&m, "hello", "1.0.0");
    size_t len = fixture_capsule(&m, 0x42, mod, NULL), n = 0;
    bool ok = capsule_open(bytes_make(mod, len), &c) == CAPSULE_OK;
    for (size_t i = 0; ok && i < 3; i++) {
        const struct mod_section *s = &c.container.sections[i];
        ok = blake2b(sections[i], 32, NULL, 0, mod + s->offset, s->length) == CRYPTO_OK &&
             memcmp(sections[i], mod + 16 + i * 56 + 24, 32) == 0;
    }
    put(buf, &n, "NONOS-CAPSULE-PROOF-v4", 23); /* with its NUL */
    put16(buf, &n, 4);
    put16(buf, &n, (uint16_t)c.proof.count);
    for (size_t i = 0; i < c.proof.count; i++) {
        put16(buf, &n, c.proof.signatures[i].algorithm);
        put16(buf, &n, (uint16_t)c.proof.signatures[i].public_key.len);
        put(buf, &n, c.proof.signatures[i].public_key.data, c.proof.signatures[i].public_key.len);
    }
    put(buf, &n, sections[0], 32);
    put(buf, &n, sections[1], 32);
    ok = ok && c.proof.count == 2 && blake2b(want, 32, NULL, 0, buf, n) == CRYPTO_OK &&
         memcmp(want, c.id, 32) == 0;
    fixture_author(0x42, true, &a);
    n = 0;
    put(buf, &n, "NONOS-AUTHOR-v4", 16);
    put16(buf, &n, 2);
    put16(buf, &n, 1);
    put16(buf, &n, 32);
    put(buf, &n, a.ed25519, 32);
    put16(buf, &n, 2);
    put16(buf, &n, 1952);
    put(buf, &n, a.mldsa65, 1952);
    ok = ok && blake2b(want, 32, NULL, 0, buf, n) == CRYPTO_OK &&
         memcmp(want, c.author_fingerprint, 32) == 0;
    test_check(ok, "capsule format 4: section hashes, capsule id and author fingerprint are "
                   "BLAKE2b-256 of the documented bytes");
}

/* A bundle verifies a registered hybrid author's capsules with the
 * author's ML-DSA-65 key prepared once: two capsules of one author are both
 * verified with the registered fingerprint, the key is prepared for that
 * author only, and a third capsule of the author whose ML-DSA-65 signature
 * is damaged is refused exactly as capsule_open refuses it. */
static void test_bundle_prepared_key(void)
{
    static struct manifest m;
    static struct capsule c;
    static struct bundle_work work;
    static struct bundle_report report;
    static struct author_key authors[2];
    static uint8_t mods[3][FIXTURE_MOD_MAX], bundle[3 * FIXTURE_MOD_MAX + 8192];
    uint8_t fingerprint[AUTHOR_FINGERPRINT_SIZE];
    size_t len[3];
    const char *names[3] = { "first", "second", "third" };
    for (size_t i = 0; i < 3; i++) {
        fixture_manifest(&m, names[i], "1.0.0");
        len[i] = fixture_capsule(&m, 0x42, mods[i], NULL);
    }
    /* A bit of a z coefficient of the third one's ML-DSA-65 signature (the
     * proof comes last), with the proof section's hash repaired. */
    struct mod_container mc;
    container_parse(bytes_make(mods[2], len[2]), &mc);
    mods[2][len[2] - 200] ^= 0x10;
    capsule_hash(mods[2] + mc.sections[2].offset, mc.sections[2].length,
                 mods[2] + MOD_HEADER_SIZE + 2 * MOD_SECTION_ENTRY_SIZE + 24);
    enum capsule_error alone = capsule_open(bytes_make(mods[2], len[2]), &c);
    fixture_author(0x43, true, &authors[0]); /* registered, no capsule here */
    fixture_author(0x42, true, &authors[1]);
    author_fingerprint(&authors[1], fingerprint);
    struct bytes files[3];
    for (size_t i = 0; i < 3; i++)
        files[i] = bytes_make(mods[i], len[i]);
    struct byte_buffer out = { bundle, 0, sizeof bundle };
    enum capsule_error err = bundle_write(authors, 2, files, 3, &out);
    if (err == CAPSULE_OK)
        err = bundle_verify(bytes_make(bundle, out.len), &work, &report);
    bool ok = err == CAPSULE_OK && report.start_count == 2 &&
              work.prepared_for[0] == &work.authors[1] && work.prepared_for[1] == NULL;
    /* Each id (the second one's from the author's begun digest) is
     * capsule_open's. */
    for (size_t i = 0; ok && i < 2; i++)
        ok = report.entries[i].verdict == CAPSULE_OK && report.entries[i].hybrid &&
             memcmp(report.entries[i].author, fingerprint, sizeof fingerprint) == 0 &&
             capsule_open(files[i], &c) == CAPSULE_OK &&
             memcmp(report.entries[i].id, c.id, sizeof c.id) == 0;
    ok = ok && (alone == CAPSULE_ERR_PROOF_MLDSA_SIGNATURE ||
                alone == CAPSULE_ERR_PROOF_MLDSA_ENCODING) &&
         report.entries[2].verdict == alone;
    /* The verified entries' section views are the container's, inside the
     * bundle (the kernel loads from them without parsing again). */
    for (size_t i = 0; ok && i < 2; i++) {
        struct mod_container parsed;
        const struct bundle_entry *e = &report.entries[i];
        ok = container_parse(e->file, &parsed) == CAPSULE_OK &&
             e->manifest_text.data == parsed.manifest.data &&
             e->manifest_text.len == parsed.manifest.len &&
             e->payload.data == parsed.payload.data && e->payload.len == parsed.payload.len &&
             e->payload.data > bundle && e->payload.data + e->payload.len <= bundle + out.len;
    }
    test_check(ok, "capsule bundle: one hybrid author's capsules verified with its key "
                   "prepared once and its id digest begun once (ids equal capsule_open's), "
                   "the registered fingerprint, the manifest and payload views the "
                   "container's, and a damaged ML-DSA-65 signature refused as capsule_open "
                   "refuses it (%s, %s)",
               capsule_error_name(err), capsule_error_name(alone));
}

/* More hybrid authors than prepared-key slots: the first ones get a slot,
 * the last one's capsule is verified without one, all are verified, and a
 * damaged signature of the last author is refused as capsule_open refuses
 * it. */
static void test_bundle_prepared_slots_full(void)
{
    enum { AUTHORS = BUNDLE_PREPARED_MAX + 1 };
    static struct manifest m;
    static struct capsule c;
    static struct bundle_work work;
    static struct bundle_report report;
    static struct author_key authors[AUTHORS];
    static uint8_t mods[AUTHORS + 1][FIXTURE_MOD_MAX];
    static uint8_t bundle[(AUTHORS + 1) * FIXTURE_MOD_MAX + AUTHORS * AUTHOR_ENCODED_MAX + 64];
    struct bytes files[AUTHORS + 1];
    for (size_t i = 0; i <= AUTHORS; i++) {
        char name[16];
        snprintf(name, sizeof name, "author%zu", i);
        fixture_manifest(&m, name, "1.0.0");
        uint8_t tag = (uint8_t)(0x50 + (i < AUTHORS ? i : AUTHORS - 1));
        if (i < AUTHORS)
            fixture_author(tag, true, &authors[i]);
        files[i] = bytes_make(mods[i], fixture_capsule(&m, tag, mods[i], NULL));
    }
    /* The last capsule: the last author's, its ML-DSA-65 signature damaged. */
    struct mod_container mc;
    uint8_t *last = mods[AUTHORS];
    container_parse(files[AUTHORS], &mc);
    last[files[AUTHORS].len - 200] ^= 0x10;
    capsule_hash(last + mc.sections[2].offset, mc.sections[2].length,
                 last + MOD_HEADER_SIZE + 2 * MOD_SECTION_ENTRY_SIZE + 24);
    enum capsule_error alone = capsule_open(files[AUTHORS], &c);
    struct byte_buffer out = { bundle, 0, sizeof bundle };
    enum capsule_error err = bundle_write(authors, AUTHORS, files, AUTHORS + 1, &out);
    if (err == CAPSULE_OK)
        err = bundle_verify(bytes_make(bundle, out.len), &work, &report);
    bool ok = err == CAPSULE_OK && report.start_count == AUTHORS;
    for (size_t s = 0; ok && s < BUNDLE_PREPARED_MAX; s++)
        ok = work.prepared_for[s] == &work.authors[s];
    ok = ok && alone == CAPSULE_ERR_PROOF_MLDSA_SIGNATURE &&
         report.entries[AUTHORS].verdict == alone;
    test_check(ok, "capsule bundle: %d hybrid authors, %d prepared-key slots: the first %d "
                   "prepared, every capsule verified, the unprepared author's damaged "
                   "signature refused as capsule_open refuses it (%s, %s)",
               AUTHORS, BUNDLE_PREPARED_MAX, BUNDLE_PREPARED_MAX, capsule_error_name(err),
               capsule_error_name(alone));
}

/* The example of docs/capsule-format.md section 2, byte for byte. */
static void test_canonical_golden(void)
{
    static const uint8_t golden[] = {
        'N', 'M', 'A', 'N', 4, 5, 'h', 'e', 'l', 'l', 'o',
        0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,       /* version 0.1.0 */
        0, 0, 0, 0, 0,                           /* description, author, dependencies */
        0, 0,                                    /* clearnet, mesh */
        0xa0, 0x86, 0x01, 0, 0, 0, 0, 0,         /* cpu 100000 us */
        0, 0, 0x10, 0, 0, 0, 0, 0,               /* memory 1 MiB */
        1, 0, 0, 0, 64, 0, 0, 0,                 /* threads 1, capabilities 64 */
        0, 0, 0, 0, 0, 0,                        /* ipc, provides, devices, vault,
                                                    supervisor, restart */
    };
    static struct manifest m;
    uint8_t enc[CANONICAL_MANIFEST_MAX];
    struct byte_buffer b = { enc, 0, sizeof enc };
    enum capsule_error err = compile("name = \"hello\"\nversion = \"0.1.0\"\n[policy.limits]\n"
                                     "cpu = \"100ms\"\nmemory = \"1MiB\"\n", &m, NULL);
    if (err == CAPSULE_OK)
        err = canonical_encode(&m, &b);
    test_check(err == CAPSULE_OK && b.len == sizeof golden && memcmp(enc, golden, b.len) == 0,
               "capsule canonical: the documented %zu-byte example encodes byte for byte (%s)",
               sizeof golden, capsule_error_name(err));
}

/* The largest manifest: every list full, every string at its limit. Its
 * size is the figure docs/capsule-format.md section 8 gives. */
static void test_largest_manifest(void)
{
    static struct manifest m;
    static uint8_t enc[CANONICAL_MANIFEST_MAX];
    struct byte_buffer b = { enc, 0, sizeof enc };
    manifest_init(&m);
    m.name.len = MANIFEST_NAME_MAX;
    memset(m.name.text, 'n', MANIFEST_NAME_MAX);
    m.version = (struct semver){ 1, 0, 0 };
    m.description_len = MANIFEST_DESCRIPTION_MAX;
    memset(m.description, 'd', MANIFEST_DESCRIPTION_MAX);
    m.author_len = MANIFEST_AUTHOR_MAX;
    memset(m.author, 'a', MANIFEST_AUTHOR_MAX);
    struct manifest_name *lists[3] = { m.ipc, m.provides, m.devices };
    for (size_t i = 0; i < MANIFEST_LIST_MAX; i++) {
        struct manifest_name name = { MANIFEST_NAME_MAX, "" };
        memset(name.text, 'a', MANIFEST_NAME_MAX);
        name.text[MANIFEST_NAME_MAX - 2] = (char)('a' + i / 26);
        name.text[MANIFEST_NAME_MAX - 1] = (char)('a' + i % 26);
        for (size_t l = 0; l < 3; l++)
            lists[l][i] = name;
        struct manifest_dependency *d = &m.dependencies[i];
        memset(d, 0, sizeof *d);
        d->name = name;
        d->requirement = (struct semver_range){ { 1, 0, 0 }, true, { 2, 0, 0 } };
        d->pinned = d->author_bound = true;
    }
    m.ipc_count = m.provides_count = m.device_count = m.dependency_count = MANIFEST_LIST_MAX;
    enum capsule_error err = canonical_encode(&m, &b);
    test_check(err == CAPSULE_OK && b.len == 11735,
               "capsule canonical: the largest manifest encodes in %zu bytes "
               "(11735 documented) (%s)", b.len, capsule_error_name(err));
}

int main(void)
{
    test_error_table();
    test_brief_example();
    test_toml_features();
    test_semver();
    test_canonical_roundtrip();
    test_capsule_open();
    test_bundle_prepared_key();
    test_bundle_prepared_slots_full();
    test_trust();
    test_trust_hybrid();
    test_author_encoding();
    test_resolve();
    test_text_rules();
    test_toml_trailing_spaces();
    test_old_versions();
    test_hash_layout();
    test_canonical_golden();
    test_largest_manifest();
    return test_finish();
}
