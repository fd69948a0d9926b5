/* The malformed-input corpus: every case must be refused with exactly the
 * error written in tests/corpus/capsule/expected.
 *
 * Two kinds of cases. toml/NAME.toml files are compiled as capsule.toml;
 * their expectation also names the line and the key. Every other case is
 * generated here, deterministically, from the fixtures (fixed test keys, a
 * fixed payload): tampered .mod files, bad payload ELFs, bad proofs,
 * non-canonical manifest bytes (built by an independent writer, not by the
 * library's encoder), and trust-store and dependency scenarios. A case in
 * the file without a generator, or a generator without a line in the file,
 * is a failure too.
 *
 * usage: corpus [--write DIR]   (--write also saves each generated binary
 * case as a fuzzing seed under DIR/{container,canonical,bundle}) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/endian.h"
#include "capsule/bundle.h"
#include "capsule/canonical.h"
#include "capsule/capsule.h"
#include "capsule/hash.h"
#include "capsule/trust.h"
#include "crypto/ed25519.h"
#include "crypto/mldsa65.h"
#include "crypto/sha256.h"
#include "fixture.h"
#include "tests/host/test.h"

#define CORPUS_DIR "tests/corpus/capsule"
#define CASES_MAX 512
/* Offset of section table entry i in a .mod. */
#define E(i) (MOD_HEADER_SIZE + (i) * MOD_SECTION_ENTRY_SIZE)

/* ---- a writer of raw canonical manifest bytes, independent of canonical.c */

struct raw {
    uint8_t data[CANONICAL_MANIFEST_MAX * 2];
    size_t len;
};

static void raw_bytes(struct raw *r, const void *p, size_t n)
{
    memcpy(r->data + r->len, p, n);
    r->len += n;
}

static void raw_u8(struct raw *r, uint8_t v) { raw_bytes(r, &v, 1); }

static void raw_u16(struct raw *r, uint16_t v)
{
    uint8_t b[2];
    store16_le(b, v);
    raw_bytes(r, b, 2);
}

static void raw_u32(struct raw *r, uint32_t v)
{
    uint8_t b[4];
    store32_le(b, v);
    raw_bytes(r, b, 4);
}

static void raw_u64(struct raw *r, uint64_t v)
{
    uint8_t b[8];
    store64_le(b, v);
    raw_bytes(r, b, 8);
}

static void raw_name(struct raw *r, const char *s)
{
    raw_u8(r, (uint8_t)strlen(s));
    raw_bytes(r, s, strlen(s));
}

static void raw_version(struct raw *r, uint32_t a, uint32_t b, uint32_t c)
{
    raw_u32(r, a);
    raw_u32(r, b);
    raw_u32(r, c);
}

/* Knobs for the reference manifest; zero values give the valid one. */
struct raw_options {
    const char *magic;
    uint8_t encoding;
    const char *name;
    uint32_t major;
    const char *description;
    uint16_t description_len;  /* overrides the length prefix when nonzero */
    const char *dep0, *dep1;   /* dependency names, in that order */
    uint32_t upper_major;      /* of dep1's range */
    uint32_t lower_major;      /* of dep1's range */
    uint8_t pinned;            /* byte written for dep0's pinned flag */
    uint8_t author1;           /* byte written for dep1's author flag (0: 1) */
    bool unbind1;              /* dep1 neither pinned nor author-bound */
    const char *author;        /* the author display text */
    uint8_t dep_count;         /* overrides the count when nonzero */
    uint8_t mesh;
    uint64_t cpu, memory;
    uint32_t threads;
    uint32_t capabilities;     /* capability slots */
    const char *ipc0, *ipc1;
    uint8_t ipc_count;
    const char *provides0, *provides1;
    uint8_t provides_count;
    uint8_t supervisor, restart; /* bytes written, 0: the defaults below */
    bool format2;              /* encoding 2: without the format 3 fields */
    int trailing;
};

static void raw_manifest(struct raw *r, const struct raw_options *o)
{
    r->len = 0;
    raw_bytes(r, o->magic ? o->magic : "NMAN", 4);
    raw_u8(r, o->encoding ? o->encoding : o->format2 ? 2 : CANONICAL_ENCODING_VERSION);
    raw_name(r, o->name ? o->name : "app");
    raw_version(r, o->major ? o->major : 1, 2, 3);
    const char *d = o->description ? o->description : "demo";
    raw_u16(r, o->description_len ? o->description_len : (uint16_t)strlen(d));
    raw_bytes(r, d, strlen(d));
    const char *a = o->author ? o->author : "";
    raw_u16(r, (uint16_t)strlen(a));
    raw_bytes(r, a, strlen(a));
    raw_u8(r, o->dep_count ? o->dep_count : 2);
    raw_name(r, o->dep0 ? o->dep0 : "base");
    raw_version(r, 1, 0, 0);
    raw_u8(r, 0); /* unbounded */
    raw_u8(r, o->pinned ? o->pinned : 1);
    for (int i = 0; i < 32; i++)
        raw_u8(r, (uint8_t)i);
    raw_u8(r, 0); /* dep0: no author binding (pinned is enough) */
    raw_name(r, o->dep1 ? o->dep1 : "crypto");
    raw_version(r, o->lower_major ? o->lower_major : 1, 0, 0);
    raw_u8(r, 1);
    raw_version(r, o->upper_major ? o->upper_major : 2, 0, 0);
    raw_u8(r, 0); /* not pinned */
    raw_u8(r, o->unbind1 ? 0 : o->author1 ? o->author1 : 1);
    for (int i = 0; !o->unbind1 && i < 32; i++)
        raw_u8(r, (uint8_t)(0xA0 + i)); /* the author's fingerprint */
    raw_u8(r, 0); /* clearnet */
    raw_u8(r, o->mesh ? o->mesh : 1);
    raw_u64(r, o->cpu ? o->cpu : 500000);
    raw_u64(r, o->memory ? o->memory : 16u << 20);
    raw_u32(r, o->threads ? o->threads : 2);
    if (!o->format2)
        raw_u32(r, o->capabilities ? o->capabilities : 128);
    raw_u8(r, o->ipc_count ? o->ipc_count : 2);
    raw_name(r, o->ipc0 ? o->ipc0 : "nonos.log");
    raw_name(r, o->ipc1 ? o->ipc1 : "nonos.vault");
    if (!o->format2) {
        raw_u8(r, o->provides_count ? o->provides_count : 2);
        raw_name(r, o->provides0 ? o->provides0 : "app.api");
        raw_name(r, o->provides1 ? o->provides1 : "app.events");
    }
    raw_u8(r, 0); /* devices */
    raw_u8(r, 0); /* vault */
    if (!o->format2) {
        raw_u8(r, o->supervisor ? o->supervisor : 1); /* read */
        raw_u8(r, o->restart ? o->restart : 1);       /* on-failure */
    }
    for (int i = 0; i < o->trailing; i++)
        raw_u8(r, 0);
}

static void save_seed(const char *kind, const uint8_t *data, size_t len);

static enum capsule_error decode_raw(const struct raw_options *o)
{
    static struct raw r;
    static struct manifest m;
    raw_manifest(&r, o);
    save_seed("canonical", r.data, r.len);
    return canonical_decode(bytes_make(r.data, r.len), &m);
}

/* ---- generated cases ---------------------------------------------------- */

static uint8_t base_mod[FIXTURE_MOD_MAX];
static size_t base_len;
static uint8_t work[FIXTURE_MOD_MAX + 3 * 4096 + 64]; /* room for the multi-page ELF cases */
static const char *write_dir;
static const char *current_case;

static void save_seed(const char *kind, const uint8_t *data, size_t len)
{
    if (write_dir == NULL)
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", write_dir, kind);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/", write_dir, kind);
    size_t at = strlen(path);
    for (const char *s = current_case; *s != '\0' && at + 1 < sizeof path; s++)
        path[at++] = *s == '/' ? '_' : *s;
    path[at] = '\0';
    FILE *f = fopen(path, "wb");
    if (f != NULL) {
        fwrite(data, 1, len, f);
        fclose(f);
    }
}

/* The boot bundle verifies a registered hybrid author's capsules with a
 * key prepared once (bundle.c): every refused case must get the same
 * verdict that way. The case goes second in a bundle of the 0x42 hybrid
 * author whose first capsule is the valid base one, which prepares the key.
 * Returns the bundle's verdict for the case, or CAPSULE_ERR_COUNT (with a
 * message) when the key was not prepared by then. */
static enum capsule_error bundle_verdict_after_base(size_t len)
{
    static struct bundle_work scratch;
    static struct bundle_report result;
    static uint8_t bytes[2 * FIXTURE_MOD_MAX + 4096];
    static struct author_key author;
    fixture_author(0x42, true, &author);
    struct bytes mods[2] = { bytes_make(base_mod, base_len), bytes_make(work, len) };
    struct byte_buffer out = { bytes, 0, sizeof bytes };
    if (bundle_write(&author, 1, mods, 2, &out) != CAPSULE_OK ||
        bundle_verify(bytes_make(bytes, out.len), &scratch, &result) != CAPSULE_OK ||
        result.entries[0].verdict != CAPSULE_OK || scratch.prepared_for[0] == NULL) {
        fprintf(stderr, "corpus: %s: the bundle did not verify its base capsule with a "
                        "prepared key\n", current_case);
        return CAPSULE_ERR_COUNT;
    }
    return result.entries[1].verdict;
}

static enum capsule_error open_work(size_t len)
{
    static struct capsule c;
    save_seed("container", work, len);
    enum capsule_error err = capsule_open(bytes_make(work, len), &c);
    if (err == CAPSULE_OK || len > FIXTURE_MOD_MAX)
        return err;
    enum capsule_error in_bundle = bundle_verdict_after_base(len);
    if (in_bundle != err) {
        fprintf(stderr, "corpus: %s: capsule_open says %s, the bundle (prepared key) says %s\n",
                current_case, capsule_error_name(err), capsule_error_name(in_bundle));
        return CAPSULE_ERR_COUNT;
    }
    return err;
}

static void set_le(uint8_t *p, unsigned width, uint64_t v)
{
    for (unsigned i = 0; i < width; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static size_t section_offset(size_t section)
{
    return (size_t)load64_le(base_mod + MOD_HEADER_SIZE + section * MOD_SECTION_ENTRY_SIZE + 8);
}

static void rehash(size_t section, size_t len)
{
    uint8_t *e = work + MOD_HEADER_SIZE + section * MOD_SECTION_ENTRY_SIZE;
    size_t off = (size_t)load64_le(e + 8), n = (size_t)load64_le(e + 16);
    if (off + n <= len)
        capsule_hash(work + off, n, e + 24);
}

/* A patch of the base .mod: `width` bytes at `offset` (relative to section
 * `section`, or to the file when section < 0) set to value (or XORed). */
struct mod_patch {
    int section;
    size_t offset;
    unsigned width;
    uint64_t value;
    bool xor_bits;
    long delta;   /* change of the file length (appends zeros / truncates) */
    bool rehash;  /* repair the section hash afterwards */
};

static enum capsule_error run_mod_patch(const struct mod_patch *p)
{
    memcpy(work, base_mod, base_len);
    size_t len = (size_t)((long)base_len + p->delta);
    if (p->delta > 0)
        memset(work + base_len, 0, (size_t)p->delta);
    size_t at = p->offset + (p->section >= 0 ? section_offset((size_t)p->section) : 0);
    if (p->width > 0) {
        if (p->xor_bits)
            work[at] ^= (uint8_t)p->value;
        else
            set_le(work + at, p->width, p->value);
    }
    if (p->rehash && p->section >= 0) {
        if (p->delta != 0) { /* the proof is last: its length follows the file */
            uint8_t *e = work + MOD_HEADER_SIZE + 2 * MOD_SECTION_ENTRY_SIZE;
            store64_le(e + 16, load64_le(e + 16) + (uint64_t)p->delta);
        }
        rehash((size_t)p->section, len);
    }
    return open_work(len);
}

/* Wraps an arbitrary payload with a valid manifest and a valid hybrid
 * signature by the test key, skipping capsule_assemble's own payload check. */
static enum capsule_error open_signed(const uint8_t *payload, size_t payload_len,
                                      struct bytes manifest, uint16_t proof_version)
{
    static struct proof_signer signer;
    uint8_t mh[32], ph[32], id[32];
    static uint8_t proof[PROOF_HYBRID_SECTION_SIZE];
    size_t proof_len;
    fixture_signer(0x42, true, &signer);
    capsule_hash(manifest.data, manifest.len, mh);
    capsule_hash(payload, payload_len, ph);
    if (proof_sign(proof_version, mh, ph, &signer, proof, &proof_len, id) != CAPSULE_OK)
        return CAPSULE_ERR_COUNT;
    struct byte_buffer out = { work, 0, sizeof work };
    if (container_write(manifest, bytes_make(payload, payload_len),
                        bytes_make(proof, proof_len), &out) != CAPSULE_OK)
        return CAPSULE_ERR_COUNT;
    return open_work(out.len);
}

static struct bytes base_manifest(void)
{
    return bytes_make(base_mod + section_offset(0), section_offset(1) - section_offset(0));
}

static struct bytes base_payload(void)
{
    return bytes_make(base_mod + section_offset(1), section_offset(2) - section_offset(1));
}

/* The proof sections of the base capsule, by record: Ed25519 (offset 2,
 * 104 bytes) then ML-DSA-65 (offset 106, 5267 bytes). */
#define ED_RECORD 2
#define ED_RECORD_SIZE (6 + PROOF_ED25519_KEY_SIZE + PROOF_ED25519_SIGNATURE_SIZE)
#define ML_RECORD (ED_RECORD + ED_RECORD_SIZE)
#define ML_RECORD_SIZE (6 + PROOF_MLDSA65_KEY_SIZE + PROOF_MLDSA65_SIGNATURE_SIZE)
#define ML_SIGNATURE (ML_RECORD + 6 + PROOF_MLDSA65_KEY_SIZE)
/* ML-DSA-65 signature layout (FIPS 204 sigEncode): c~ 48 bytes, z 5 x 640
 * bytes (20-bit coefficients, stored as gamma1 - z), h: 55 index bytes then
 * 6 cumulative counts. */
#define ML_Z (ML_SIGNATURE + 48)
#define ML_HINT (ML_Z + 5 * 640)
#define ML_OMEGA 55

/* The proof digest as formats 1 to 3 defined it, written here from that
 * definition (not lib/capsule's code, which no longer has it): SHA-256 of
 * "NONOS-CAPSULE-PROOF-v1" || 0x00 || u16 format version || manifest hash
 * || payload hash || u16 signer count || per signer u16 algorithm || u16 key
 * length || key. */
static void old_proof_digest(uint16_t version, const uint8_t mh[32], const uint8_t ph[32],
                             const struct proof *p, uint8_t out[32])
{
    static const uint8_t domain[] = "NONOS-CAPSULE-PROOF-v1";
    uint8_t b[2];
    struct sha256_state st;
    sha256_init(&st);
    sha256_update(&st, domain, sizeof domain);
    store16_le(b, version);
    sha256_update(&st, b, 2);
    sha256_update(&st, mh, 32);
    sha256_update(&st, ph, 32);
    store16_le(b, (uint16_t)p->count);
    sha256_update(&st, b, 2);
    for (size_t i = 0; i < p->count; i++) {
        store16_le(b, p->signatures[i].algorithm);
        sha256_update(&st, b, 2);
        store16_le(b, (uint16_t)p->signatures[i].public_key.len);
        sha256_update(&st, b, 2);
        sha256_update(&st, p->signatures[i].public_key.data, p->signatures[i].public_key.len);
    }
    sha256_final(&st, out);
}

/* Signs a hybrid proof section (the test key 0x42's, as proof_sign laid it
 * out) over digest again, both signatures. */
static bool proof_resign(uint8_t *proof, const uint8_t digest[32])
{
    static struct proof_signer signer;
    struct ed25519_secret_key key;
    fixture_signer(0x42, true, &signer);
    ed25519_key_from_seed(&key, signer.ed25519_secret);
    return ed25519_sign(proof + ED_RECORD + 6 + PROOF_ED25519_KEY_SIZE, digest, 32, &key) ==
               CRYPTO_OK &&
           mldsa65_sign(proof + ML_SIGNATURE, digest, 32,
                        (const uint8_t *)PROOF_MLDSA65_CONTEXT,
                        strlen(PROOF_MLDSA65_CONTEXT), signer.mldsa65_seed, NULL) == CRYPTO_OK;
}

/* Sets every section hash of the .mod in work[0..len) with SHA-256 (the
 * hash of formats 1 to 3). */
static void rehash_sha256(size_t len)
{
    for (size_t i = 0; i < MOD_SECTION_COUNT; i++) {
        uint8_t *e = work + MOD_HEADER_SIZE + i * MOD_SECTION_ENTRY_SIZE;
        size_t off = (size_t)load64_le(e + 8), n = (size_t)load64_le(e + 16);
        if (off + n <= len)
            sha256(work + off, n, e + 24);
    }
}

/* A capsule into work as a format `version` tool (2 or 3) wrote it, hybrid,
 * by the test key: manifest encoding 2 (without the format 3 fields) when
 * format2, else 3 (format 4's layout); SHA-256 section hashes; both
 * signatures over the old digest for `version`. Returns its length (0:
 * could not be built). */
static size_t write_old_capsule(uint16_t version, bool format2)
{
    static struct raw r;
    const struct raw_options o = { .format2 = format2, .encoding = format2 ? 2 : 3 };
    static struct proof_signer signer;
    static uint8_t proof[PROOF_HYBRID_SECTION_SIZE];
    uint8_t elf[FIXTURE_ELF_MAX], mh[32], ph[32], id[32];
    size_t elf_len = fixture_elf(elf), proof_len;
    struct proof parsed;
    raw_manifest(&r, &o);
    fixture_signer(0x42, true, &signer);
    sha256(r.data, r.len, mh);
    sha256(elf, elf_len, ph);
    if (proof_sign(version, mh, ph, &signer, proof, &proof_len, id) != CAPSULE_OK ||
        proof_parse(bytes_make(proof, proof_len), &parsed) != CAPSULE_OK)
        return 0;
    old_proof_digest(version, mh, ph, &parsed, id);
    struct byte_buffer out = { work, 0, sizeof work };
    if (!proof_resign(proof, id) ||
        container_write(bytes_make(r.data, r.len), bytes_make(elf, elf_len),
                        bytes_make(proof, proof_len), &out) != CAPSULE_OK)
        return 0;
    store16_le(work + 8, version);
    rehash_sha256(out.len);
    return out.len;
}

/* An old capsule with its header relabelled `header` (0: kept), and its
 * section hashes redone with the format's hash when rehash. */
static enum capsule_error open_old(uint16_t version, bool format2, uint16_t header,
                                   bool rehash_sections)
{
    size_t len = write_old_capsule(version, format2);
    if (len == 0)
        return CAPSULE_ERR_COUNT;
    if (header != 0)
        store16_le(work + 8, header);
    for (size_t i = 0; rehash_sections && i < MOD_SECTION_COUNT; i++)
        rehash(i, len);
    return open_work(len);
}

static enum capsule_error case_mod_format_2_capsule(void) { return open_old(2, true, 0, false); }
static enum capsule_error case_mod_format_3_capsule(void) { return open_old(3, false, 0, false); }

/* A format 3 capsule whose header says 4: its SHA-256 section hashes are
 * not BLAKE2b's. */
static enum capsule_error case_mod_format_3_relabelled(void)
{
    return open_old(3, false, MOD_FORMAT_VERSION, false);
}

/* ... and with the section hashes redone in BLAKE2b: its manifest is
 * encoding 3, whose ids are SHA-256 ones (and its signatures are over the
 * format 3 digest), so only its author can make it a format 4 capsule, by
 * building and signing it again. */
static enum capsule_error case_mod_format_3_rehashed(void)
{
    return open_old(3, false, MOD_FORMAT_VERSION, true);
}

/* A format 2 manifest (encoding 2) in a capsule otherwise of today's
 * format, signed for it. */
static enum capsule_error case_mod_format_2_manifest(void)
{
    static struct raw r;
    static const struct raw_options o = { .format2 = true };
    uint8_t elf[FIXTURE_ELF_MAX];
    size_t elf_len = fixture_elf(elf);
    raw_manifest(&r, &o);
    return open_signed(elf, elf_len, bytes_make(r.data, r.len), MOD_FORMAT_VERSION);
}

/* The base capsule's manifest and payload with another proof section. */
static enum capsule_error open_with_proof(const uint8_t *proof, size_t len)
{
    static uint8_t copy[PROOF_HYBRID_SECTION_SIZE * 2];
    memcpy(copy, proof, len); /* proof may point into work */
    struct byte_buffer out = { work, 0, sizeof work };
    if (container_write(base_manifest(), base_payload(), bytes_make(copy, len), &out) !=
        CAPSULE_OK)
        return CAPSULE_ERR_COUNT;
    return open_work(out.len);
}

struct elf_patch {
    size_t offset;
    unsigned width;
    uint64_t value;
    long delta;
};

static enum capsule_error run_elf_patch(const struct elf_patch *p)
{
    uint8_t elf[FIXTURE_ELF_MAX];
    size_t len = fixture_elf(elf);
    set_le(elf + p->offset, p->width, p->value);
    len = (size_t)((long)len + p->delta);
    return open_signed(elf, len, base_manifest(), MOD_FORMAT_VERSION);
}

/* Case functions for what a patch cannot express. */

static enum capsule_error case_mod_empty(void)
{
    return open_work(0);
}

static enum capsule_error case_mod_header_only(void)
{
    memcpy(work, base_mod, MOD_HEADER_SIZE);
    return open_work(MOD_HEADER_SIZE);
}

static enum capsule_error case_mod_table_truncated(void)
{
    memcpy(work, base_mod, MOD_TABLE_END - 1);
    return open_work(MOD_TABLE_END - 1);
}

static enum capsule_error case_mod_types_swapped(void)
{
    memcpy(work, base_mod, base_len);
    store32_le(work + MOD_HEADER_SIZE, 2);
    store32_le(work + MOD_HEADER_SIZE + MOD_SECTION_ENTRY_SIZE, 1);
    return open_work(base_len);
}

static enum capsule_error case_mod_sections_swapped(void)
{
    /* payload first, manifest second: types out of order */
    static struct capsule c;
    uint8_t elf[FIXTURE_ELF_MAX];
    size_t elf_len = fixture_elf(elf);
    struct bytes m = base_manifest();
    struct byte_buffer out = { work, 0, sizeof work };
    uint8_t proof[PROOF_ED25519_SECTION_SIZE] = { 0 };
    container_write(bytes_make(elf, elf_len), m, bytes_make(proof, sizeof proof), &out);
    (void)c;
    return open_work(out.len);
}

static enum capsule_error case_mod_other_capsule_payload(void)
{
    /* payload section of a different (validly signed) capsule, hash fixed */
    uint8_t elf[FIXTURE_ELF_MAX];
    fixture_elf(elf);
    memcpy(work, base_mod, base_len);
    size_t off = section_offset(1);
    work[off + 121] ^= 0x01; /* second byte of the code: `pause` -> other insn */
    rehash(1, base_len);
    return open_work(base_len);
}

static enum capsule_error case_proof_other_key(void)
{
    /* the key of author 0x43 with the signature of author 0x42 */
    uint8_t pk[32], sk[64];
    fixture_key(0x43, pk, sk);
    memcpy(work, base_mod, base_len);
    memcpy(work + section_offset(2) + 8, pk, 32);
    rehash(2, base_len);
    return open_work(base_len);
}

static enum capsule_error case_proof_resigned_other_manifest(void)
{
    /* a valid signature, but over a different manifest than the one shipped */
    static struct manifest m;
    static uint8_t other[FIXTURE_MOD_MAX];
    fixture_manifest(&m, "hello", "1.0.1");
    size_t len = fixture_capsule(&m, 0x42, other, NULL);
    size_t proof_other = (size_t)load64_le(other + MOD_HEADER_SIZE + 2 * MOD_SECTION_ENTRY_SIZE + 8);
    memcpy(work, base_mod, base_len);
    memcpy(work + section_offset(2), other + proof_other, len - proof_other);
    rehash(2, base_len);
    return open_work(base_len);
}

static enum capsule_error case_proof_format_version(void)
{
    uint8_t elf[FIXTURE_ELF_MAX];
    size_t len = fixture_elf(elf);
    return open_signed(elf, len, base_manifest(), 1);
}

static enum capsule_error case_proof_format_version_2(void)
{
    uint8_t elf[FIXTURE_ELF_MAX];
    size_t len = fixture_elf(elf);
    return open_signed(elf, len, base_manifest(), 2);
}

static enum capsule_error case_proof_format_version_3(void)
{
    uint8_t elf[FIXTURE_ELF_MAX];
    size_t len = fixture_elf(elf);
    return open_signed(elf, len, base_manifest(), 3);
}

static enum capsule_error case_proof_s_plus_l(void)
{
    /* S + L: the same scalar, not canonical (malleability) */
    static const uint8_t l[32] = {
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
        0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    };
    memcpy(work, base_mod, base_len);
    uint8_t *s = work + section_offset(2) + 8 + 32 + 32;
    unsigned carry = 0;
    for (int i = 0; i < 32; i++) {
        unsigned v = s[i] + l[i] + carry;
        s[i] = (uint8_t)v;
        carry = v >> 8;
    }
    rehash(2, base_len);
    return open_work(base_len);
}

static enum capsule_error case_proof_small_order_key(void)
{
    memcpy(work, base_mod, base_len);
    uint8_t *pk = work + section_offset(2) + 8;
    memset(pk, 0, 32);
    pk[0] = 1; /* the neutral element */
    rehash(2, base_len);
    return open_work(base_len);
}

static const uint8_t *base_proof(void)
{
    return base_mod + section_offset(2);
}

/* A proof of the records given (each a copy of the base proof's Ed25519
 * ('e') or ML-DSA-65 ('m') record), count = their number. */
static enum capsule_error proof_of_records(const char *records)
{
    static uint8_t proof[PROOF_HYBRID_SECTION_SIZE * 2];
    size_t len = 2, n = strlen(records);
    store16_le(proof, (uint16_t)n);
    for (size_t i = 0; i < n; i++) {
        bool ed = records[i] == 'e';
        size_t at = ed ? ED_RECORD : ML_RECORD, size = ed ? ED_RECORD_SIZE : ML_RECORD_SIZE;
        memcpy(proof + len, base_proof() + at, size);
        len += size;
    }
    return open_with_proof(proof, len);
}

static enum capsule_error case_proof_two_ed25519(void) { return proof_of_records("ee"); }
static enum capsule_error hybrid_mldsa_first(void) { return proof_of_records("me"); }
static enum capsule_error hybrid_mldsa_only(void) { return proof_of_records("m"); }
static enum capsule_error hybrid_mldsa_twice(void) { return proof_of_records("emm"); }
static enum capsule_error hybrid_mldsa_removed_count_1(void) { return proof_of_records("e"); }

static enum capsule_error hybrid_mldsa_removed_count_2(void)
{
    static uint8_t proof[2 + ED_RECORD_SIZE];
    memcpy(proof, base_proof(), sizeof proof); /* count still says 2 */
    return open_with_proof(proof, sizeof proof);
}

/* A hybrid proof signed by hand over the base capsule. */
struct proof_build {
    uint8_t ml_key_tag;      /* whose ML-DSA-65 public key is in the proof */
    uint8_t ml_sign_tag;     /* whose ML-DSA-65 seed signs */
    bool ml_other_digest;    /* ML-DSA-65 signs the digest for format version 1 */
    bool ml_no_context;      /* ML-DSA-65 signs with an empty context */
};

static enum capsule_error build_proof(const struct proof_build *b)
{
    static struct proof_signer ed, ml_key, ml_sign;
    static uint8_t proof[PROOF_HYBRID_SECTION_SIZE];
    uint8_t digest[32], other[32];
    fixture_signer(0x42, true, &ed);
    fixture_signer(b->ml_key_tag, true, &ml_key);
    fixture_signer(b->ml_sign_tag, true, &ml_sign);
    memcpy(proof, base_proof(), sizeof proof);
    memcpy(proof + ML_RECORD + 6, ml_key.mldsa65_public, PROOF_MLDSA65_KEY_SIZE);
    struct proof parsed;
    if (proof_parse(bytes_make(proof, sizeof proof), &parsed) != CAPSULE_OK)
        return CAPSULE_ERR_COUNT;
    const uint8_t *mh = base_mod + E(0) + 24, *ph = base_mod + E(1) + 24;
    proof_digest(MOD_FORMAT_VERSION, mh, ph, &parsed, digest);
    proof_digest(1, mh, ph, &parsed, other);
    struct ed25519_secret_key ed_key;
    ed25519_key_from_seed(&ed_key, ed.ed25519_secret);
    if (ed25519_sign(proof + ED_RECORD + 6 + 32, digest, 32, &ed_key) != CRYPTO_OK)
        return CAPSULE_ERR_COUNT;
    const char *context = b->ml_no_context ? "" : PROOF_MLDSA65_CONTEXT;
    if (mldsa65_sign(proof + ML_SIGNATURE, b->ml_other_digest ? other : digest, 32,
                     (const uint8_t *)context, strlen(context), ml_sign.mldsa65_seed,
                     NULL) != CRYPTO_OK)
        return CAPSULE_ERR_COUNT;
    return open_with_proof(proof, sizeof proof);
}

#define BUILD(fn, ...)                                               \
    static enum capsule_error fn(void)                               \
    {                                                                \
        static const struct proof_build b = { __VA_ARGS__ };         \
        return build_proof(&b);                                      \
    }

BUILD(hybrid_rebuilt_valid, .ml_key_tag = 0x42, .ml_sign_tag = 0x42)
BUILD(hybrid_mldsa_signed_by_other_key, .ml_key_tag = 0x42, .ml_sign_tag = 0x43)
BUILD(hybrid_mldsa_over_other_digest, .ml_key_tag = 0x42, .ml_sign_tag = 0x42,
      .ml_other_digest = true)
BUILD(hybrid_mldsa_without_context, .ml_key_tag = 0x42, .ml_sign_tag = 0x42,
      .ml_no_context = true)
BUILD(hybrid_mldsa_key_swapped_ed25519_resigned, .ml_key_tag = 0x43, .ml_sign_tag = 0x42)

/* The base proof with a change to its ML-DSA-65 signature's bytes (the
 * signature bytes are not in the digest: Ed25519 still verifies). */
static uint8_t patched[PROOF_HYBRID_SECTION_SIZE];

static void patch_begin(void)
{
    memcpy(patched, base_proof(), sizeof patched);
}

static enum capsule_error hybrid_hint_out_of_order(void)
{
    patch_begin();
    uint8_t *h = patched + ML_HINT;
    for (size_t i = 0, start = 0; i < 6; start = h[ML_OMEGA + i], i++) {
        if (h[ML_OMEGA + i] >= start + 2) {
            uint8_t t = h[start];
            h[start] = h[start + 1];
            h[start + 1] = t;
            return open_with_proof(patched, sizeof patched);
        }
    }
    return CAPSULE_ERR_COUNT; /* no polynomial with two hints: no case */
}

static enum capsule_error hybrid_hint_repeated(void)
{
    patch_begin();
    uint8_t *h = patched + ML_HINT;
    for (size_t i = 0, start = 0; i < 6; start = h[ML_OMEGA + i], i++) {
        if (h[ML_OMEGA + i] >= start + 2) {
            h[start + 1] = h[start];
            return open_with_proof(patched, sizeof patched);
        }
    }
    return CAPSULE_ERR_COUNT;
}

static enum capsule_error hybrid_hint_count_above_omega(void)
{
    patch_begin();
    patched[ML_HINT + ML_OMEGA + 5] = ML_OMEGA + 1;
    return open_with_proof(patched, sizeof patched);
}

static enum capsule_error hybrid_hint_padding_nonzero(void)
{
    patch_begin();
    if (patched[ML_HINT + ML_OMEGA + 5] >= ML_OMEGA)
        return CAPSULE_ERR_COUNT;
    patched[ML_HINT + ML_OMEGA - 1] = 1;
    return open_with_proof(patched, sizeof patched);
}

static enum capsule_error hybrid_z_out_of_range(void)
{
    patch_begin();
    /* first coefficient of z stored as 0: z = gamma1 = 2^19 >= gamma1 - beta */
    patched[ML_Z] = 0;
    patched[ML_Z + 1] = 0;
    patched[ML_Z + 2] &= 0xF0;
    return open_with_proof(patched, sizeof patched);
}

static enum capsule_error hybrid_challenge_bit_flipped(void)
{
    patch_begin();
    patched[ML_SIGNATURE + 5] ^= 0x10;
    return open_with_proof(patched, sizeof patched);
}

static enum capsule_error case_elf_truncated(void)
{
    uint8_t elf[FIXTURE_ELF_MAX];
    fixture_elf(elf);
    return open_signed(elf, 63, base_manifest(), MOD_FORMAT_VERSION);
}

/* Payloads with several program headers: a file of ELF_CASE_PAGES pages
 * with the fixture's code at file offset 120 and at every page start. */
#define ELF_CASE_PAGES 3
#define ELF_BASE 0x400000ull

struct elf_header_spec {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz;
};

static enum capsule_error open_elf_headers(const struct elf_header_spec *specs, size_t count,
                                           uint64_t entry)
{
    static uint8_t elf[ELF_CASE_PAGES * 4096];
    static const uint8_t code[] = { 0xF3, 0x90, 0xEB, 0xFC };
    memset(elf, 0, sizeof elf);
    fixture_elf(elf);
    store64_le(elf + 24, entry);
    store16_le(elf + 56, (uint16_t)count);
    for (size_t i = 0; i < count; i++) {
        uint8_t *ph = elf + 64 + i * 56;
        store32_le(ph, specs[i].type);
        store32_le(ph + 4, specs[i].flags);
        store64_le(ph + 8, specs[i].offset);
        store64_le(ph + 16, specs[i].vaddr);
        store64_le(ph + 24, specs[i].vaddr);
        store64_le(ph + 32, specs[i].filesz);
        store64_le(ph + 40, specs[i].memsz);
        store64_le(ph + 48, 4096);
    }
    memcpy(elf + 64 + count * 56, code, sizeof code);
    for (size_t page = 1; page < ELF_CASE_PAGES; page++)
        memcpy(elf + page * 4096, code, sizeof code);
    return open_signed(elf, sizeof elf, base_manifest(), MOD_FORMAT_VERSION);
}

#define PF_RX 5
#define PF_R 4
#define PF_RW 6
#define PT_GNU_STACK 0x6474e551u

/* The valid shape the others bend: text, rodata, data at three pages. */
static enum capsule_error case_elf_three_segments_valid(void)
{
    const struct elf_header_spec h[] = {
        { 1, PF_RX, 0, ELF_BASE, 4096, 4096 },
        { 1, PF_R, 4096, ELF_BASE + 0x1000, 4096, 4096 },
        { 1, PF_RW, 8192, ELF_BASE + 0x2000, 4096, 8192 },
        { PT_GNU_STACK, PF_RW, 0, 0, 0, 0 },
    };
    return open_elf_headers(h, 4, ELF_BASE + 4 * 56 + 64);
}

/* R+X and R+W in one page: the second starts mid-page. */
static enum capsule_error case_elf_segments_share_page(void)
{
    const struct elf_header_spec h[] = {
        { 1, PF_RX, 0, ELF_BASE, 2048, 2048 },
        { 1, PF_RW, 2048, ELF_BASE + 2048, 2048, 2048 },
    };
    return open_elf_headers(h, 2, ELF_BASE + 2 * 56 + 64);
}

/* The same file page loaded R+X at one address and R+W at another. */
static enum capsule_error case_elf_file_page_writable_and_executable(void)
{
    const struct elf_header_spec h[] = {
        { 1, PF_RX, 0, ELF_BASE, 4096, 4096 },
        { 1, PF_RW, 0, ELF_BASE + 0x100000, 4096, 4096 },
    };
    return open_elf_headers(h, 2, ELF_BASE + 2 * 56 + 64);
}

/* The same file page loaded R+X twice is harmless (neither is writable). */
static enum capsule_error case_elf_file_page_executable_twice_valid(void)
{
    const struct elf_header_spec h[] = {
        { 1, PF_RX, 0, ELF_BASE, 4096, 4096 },
        { 1, PF_R, 0, ELF_BASE + 0x100000, 4096, 4096 },
    };
    return open_elf_headers(h, 2, ELF_BASE + 2 * 56 + 64);
}

/* A segment at 0x1000 (page-aligned, inside the file, but under 4 MiB). */
static enum capsule_error case_elf_segment_below_4mib(void)
{
    const struct elf_header_spec h[] = { { 1, PF_RX, 0, 0x1000, 4096, 4096 } };
    return open_elf_headers(h, 1, 0x1000 + 56 + 64);
}

/* The entry in the zero-filled tail (memsz > filesz) of the text segment. */
static enum capsule_error case_elf_entry_in_zero_fill(void)
{
    const struct elf_header_spec h[] = { { 1, PF_RX, 0, ELF_BASE, 4096, 8192 } };
    return open_elf_headers(h, 1, ELF_BASE + 4096 + 16);
}

/* PT_GNU_STACK with R+W+X: an executable stack. */
static enum capsule_error case_elf_executable_stack(void)
{
    const struct elf_header_spec h[] = {
        { 1, PF_RX, 0, ELF_BASE, 4096, 4096 },
        { PT_GNU_STACK, 7, 0, 0, 0, 0 },
    };
    return open_elf_headers(h, 2, ELF_BASE + 2 * 56 + 64);
}

/* A file offset off the page while the address is on it. */
static enum capsule_error case_elf_offset_not_page_aligned(void)
{
    const struct elf_header_spec h[] = {
        { 1, PF_RX, 0, ELF_BASE, 4096, 4096 },
        { 1, PF_RW, 4096 + 16, ELF_BASE + 0x1000, 64, 64 },
    };
    return open_elf_headers(h, 2, ELF_BASE + 2 * 56 + 64);
}

/* Canonical manifest cases (the raw writer with one knob turned). */
#define CANON(fn, ...)                                      \
    static enum capsule_error fn(void)                      \
    {                                                       \
        static const struct raw_options o = { __VA_ARGS__ }; \
        return decode_raw(&o);                              \
    }

CANON(canon_bad_magic, .magic = "NMAX")
CANON(canon_encoding_1, .encoding = 1)
CANON(canon_encoding_2, .encoding = 2)
CANON(canon_encoding_3, .encoding = 3)
CANON(canon_encoding_5, .encoding = 5)
CANON(canon_format_2_manifest, .format2 = true)
CANON(canon_dep_unbound, .unbind1 = true)
CANON(canon_author_flag_2, .author1 = 2)
CANON(canon_description_c1, .description = "a\xc2\x9b" "b")
CANON(canon_description_bidi_override, .description = "\xe2\x80\xae" "gpj.exe")
CANON(canon_author_bidi_isolate, .author = "Mallory \xe2\x81\xa6")
CANON(canon_author_del, .author = "x\x7f")
CANON(canon_trailing_byte, .trailing = 1)
CANON(canon_name_empty, .name = "")
CANON(canon_name_uppercase, .name = "App")
CANON(canon_name_space, .name = "my app")
CANON(canon_version_max, .major = 0xFFFFFFFFu)
CANON(canon_description_bad_utf8, .description = "caf\xc3")
CANON(canon_description_control, .description = "a\nb")
CANON(canon_description_length_past_end, .description_len = 0xFFFF)
CANON(canon_deps_unsorted, .dep0 = "zeta", .dep1 = "alpha")
CANON(canon_deps_duplicate, .dep0 = "crypto", .dep1 = "crypto")
CANON(canon_dep_self, .dep1 = "app")
CANON(canon_pinned_2, .pinned = 2)
CANON(canon_range_empty, .lower_major = 2, .upper_major = 2)
CANON(canon_range_inverted, .lower_major = 3, .upper_major = 2)
CANON(canon_range_upper_max, .upper_major = 0xFFFFFFFFu)
CANON(canon_dep_count_33, .dep_count = 33)
CANON(canon_dep_count_255, .dep_count = 255)
CANON(canon_dep_count_short, .dep_count = 3)
CANON(canon_bool_2, .mesh = 2)
CANON(canon_bool_ff, .mesh = 0xFF)
CANON(canon_cpu_over_day, .cpu = 86400000001ull)
CANON(canon_cpu_huge, .cpu = UINT64_MAX)
CANON(canon_memory_unaligned, .memory = 16385)
CANON(canon_memory_over_limit, .memory = (64ull << 30) + 4096)
CANON(canon_threads_over_limit, .threads = 1025)
CANON(canon_ipc_unsorted, .ipc0 = "nonos.vault", .ipc1 = "nonos.log")
CANON(canon_ipc_duplicate, .ipc0 = "nonos.log", .ipc1 = "nonos.log")
CANON(canon_ipc_count_33, .ipc_count = 33)
CANON(canon_ipc_bad_name, .ipc0 = ".log")
CANON(canon_capabilities_7, .capabilities = 7)
CANON(canon_capabilities_4097, .capabilities = 4097)
CANON(canon_capabilities_max, .capabilities = UINT32_MAX)
CANON(canon_provides_unsorted, .provides0 = "nonos.names", .provides1 = "nonos.log")
CANON(canon_provides_duplicate, .provides0 = "nonos.log", .provides1 = "nonos.log")
CANON(canon_provides_count_33, .provides_count = 33)
CANON(canon_provides_count_3_for_2, .provides_count = 3)
CANON(canon_provides_bad_name, .provides1 = "Nonos.Names")
CANON(canon_supervisor_3, .supervisor = 3)
CANON(canon_supervisor_ff, .supervisor = 0xFF)
CANON(canon_restart_3, .restart = 3)
CANON(canon_restart_ff, .restart = 0xFF)

static enum capsule_error canon_reference_matches_encoder(void)
{
    /* not an error case: the independent writer and the library encoder
     * must agree byte for byte on the reference manifest */
    static struct raw r;
    static struct manifest m;
    static const struct raw_options o = { 0 };
    raw_manifest(&r, &o);
    enum capsule_error err = canonical_decode(bytes_make(r.data, r.len), &m);
    uint8_t enc[CANONICAL_MANIFEST_MAX];
    struct byte_buffer b = { enc, 0, sizeof enc };
    if (err == CAPSULE_OK)
        err = canonical_encode(&m, &b);
    if (err == CAPSULE_OK && (b.len != r.len || memcmp(enc, r.data, r.len) != 0))
        err = CAPSULE_ERR_COUNT;
    return err;
}

static enum capsule_error canon_every_truncation(void)
{
    static struct raw r;
    static struct manifest m;
    static const struct raw_options o = { 0 };
    raw_manifest(&r, &o);
    for (size_t len = 0; len < r.len; len++) {
        if (canonical_decode(bytes_make(r.data, len), &m) != CAPSULE_ERR_CANON_TRUNCATED)
            return CAPSULE_ERR_COUNT;
    }
    return CAPSULE_ERR_CANON_TRUNCATED;
}

/* Trust-store scenarios: a store trusting key 0x42 has accepted app 1.1.0. */

struct signed_manifest {
    struct manifest m;
    uint8_t id[32];
};

static void make_signed(struct signed_manifest *s, const char *name, const char *version,
                        uint32_t threads, uint8_t tag, bool hybrid)
{
    static uint8_t scratch[FIXTURE_MOD_MAX];
    fixture_manifest(&s->m, name, version);
    s->m.threads = threads;
    fixture_capsule_signed(&s->m, tag, hybrid, scratch, s->id);
}

static struct trust_author store_authors[4];
static struct trust_record store_records[4];

static enum capsule_error trust_scenario(const char *name, const char *version,
                                         uint32_t threads, uint8_t tag, size_t record_cap)
{
    static struct signed_manifest accepted, candidate;
    static struct author_key a;
    struct trust_store store;
    trust_init(&store, store_authors, 4, store_records, record_cap);
    fixture_author(0x42, true, &a);
    trust_add_author(&store, &a);
    make_signed(&accepted, "app", "1.1.0", 1, 0x42, true);
    if (trust_accept(&store, &accepted.m, accepted.id, &a) != CAPSULE_OK)
        return CAPSULE_ERR_COUNT;
    fixture_author(0x43, true, &a);
    if (tag == 0x44)
        trust_add_author(&store, &a); /* a trusted second author */
    make_signed(&candidate, name, version, threads, tag == 0x44 ? 0x43 : tag, true);
    fixture_author(tag == 0x44 ? 0x43 : tag, true, &a);
    return trust_accept(&store, &candidate.m, candidate.id, &a);
}

static enum capsule_error trust_unknown_author(void) { return trust_scenario("app", "1.2.0", 1, 0x43, 4); }
static enum capsule_error trust_rollback(void) { return trust_scenario("app", "1.0.9", 1, 0x42, 4); }
static enum capsule_error trust_rollback_major(void) { return trust_scenario("app", "0.9.0", 1, 0x42, 4); }
static enum capsule_error trust_equivocation(void) { return trust_scenario("app", "1.1.0", 2, 0x42, 4); }
static enum capsule_error trust_author_changed(void) { return trust_scenario("app", "2.0.0", 1, 0x44, 4); }
static enum capsule_error trust_store_full(void) { return trust_scenario("other", "1.0.0", 1, 0x42, 1); }

/* A store that registered `registered` judges a capsule whose proof has
 * the keys `signer` (each built from fixture tags). */
static enum capsule_error trust_keys(const struct author_key *registered,
                                     const struct author_key *signer, bool hybrid_capsule)
{
    static struct signed_manifest candidate;
    struct trust_store store;
    trust_init(&store, store_authors, 4, store_records, 4);
    if (trust_add_author(&store, registered) != CAPSULE_OK)
        return CAPSULE_ERR_COUNT;
    make_signed(&candidate, "app", "1.0.0", 1, 0x42, hybrid_capsule);
    return trust_accept(&store, &candidate.m, candidate.id, signer);
}

/* The author registered hybrid; the capsule's proof carries its Ed25519
 * signature alone (a stripped, re-signed proof: valid as a proof). */
static enum capsule_error trust_downgrade(void)
{
    static struct author_key hybrid, ed_only;
    fixture_author(0x42, true, &hybrid);
    fixture_author(0x42, false, &ed_only);
    return trust_keys(&hybrid, &ed_only, false);
}

/* The capsule's ML-DSA-65 key is not the registered one. */
static enum capsule_error trust_hybrid_other_mldsa(void)
{
    static struct author_key registered, signer, other;
    fixture_author(0x42, true, &registered);
    fixture_author(0x43, true, &other);
    signer = registered;
    memcpy(signer.mldsa65, other.mldsa65, sizeof signer.mldsa65);
    return trust_keys(&registered, &signer, true);
}

/* An author registered Ed25519-only keeps working... */
static enum capsule_error trust_ed25519_only_author(void)
{
    static struct author_key ed_only;
    fixture_author(0x42, false, &ed_only);
    return trust_keys(&ed_only, &ed_only, false);
}

/* ...but a hybrid proof is another key set: another author. */
static enum capsule_error trust_ed25519_only_author_hybrid_capsule(void)
{
    static struct author_key ed_only, hybrid;
    fixture_author(0x42, false, &ed_only);
    fixture_author(0x42, true, &hybrid);
    return trust_keys(&ed_only, &hybrid, true);
}

static enum capsule_error trust_key_conflict(void)
{
    static struct author_key hybrid, ed_only;
    struct trust_store store;
    trust_init(&store, store_authors, 4, store_records, 4);
    fixture_author(0x42, true, &hybrid);
    fixture_author(0x42, false, &ed_only);
    if (trust_add_author(&store, &hybrid) != CAPSULE_OK)
        return CAPSULE_ERR_COUNT;
    return trust_add_author(&store, &ed_only);
}

/* Dependency scenarios over small sets of manifests. */

static void depend(struct manifest *m, const char *name, const char *req, const uint8_t *hash)
{
    struct manifest_dependency *d = &m->dependencies[m->dependency_count++];
    d->name.len = (uint8_t)strlen(name);
    memcpy(d->name.text, name, d->name.len + 1);
    semver_requirement_parse((const uint8_t *)req, strlen(req), &d->requirement);
    d->pinned = hash != NULL;
    if (hash != NULL)
        memcpy(d->hash, hash, 32);
    d->author_bound = true; /* every capsule of a set is by set_author */
    memset(d->author, 0x5A, 32);
}

static struct manifest set[TRUST_RESOLVE_MAX + 1];
static uint8_t set_ids[TRUST_RESOLVE_MAX + 1][32];
static uint8_t set_authors[TRUST_RESOLVE_MAX + 1][32];

static enum capsule_error resolve_set(size_t count)
{
    struct trust_item items[TRUST_RESOLVE_MAX + 1];
    size_t order[TRUST_RESOLVE_MAX + 1];
    struct trust_failure f;
    for (size_t i = 0; i < count; i++) {
        items[i].manifest = &set[i];
        items[i].id = set_ids[i];
        items[i].author = set_authors[i];
    }
    return trust_resolve(items, count, order, &f);
}

static void set_init(size_t count)
{
    static const char *const names[] = { "a", "b", "c", "d" };
    for (size_t i = 0; i < count; i++) {
        char name[8];
        snprintf(name, sizeof name, "%s", i < 4 ? names[i] : "x");
        if (i >= 4)
            snprintf(name, sizeof name, "n%zu", i);
        fixture_manifest(&set[i], name, "1.5.0");
        memset(set_ids[i], (int)i + 1, 32);
        memset(set_authors[i], 0x5A, 32);
    }
}

/* b is by another author than a's dependency on it names. */
static enum capsule_error dep_author(void)
{
    set_init(2);
    depend(&set[0], "b", "^1", NULL);
    set_authors[1][31] ^= 1;
    return resolve_set(2);
}

/* Pinned by hash and bound to the author: both must hold. */
static enum capsule_error dep_hash_right_author_wrong(void)
{
    set_init(2);
    depend(&set[0], "b", "^1", set_ids[1]);
    set_authors[1][0] ^= 1;
    return resolve_set(2);
}

static enum capsule_error dep_missing(void)
{
    set_init(2);
    depend(&set[0], "c", "^1", NULL);
    return resolve_set(2);
}

static enum capsule_error dep_version_too_low(void)
{
    set_init(2);
    depend(&set[0], "b", ">=1.6", NULL);
    return resolve_set(2);
}

static enum capsule_error dep_version_too_high(void)
{
    set_init(2);
    depend(&set[0], "b", "<1.5", NULL);
    return resolve_set(2);
}

static enum capsule_error dep_hash(void)
{
    set_init(2);
    depend(&set[0], "b", "^1", set_ids[0]);
    return resolve_set(2);
}

static enum capsule_error dep_cycle_two(void)
{
    set_init(2);
    depend(&set[0], "b", "^1", NULL);
    depend(&set[1], "a", "^1", NULL);
    return resolve_set(2);
}

static enum capsule_error dep_cycle_three(void)
{
    set_init(4);
    depend(&set[0], "b", "^1", NULL);
    depend(&set[1], "c", "^1", NULL);
    depend(&set[2], "d", "^1", NULL);
    depend(&set[3], "b", "^1", NULL);
    return resolve_set(4);
}

static enum capsule_error dep_duplicate_name(void)
{
    set_init(2);
    fixture_manifest(&set[1], "a", "1.6.0");
    return resolve_set(2);
}

static enum capsule_error dep_too_many(void)
{
    set_init(TRUST_RESOLVE_MAX + 1);
    return resolve_set(TRUST_RESOLVE_MAX + 1);
}

static enum capsule_error dep_diamond_ok(void)
{
    set_init(4);
    depend(&set[0], "b", "^1", NULL);
    depend(&set[0], "c", "^1", set_ids[2]);
    depend(&set[1], "d", "~1.5", NULL);
    depend(&set[2], "d", "=1.5.0", set_ids[3]);
    return resolve_set(4);
}

/* Boot bundle cases: a valid bundle (the test key, the base capsule twice
 * over: the second is a duplicate name) patched like the .mod cases. */

static struct bundle_work bundle_scratch;
static struct bundle_report bundle_result;
static uint8_t bundle_bytes[2 * FIXTURE_MOD_MAX + 256];
static size_t bundle_len;

static void bundle_base(void)
{
    static struct author_key key;
    fixture_author(0x42, true, &key);
    struct bytes mods[1] = { bytes_make(base_mod, base_len) };
    struct byte_buffer out = { bundle_bytes, 0, sizeof bundle_bytes };
    bundle_write(&key, 1, mods, 1, &out);
    bundle_len = out.len;
}

static enum capsule_error bundle_open(size_t len)
{
    save_seed("bundle", bundle_bytes, len);
    return bundle_verify(bytes_make(bundle_bytes, len), &bundle_scratch, &bundle_result);
}

#define BUNDLE_PATCH(fn, offset, width, value, delta)                      \
    static enum capsule_error fn(void)                                    \
    {                                                                     \
        bundle_base();                                                    \
        if ((width) > 0)                                                  \
            set_le(bundle_bytes + (offset), (width), (value));            \
        if ((delta) > 0)                                                  \
            memset(bundle_bytes + bundle_len, 0, (size_t)(delta));        \
        return bundle_open((size_t)((long)bundle_len + (delta)));         \
    }

/* Offsets in the base bundle: the hybrid author's encoding at 16 (count,
 * then Ed25519 algorithm 18, length 20, key 22; ML-DSA-65 algorithm 54,
 * length 56, key 58), the capsule's length at 16 + 1994. */
#define BUNDLE_CAPSULE_LENGTH (BUNDLE_HEADER_SIZE + AUTHOR_ENCODED_MAX)
BUNDLE_PATCH(bundle_bad_magic, 3, 1, 'x', 0)
BUNDLE_PATCH(bundle_version_1, 8, 2, 1, 0)
BUNDLE_PATCH(bundle_version_3, 8, 2, 3, 0)
BUNDLE_PATCH(bundle_author_key_count_3, 16, 2, 3, 0)
BUNDLE_PATCH(bundle_author_key_count_0, 16, 2, 0, 0)
BUNDLE_PATCH(bundle_author_first_key_mldsa, 18, 2, 2, 0)
BUNDLE_PATCH(bundle_author_ed25519_length_33, 20, 2, 33, 0)
BUNDLE_PATCH(bundle_author_second_key_ed25519, 54, 2, 1, 0)
BUNDLE_PATCH(bundle_author_mldsa_length_1951, 56, 2, 1951, 0)
BUNDLE_PATCH(bundle_author_ed25519_only, 16, 2, 1, 0)
BUNDLE_PATCH(bundle_no_keys, 10, 2, 0, 0)
BUNDLE_PATCH(bundle_17_keys, 10, 2, 17, 0)
BUNDLE_PATCH(bundle_33_capsules, 12, 4, 33, 0)
BUNDLE_PATCH(bundle_count_beyond_data, 12, 4, 2, 0)
BUNDLE_PATCH(bundle_length_past_end, BUNDLE_CAPSULE_LENGTH, 4, 0x10000, 0)
BUNDLE_PATCH(bundle_trailing_byte, 0, 0, 0, 1)
BUNDLE_PATCH(bundle_truncated_in_capsule, 0, 0, 0, -1)
BUNDLE_PATCH(bundle_truncated_in_keys, 0, 0, 0, -(long)(bundle_len - 20))

static enum capsule_error bundle_header_only(void)
{
    bundle_base();
    return bundle_open(15);
}

/* A valid bundle whose capsule is tampered: the bundle is fine, the
 * capsule's own verdict is what counts. */
static enum capsule_error bundle_capsule_tampered(void)
{
    bundle_base();
    bundle_bytes[bundle_len - 5] ^= 1;
    enum capsule_error err = bundle_open(bundle_len);
    return err != CAPSULE_OK ? CAPSULE_ERR_COUNT : bundle_result.entries[0].verdict;
}

static enum capsule_error bundle_capsule_untrusted(void)
{
    bundle_base();
    bundle_bytes[BUNDLE_HEADER_SIZE + 6] ^= 1; /* the trusted Ed25519 key is another one now */
    enum capsule_error err = bundle_open(bundle_len);
    return err != CAPSULE_OK ? CAPSULE_ERR_COUNT : bundle_result.entries[0].verdict;
}

/* A bundle of the given authors and capsules; returns the verdict of
 * capsule `judged` (or the bundle's error). */
static enum capsule_error bundle_of(const struct author_key *authors, size_t author_count,
                                    const struct bytes *mods, size_t count, size_t judged)
{
    struct byte_buffer out = { bundle_bytes, 0, sizeof bundle_bytes };
    if (bundle_write(authors, author_count, mods, count, &out) != CAPSULE_OK)
        return CAPSULE_ERR_COUNT;
    bundle_len = out.len;
    enum capsule_error err = bundle_open(bundle_len);
    return err != CAPSULE_OK ? err : bundle_result.entries[judged].verdict;
}

/* A format 2 or 3 capsule (as that format's tool signed it) next to a
 * format 4 one in a bundle: the old one alone is refused, with its own
 * error. */
static enum capsule_error bundle_old_capsule(uint16_t version)
{
    static uint8_t old[FIXTURE_MOD_MAX];
    static struct author_key key;
    size_t len = write_old_capsule(version, version == 2);
    if (len == 0 || len > sizeof old)
        return CAPSULE_ERR_COUNT;
    memcpy(old, work, len);
    fixture_author(0x42, true, &key);
    struct bytes mods[2] = { bytes_make(old, len), bytes_make(base_mod, base_len) };
    enum capsule_error err = bundle_of(&key, 1, mods, 2, 0);
    if (bundle_result.entries[1].verdict != CAPSULE_OK || bundle_result.start_count != 1)
        return CAPSULE_ERR_COUNT;
    return err;
}

static enum capsule_error bundle_format_2_capsule(void) { return bundle_old_capsule(2); }
static enum capsule_error bundle_format_3_capsule(void) { return bundle_old_capsule(3); }

/* The same Ed25519 key as a hybrid and as an Ed25519-only author. */
static enum capsule_error bundle_same_key_two_sets(void)
{
    static struct author_key authors[2];
    fixture_author(0x42, true, &authors[0]);
    fixture_author(0x42, false, &authors[1]);
    struct bytes mods[1] = { bytes_make(base_mod, base_len) };
    return bundle_of(authors, 2, mods, 1, 0);
}

/* The hybrid author's capsule re-signed with its Ed25519 key alone. */
static enum capsule_error bundle_downgrade(void)
{
    static struct author_key author;
    static struct manifest m;
    static uint8_t mod[FIXTURE_MOD_MAX];
    fixture_author(0x42, true, &author);
    fixture_manifest(&m, "hello", "1.0.0");
    size_t len = fixture_capsule_signed(&m, 0x42, false, mod, NULL);
    struct bytes mods[1] = { bytes_make(mod, len) };
    return bundle_of(&author, 1, mods, 1, 0);
}

/* The review's case: author B's crypto comes first; author A's app
 * depends on crypto "^0.1" bound to A. The name alone would resolve to B's
 * capsule; the author binding refuses it (A's own crypto, later, is
 * refused: the name is B's in this bundle's store). */
static enum capsule_error bundle_dependency_of_other_author(void)
{
    static struct author_key authors[2];
    static struct manifest crypto, app;
    static uint8_t mods_bytes[3][FIXTURE_MOD_MAX];
    size_t len[3];
    fixture_author(0x42, true, &authors[0]);  /* A */
    fixture_author(0x43, true, &authors[1]);  /* B */
    fixture_manifest(&crypto, "crypto", "0.1.0");
    len[0] = fixture_capsule(&crypto, 0x43, mods_bytes[0], NULL);
    len[1] = fixture_capsule(&crypto, 0x42, mods_bytes[1], NULL);
    fixture_manifest(&app, "app", "1.0.0");
    struct manifest_dependency *d = &app.dependencies[app.dependency_count++];
    d->name.len = 6;
    memcpy(d->name.text, "crypto", 7);
    semver_requirement_parse((const uint8_t *)"^0.1", 4, &d->requirement);
    d->author_bound = true;
    author_fingerprint(&authors[0], d->author);
    len[2] = fixture_capsule(&app, 0x42, mods_bytes[2], NULL);
    struct bytes mods[3];
    for (size_t i = 0; i < 3; i++)
        mods[i] = bytes_make(mods_bytes[i], len[i]);
    enum capsule_error err = bundle_of(authors, 2, mods, 3, 2);
    if (bundle_result.entries[0].verdict != CAPSULE_OK ||
        bundle_result.entries[1].verdict != CAPSULE_ERR_TRUST_AUTHOR_CHANGED)
        return CAPSULE_ERR_COUNT;
    return err;
}

static enum capsule_error bundle_valid(void)
{
    bundle_base();
    enum capsule_error err = bundle_open(bundle_len);
    if (err == CAPSULE_OK && (bundle_result.start_count != 1 ||
                              bundle_result.entries[0].verdict != CAPSULE_OK))
        err = CAPSULE_ERR_COUNT;
    return err;
}

/* ---- the case table ----------------------------------------------------- */

struct generated {
    const char *name;
    enum capsule_error (*run)(void);
    const struct mod_patch *mod;
    const struct elf_patch *elf;
};

#define MODP(n, ...) { n, NULL, &(const struct mod_patch){ __VA_ARGS__ }, NULL }
#define ELFP(n, ...) { n, NULL, NULL, &(const struct elf_patch){ __VA_ARGS__ } }
#define FN(n, f) { n, f, NULL, NULL }

static const struct generated generated[] = {
    FN("mod/empty", case_mod_empty),
    FN("mod/header-only", case_mod_header_only),
    FN("mod/table-truncated", case_mod_table_truncated),
    MODP("mod/bad-magic", -1, 0, 1, 'X', false, 0, false),
    MODP("mod/format-version-1", -1, 8, 2, 1, false, 0, false),
    MODP("mod/format-version-2", -1, 8, 2, 2, false, 0, false),
    MODP("mod/format-version-3", -1, 8, 2, 3, false, 0, false),
    MODP("mod/format-version-5", -1, 8, 2, 5, false, 0, false),
    FN("mod/format-2-capsule", case_mod_format_2_capsule),
    FN("mod/format-3-capsule", case_mod_format_3_capsule),
    FN("mod/format-3-capsule-relabelled-4", case_mod_format_3_relabelled),
    FN("mod/format-3-capsule-relabelled-4-rehashed", case_mod_format_3_rehashed),
    FN("mod/format-2-manifest-signed-as-format-4", case_mod_format_2_manifest),
    MODP("mod/format-version-0", -1, 8, 2, 0, false, 0, false),
    MODP("mod/section-count-2", -1, 10, 2, 2, false, 0, false),
    MODP("mod/section-count-65535", -1, 10, 2, 65535, false, 0, false),
    MODP("mod/header-reserved", -1, 12, 4, 1, false, 0, false),
    MODP("mod/entry-reserved", -1, E(1) + 4, 4, 0x80000000u, false, 0, false),
    FN("mod/section-types-swapped", case_mod_types_swapped),
    FN("mod/payload-in-manifest-section", case_mod_sections_swapped),
    MODP("mod/section-type-unknown", -1, E(2), 4, 9, false, 0, false),
    MODP("mod/section-type-zero", -1, E(0), 4, 0, false, 0, false),
    MODP("mod/first-section-not-after-table", -1, E(0) + 8, 8, MOD_TABLE_END + 1, false, 0, false),
    MODP("mod/first-section-overlaps-table", -1, E(0) + 8, 8, MOD_TABLE_END - 8, false, 0, false),
    MODP("mod/payload-overlaps-manifest", -1, E(1) + 8, 1, 0xFF, true, 0, false),
    MODP("mod/offset-near-2^64", -1, E(1) + 8, 8, UINT64_MAX - 4, false, 0, false),
    MODP("mod/manifest-length-zero", -1, E(0) + 16, 8, 0, false, 0, false),
    MODP("mod/manifest-over-limit", -1, E(0) + 16, 8, MOD_MANIFEST_MAX + 1, false, 0, false),
    MODP("mod/payload-over-limit", -1, E(1) + 16, 8, MOD_PAYLOAD_MAX + 1ull, false, 0, false),
    MODP("mod/proof-over-limit", -1, E(2) + 16, 8, MOD_PROOF_MAX + 1, false, 0, false),
    MODP("mod/length-2^64-1", -1, E(1) + 16, 8, UINT64_MAX, false, 0, false),
    MODP("mod/proof-length-past-end", -1, E(2) + 16, 1, 0x04, true, 0, false),
    MODP("mod/trailing-byte", -1, 0, 0, 0, false, 1, false),
    MODP("mod/trailing-kilobyte", -1, 0, 0, 0, false, 1024, false),
    MODP("mod/truncated-by-one", -1, 0, 0, 0, false, -1, false),
    MODP("mod/truncated-in-payload", -1, 0, 0, 0, false, -150, false),
    MODP("mod/manifest-hash-flipped", -1, E(0) + 24, 1, 0x80, true, 0, false),
    MODP("mod/payload-hash-flipped", -1, E(1) + 55, 1, 0x01, true, 0, false),
    MODP("mod/manifest-byte-flipped", 0, 10, 1, 0x04, true, 0, false),
    MODP("mod/payload-byte-flipped", 1, 120, 1, 0x10, true, 0, false),
    MODP("mod/proof-byte-flipped", 2, 50, 1, 0x01, true, 0, false),
    FN("mod/payload-changed-hash-repaired", case_mod_other_capsule_payload),
    MODP("mod/manifest-changed-hash-repaired", 0, 6, 1, 'j', false, 0, true),
    MODP("mod/manifest-noncanonical-hash-repaired", 0, 4, 1, 7, false, 0, true),
    ELFP("elf/bad-magic", 1, 1, 'F', 0),
    ELFP("elf/32-bit-class", 4, 1, 1, 0),
    ELFP("elf/big-endian", 5, 1, 2, 0),
    ELFP("elf/os-abi-linux", 7, 1, 3, 0),
    ELFP("elf/machine-aarch64", 18, 2, 183, 0),
    ELFP("elf/version-0", 20, 4, 0, 0),
    ELFP("elf/phentsize-32", 54, 2, 32, 0),
    ELFP("elf/shared-object", 16, 2, 3, 0),
    ELFP("elf/relocatable", 16, 2, 1, 0),
    FN("elf/truncated-header", case_elf_truncated),
    ELFP("elf/no-program-headers", 56, 2, 0, 0),
    ELFP("elf/too-many-program-headers", 56, 2, 65, 0),
    ELFP("elf/program-headers-past-end", 32, 8, 100, 0),
    ELFP("elf/phoff-2^64-1", 32, 8, UINT64_MAX, 0),
    ELFP("elf/segment-past-end", 64 + 32, 8, 4096, 0),
    ELFP("elf/filesz-above-memsz", 64 + 40, 8, 16, 0),
    ELFP("elf/segment-in-kernel-half", 64 + 16, 8, 0xFFFFFFFF80000000ull, 0),
    ELFP("elf/segment-at-page-zero", 64 + 16, 8, 0, 0),
    ELFP("elf/segment-misaligned", 64 + 16, 8, 0x400010, 0),
    ELFP("elf/memsz-zero", 64 + 40, 8, 0, 0),
    ELFP("elf/interpreter", 64, 4, 3, 0),
    ELFP("elf/dynamic", 64, 4, 2, 0),
    ELFP("elf/writable-and-executable", 64 + 4, 4, 7, 0),
    ELFP("elf/entry-outside-segments", 24, 8, 0x500000, 0),
    ELFP("elf/entry-in-non-executable", 64 + 4, 4, 4, 0),
    FN("elf/segments-share-a-page", case_elf_segments_share_page),
    FN("elf/file-page-writable-and-executable", case_elf_file_page_writable_and_executable),
    FN("elf/segment-below-4mib", case_elf_segment_below_4mib),
    FN("elf/entry-in-zero-fill", case_elf_entry_in_zero_fill),
    FN("elf/executable-stack", case_elf_executable_stack),
    FN("elf/offset-not-page-aligned", case_elf_offset_not_page_aligned),
    FN("elf/three-segments-valid", case_elf_three_segments_valid),
    FN("elf/file-page-executable-twice-valid", case_elf_file_page_executable_twice_valid),
    MODP("proof/count-zero", 2, 0, 2, 0, false, 0, true),
    MODP("proof/count-five", 2, 0, 2, 5, false, 0, true),
    MODP("proof/algorithm-unknown", 2, 2, 2, 0x7777, false, 0, true),
    MODP("proof/ed25519-record-says-ml-dsa-65", 2, 2, 2, 2, false, 0, true),
    MODP("proof/ml-dsa-65-record-says-ed25519", 2, ML_RECORD, 2, 1, false, 0, true),
    MODP("proof/ml-dsa-65-record-says-3", 2, ML_RECORD, 2, 3, false, 0, true),
    MODP("proof/ml-dsa-65-key-length-1951", 2, ML_RECORD + 2, 2, 1951, false, 0, true),
    MODP("proof/ml-dsa-65-signature-length-3308", 2, ML_RECORD + 4, 2, 3308, false, -1, true),
    MODP("proof/ml-dsa-65-signature-length-3310", 2, ML_RECORD + 4, 2, 3310, false, 1, true),
    MODP("proof/ml-dsa-65-key-bit-flipped", 2, ML_RECORD + 6 + 100, 1, 0x08, true, 0, true),
    MODP("proof/count-one-for-two", 2, 0, 2, 1, false, 0, true),
    MODP("proof/count-three-for-two", 2, 0, 2, 3, false, 0, true),
    MODP("proof/algorithm-zero", 2, 2, 2, 0, false, 0, true),
    MODP("proof/key-length-31", 2, 4, 2, 31, false, 0, true),
    MODP("proof/signature-length-65", 2, 6, 2, 65, false, 0, true),
    MODP("proof/trailing-byte", 2, 0, 0, 0, false, 1, true),
    MODP("proof/truncated-signature", 2, 0, 0, 0, false, -1, true),
    MODP("proof/key-bit-flipped", 2, 8, 1, 0x20, true, 0, true),
    MODP("proof/r-bit-flipped", 2, 40, 1, 0x01, true, 0, true),
    MODP("proof/s-bit-flipped", 2, 100, 1, 0x02, true, 0, true),
    FN("proof/key-of-another-author", case_proof_other_key),
    FN("proof/signature-of-another-manifest", case_proof_resigned_other_manifest),
    FN("proof/signed-for-format-version-1", case_proof_format_version),
    FN("proof/signed-for-format-version-2", case_proof_format_version_2),
    FN("proof/signed-for-format-version-3", case_proof_format_version_3),
    FN("proof/s-plus-group-order", case_proof_s_plus_l),
    FN("proof/small-order-key", case_proof_small_order_key),
    FN("proof/same-algorithm-twice", case_proof_two_ed25519),
    FN("hybrid/rebuilt-by-hand-verifies", hybrid_rebuilt_valid),
    FN("hybrid/ml-dsa-65-removed-count-still-2", hybrid_mldsa_removed_count_2),
    FN("hybrid/ml-dsa-65-removed-count-1", hybrid_mldsa_removed_count_1),
    FN("hybrid/ml-dsa-65-record-first", hybrid_mldsa_first),
    FN("hybrid/ml-dsa-65-only", hybrid_mldsa_only),
    FN("hybrid/ml-dsa-65-twice", hybrid_mldsa_twice),
    MODP("hybrid/ml-dsa-65-signature-truncated", 2, 0, 0, 0, false, -100, true),
    FN("hybrid/ml-dsa-65-signed-by-another-key", hybrid_mldsa_signed_by_other_key),
    FN("hybrid/ml-dsa-65-over-another-digest", hybrid_mldsa_over_other_digest),
    FN("hybrid/ml-dsa-65-without-context", hybrid_mldsa_without_context),
    FN("hybrid/ml-dsa-65-key-of-another-author", hybrid_mldsa_key_swapped_ed25519_resigned),
    FN("hybrid/ml-dsa-65-challenge-bit-flipped", hybrid_challenge_bit_flipped),
    FN("hybrid/ml-dsa-65-hint-indices-out-of-order", hybrid_hint_out_of_order),
    FN("hybrid/ml-dsa-65-hint-index-repeated", hybrid_hint_repeated),
    FN("hybrid/ml-dsa-65-hint-count-above-omega", hybrid_hint_count_above_omega),
    FN("hybrid/ml-dsa-65-hint-padding-not-zero", hybrid_hint_padding_nonzero),
    FN("hybrid/ml-dsa-65-z-coefficient-out-of-range", hybrid_z_out_of_range),
    FN("canon/bad-magic", canon_bad_magic),
    FN("canon/encoding-version-1", canon_encoding_1),
    FN("canon/encoding-version-2", canon_encoding_2),
    FN("canon/encoding-version-3", canon_encoding_3),
    FN("canon/encoding-version-5", canon_encoding_5),
    FN("canon/format-2-manifest", canon_format_2_manifest),
    FN("canon/dependency-bound-to-nothing", canon_dep_unbound),
    FN("canon/author-flag-2", canon_author_flag_2),
    FN("canon/description-c1-control", canon_description_c1),
    FN("canon/description-bidi-override", canon_description_bidi_override),
    FN("canon/author-bidi-isolate", canon_author_bidi_isolate),
    FN("canon/author-del", canon_author_del),
    FN("canon/trailing-byte", canon_trailing_byte),
    FN("canon/every-truncation", canon_every_truncation),
    FN("canon/reference-matches-encoder", canon_reference_matches_encoder),
    FN("canon/name-empty", canon_name_empty),
    FN("canon/name-uppercase", canon_name_uppercase),
    FN("canon/name-with-space", canon_name_space),
    FN("canon/version-component-2^32-1", canon_version_max),
    FN("canon/description-bad-utf8", canon_description_bad_utf8),
    FN("canon/description-control-char", canon_description_control),
    FN("canon/description-length-past-end", canon_description_length_past_end),
    FN("canon/dependencies-unsorted", canon_deps_unsorted),
    FN("canon/dependencies-duplicate", canon_deps_duplicate),
    FN("canon/dependency-on-self", canon_dep_self),
    FN("canon/pinned-flag-2", canon_pinned_2),
    FN("canon/range-empty", canon_range_empty),
    FN("canon/range-inverted", canon_range_inverted),
    FN("canon/range-upper-2^32-1", canon_range_upper_max),
    FN("canon/dependency-count-33", canon_dep_count_33),
    FN("canon/dependency-count-255", canon_dep_count_255),
    FN("canon/dependency-count-3-for-2", canon_dep_count_short),
    FN("canon/bool-2", canon_bool_2),
    FN("canon/bool-ff", canon_bool_ff),
    FN("canon/cpu-over-one-day", canon_cpu_over_day),
    FN("canon/cpu-2^64-1", canon_cpu_huge),
    FN("canon/memory-not-page-multiple", canon_memory_unaligned),
    FN("canon/memory-over-limit", canon_memory_over_limit),
    FN("canon/threads-over-limit", canon_threads_over_limit),
    FN("canon/ipc-unsorted", canon_ipc_unsorted),
    FN("canon/ipc-duplicate", canon_ipc_duplicate),
    FN("canon/ipc-count-33", canon_ipc_count_33),
    FN("canon/ipc-bad-name", canon_ipc_bad_name),
    FN("canon/capabilities-7", canon_capabilities_7),
    FN("canon/capabilities-4097", canon_capabilities_4097),
    FN("canon/capabilities-2^32-1", canon_capabilities_max),
    FN("canon/provides-unsorted", canon_provides_unsorted),
    FN("canon/provides-duplicate", canon_provides_duplicate),
    FN("canon/provides-count-33", canon_provides_count_33),
    FN("canon/provides-count-3-for-2", canon_provides_count_3_for_2),
    FN("canon/provides-bad-name", canon_provides_bad_name),
    FN("canon/supervisor-3", canon_supervisor_3),
    FN("canon/supervisor-ff", canon_supervisor_ff),
    FN("canon/restart-3", canon_restart_3),
    FN("canon/restart-ff", canon_restart_ff),
    FN("trust/unknown-author", trust_unknown_author),
    FN("trust/rollback-patch", trust_rollback),
    FN("trust/rollback-major", trust_rollback_major),
    FN("trust/equivocation", trust_equivocation),
    FN("trust/author-changed", trust_author_changed),
    FN("trust/store-full", trust_store_full),
    FN("trust/hybrid-author-ed25519-only-proof", trust_downgrade),
    FN("trust/hybrid-author-other-ml-dsa-65-key", trust_hybrid_other_mldsa),
    FN("trust/ed25519-only-author-keeps-working", trust_ed25519_only_author),
    FN("trust/ed25519-only-author-hybrid-proof", trust_ed25519_only_author_hybrid_capsule),
    FN("trust/same-ed25519-key-other-key-set", trust_key_conflict),
    FN("dep/missing", dep_missing),
    FN("dep/version-too-low", dep_version_too_low),
    FN("dep/version-too-high", dep_version_too_high),
    FN("dep/hash-mismatch", dep_hash),
    FN("dep/author-mismatch", dep_author),
    FN("dep/hash-right-author-wrong", dep_hash_right_author_wrong),
    FN("dep/cycle-of-two", dep_cycle_two),
    FN("dep/cycle-of-three", dep_cycle_three),
    FN("dep/duplicate-name", dep_duplicate_name),
    FN("dep/too-many-capsules", dep_too_many),
    FN("dep/diamond-resolves", dep_diamond_ok),
    FN("bundle/valid-one-capsule", bundle_valid),
    FN("bundle/header-only", bundle_header_only),
    FN("bundle/bad-magic", bundle_bad_magic),
    FN("bundle/version-1", bundle_version_1),
    FN("bundle/version-3", bundle_version_3),
    FN("bundle/author-key-count-3", bundle_author_key_count_3),
    FN("bundle/author-key-count-0", bundle_author_key_count_0),
    FN("bundle/author-first-key-ml-dsa-65", bundle_author_first_key_mldsa),
    FN("bundle/author-ed25519-length-33", bundle_author_ed25519_length_33),
    FN("bundle/author-second-key-ed25519", bundle_author_second_key_ed25519),
    FN("bundle/author-ml-dsa-65-length-1951", bundle_author_mldsa_length_1951),
    FN("bundle/author-count-1-before-ml-dsa-65-key", bundle_author_ed25519_only),
    FN("bundle/same-ed25519-key-two-key-sets", bundle_same_key_two_sets),
    FN("bundle/hybrid-author-ed25519-only-capsule", bundle_downgrade),
    FN("bundle/dependency-resolves-to-other-author", bundle_dependency_of_other_author),
    FN("bundle/no-keys", bundle_no_keys),
    FN("bundle/17-keys", bundle_17_keys),
    FN("bundle/33-capsules", bundle_33_capsules),
    FN("bundle/capsule-count-beyond-data", bundle_count_beyond_data),
    FN("bundle/capsule-length-past-end", bundle_length_past_end),
    FN("bundle/trailing-byte", bundle_trailing_byte),
    FN("bundle/truncated-in-capsule", bundle_truncated_in_capsule),
    FN("bundle/truncated-in-keys", bundle_truncated_in_keys),
    FN("bundle/capsule-tampered", bundle_capsule_tampered),
    FN("bundle/capsule-author-not-in-bundle-keys", bundle_capsule_untrusted),
    FN("bundle/format-2-capsule-refused-others-verified", bundle_format_2_capsule),
    FN("bundle/format-3-capsule-refused-others-verified", bundle_format_3_capsule),
};

#define GENERATED_COUNT (sizeof generated / sizeof generated[0])

static enum capsule_error run_generated(const struct generated *g)
{
    current_case = g->name;
    if (g->mod != NULL)
        return run_mod_patch(g->mod);
    if (g->elf != NULL)
        return run_elf_patch(g->elf);
    return g->run();
}

/* ---- the expectations file ---------------------------------------------- */

struct expectation {
    char name[128];
    char error[64];
    unsigned line;
    char key[CAPSULE_DIAG_KEY_MAX];
    bool used;
};

static struct expectation expected[CASES_MAX];
static size_t expected_count;

static bool load_expected(void)
{
    FILE *f = fopen(CORPUS_DIR "/expected", "r");
    if (f == NULL) {
        test_check(false, "capsule corpus: cannot open " CORPUS_DIR "/expected");
        return false;
    }
    char line[512];
    while (fgets(line, sizeof line, f) != NULL && expected_count < CASES_MAX) {
        struct expectation *e = &expected[expected_count];
        if (line[0] == '#' || line[0] == '\n')
            continue;
        e->line = 0;
        e->key[0] = '-';
        e->key[1] = '\0';
        int n = sscanf(line, "%127s %63s %u %127[^\n]", e->name, e->error, &e->line, e->key);
        if (n >= 2)
            expected_count++;
    }
    fclose(f);
    return true;
}

static struct expectation *find_expected(const char *name)
{
    for (size_t i = 0; i < expected_count; i++) {
        if (strcmp(expected[i].name, name) == 0)
            return &expected[i];
    }
    return NULL;
}

struct tally {
    const char *prefix;
    size_t pass, fail;
};

static struct tally tallies[] = {
    { "toml/", 0, 0 }, { "mod/", 0, 0 }, { "elf/", 0, 0 }, { "proof/", 0, 0 },
    { "canon/", 0, 0 }, { "trust/", 0, 0 }, { "dep/", 0, 0 }, { "bundle/", 0, 0 },
    { "hybrid/", 0, 0 },
};

static void count(const char *name, bool ok)
{
    for (size_t i = 0; i < sizeof tallies / sizeof tallies[0]; i++) {
        if (strncmp(name, tallies[i].prefix, strlen(tallies[i].prefix)) == 0) {
            ok ? tallies[i].pass++ : tallies[i].fail++;
            return;
        }
    }
}

static void check_generated(void)
{
    for (size_t i = 0; i < GENERATED_COUNT; i++) {
        const struct generated *g = &generated[i];
        enum capsule_error err = run_generated(g);
        struct expectation *e = find_expected(g->name);
        const char *got = err == CAPSULE_ERR_COUNT ? "HARNESS-ERROR" : capsule_error_name(err);
        bool ok = e != NULL && strcmp(e->error, got) == 0;
        if (e != NULL)
            e->used = true;
        if (!ok)
            printf("FAIL capsule corpus %s: expected %s, got %s\n", g->name,
                   e != NULL ? e->error : "(no line in expected)", got);
        count(g->name, ok);
    }
}

static uint8_t toml_text[TOML_DEPTH_MAX * 4096];
static struct toml_node toml_nodes[1024];

static void check_toml_case(struct expectation *e)
{
    static struct manifest m;
    char path[512];
    snprintf(path, sizeof path, CORPUS_DIR "/%s", e->name);
    FILE *f = fopen(path, "rb");
    static uint8_t data[65536];
    size_t len = f != NULL ? fread(data, 1, sizeof data, f) : 0;
    if (f != NULL)
        fclose(f);
    struct capsule_diag diag = { CAPSULE_OK, 0, "" };
    enum capsule_error err = f == NULL ? CAPSULE_ERR_COUNT
        : manifest_parse_toml(bytes_make(data, len), &m, toml_nodes, 1024,
                              toml_text, sizeof toml_text, &diag);
    const char *key = diag.key[0] != '\0' ? diag.key : "-";
    bool ok = strcmp(capsule_error_name(err), e->error) == 0 && diag.line == e->line &&
              strcmp(key, e->key) == 0;
    e->used = true;
    if (!ok)
        printf("FAIL capsule corpus %s: expected %s %u %s, got %s %u %s\n", e->name,
               e->error, e->line, e->key, f == NULL ? "(missing file)" : capsule_error_name(err),
               diag.line, key);
    count(e->name, ok);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write") == 0) {
        write_dir = argv[2];
        mkdir(write_dir, 0755);
    }
    static struct manifest m;
    fixture_manifest(&m, "hello", "1.0.0");
    base_len = fixture_capsule(&m, 0x42, base_mod, NULL);
    if (base_len == 0 || !load_expected())
        return 1;
    current_case = "valid-hello";
    save_seed("container", base_mod, base_len);
    save_seed("canonical", base_mod + section_offset(0), section_offset(1) - section_offset(0));
    check_generated();
    for (size_t i = 0; i < expected_count; i++) {
        if (strncmp(expected[i].name, "toml/", 5) == 0)
            check_toml_case(&expected[i]);
    }
    size_t orphans = 0;
    for (size_t i = 0; i < expected_count; i++) {
        if (!expected[i].used) {
            printf("FAIL capsule corpus %s: in expected but no such case\n", expected[i].name);
            orphans++;
        }
    }
    size_t total = 0;
    for (size_t i = 0; i < sizeof tallies / sizeof tallies[0]; i++) {
        total += tallies[i].pass + tallies[i].fail;
        test_check(tallies[i].fail == 0, "capsule corpus %s*: %zu of %zu cases refused as expected",
                   tallies[i].prefix, tallies[i].pass, tallies[i].pass + tallies[i].fail);
    }
    test_check(orphans == 0 && total >= 60, "capsule corpus: %zu cases, every one listed in "
               CORPUS_DIR "/expected", total);
    return test_finish();
}
