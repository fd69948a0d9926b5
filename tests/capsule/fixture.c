/* Test fixtures (see fixture.h). */
#include "fixture.h"

#include <stdio.h>
#include <string.h>

#include "base/endian.h"
#include "crypto/ed25519.h"
#include "crypto/mldsa65.h"

void fixture_key(uint8_t tag, uint8_t public_key[32], uint8_t secret_key[64])
{
    uint8_t seed[32];
    memset(seed, tag, sizeof seed);
    ed25519_keypair(public_key, secret_key, seed);
}

/* Key generation is the slow part of signing: the last signer is kept. */
void fixture_signer(uint8_t tag, bool hybrid, struct proof_signer *s)
{
    static struct proof_signer cached;
    static int cached_tag = -1;
    if (cached_tag != tag) {
        uint8_t pk[32];
        fixture_key(tag, pk, cached.ed25519_secret);
        memset(cached.mldsa65_seed, tag ^ 0xA5, sizeof cached.mldsa65_seed);
        if (mldsa65_public_key(cached.mldsa65_public, cached.mldsa65_seed) != CRYPTO_OK)
            fprintf(stderr, "fixture: ML-DSA-65 key generation failed\n");
        cached.mldsa65_random = NULL;
        cached_tag = tag;
    }
    *s = cached;
    s->hybrid = hybrid;
}

void fixture_author(uint8_t tag, bool hybrid, struct author_key *a)
{
    static struct proof_signer s;
    fixture_signer(tag, hybrid, &s);
    memcpy(a->ed25519, s.ed25519_secret + 32, 32);
    a->hybrid = hybrid;
    memcpy(a->mldsa65, s.mldsa65_public, sizeof a->mldsa65);
}

/* One PT_LOAD (R+X) at 0x400000 covering the whole file; the entry is the
 * first code byte after the program header: `pause; jmp .-2`. */
size_t fixture_elf(uint8_t *out)
{
    static const uint8_t code[] = { 0xF3, 0x90, 0xEB, 0xFC };
    const uint64_t base = 0x400000;
    size_t size = 64 + 56 + sizeof code;
    memset(out, 0, FIXTURE_ELF_MAX);
    memcpy(out, "\x7f" "ELF\x02\x01\x01", 7);
    store16_le(out + 16, 2);            /* ET_EXEC */
    store16_le(out + 18, 62);           /* EM_X86_64 */
    store32_le(out + 20, 1);            /* EV_CURRENT */
    store64_le(out + 24, base + 120);   /* e_entry */
    store64_le(out + 32, 64);           /* e_phoff */
    store16_le(out + 52, 64);           /* e_ehsize */
    store16_le(out + 54, 56);           /* e_phentsize */
    store16_le(out + 56, 1);            /* e_phnum */
    uint8_t *ph = out + 64;
    store32_le(ph, 1);                  /* PT_LOAD */
    store32_le(ph + 4, 5);              /* PF_R | PF_X */
    store64_le(ph + 8, 0);              /* p_offset */
    store64_le(ph + 16, base);          /* p_vaddr */
    store64_le(ph + 24, base);          /* p_paddr */
    store64_le(ph + 32, size);          /* p_filesz */
    store64_le(ph + 40, size);          /* p_memsz */
    store64_le(ph + 48, 4096);          /* p_align */
    memcpy(out + 120, code, sizeof code);
    return size;
}

static void set_name(struct manifest_name *n, const char *s)
{
    n->len = (uint8_t)strlen(s);
    memcpy(n->text, s, n->len + 1);
}

void fixture_manifest(struct manifest *m, const char *name, const char *version)
{
    manifest_init(m);
    set_name(&m->name, name);
    if (!semver_parse((const uint8_t *)version, strlen(version), &m->version))
        fprintf(stderr, "fixture: bad version %s\n", version);
    m->ipc_count = 1;
    set_name(&m->ipc[0], "nonos.log");
}

size_t fixture_capsule(const struct manifest *m, uint8_t tag, uint8_t *out,
                       uint8_t id[32])
{
    return fixture_capsule_signed(m, tag, true, out, id);
}

size_t fixture_capsule_signed(const struct manifest *m, uint8_t tag, bool hybrid,
                              uint8_t *out, uint8_t id[32])
{
    uint8_t manifest_bytes[CANONICAL_MANIFEST_MAX];
    struct byte_buffer mb = { manifest_bytes, 0, sizeof manifest_bytes };
    uint8_t elf[FIXTURE_ELF_MAX], unused[32];
    static struct proof_signer signer;
    size_t elf_len = fixture_elf(elf);
    enum capsule_error err = canonical_encode(m, &mb);
    fixture_signer(tag, hybrid, &signer);
    struct byte_buffer ob = { out, 0, FIXTURE_MOD_MAX };
    if (err == CAPSULE_OK)
        err = capsule_assemble(bytes_make(mb.data, mb.len), bytes_make(elf, elf_len),
                               &signer, &ob, id != NULL ? id : unused);
    if (err != CAPSULE_OK) {
        fprintf(stderr, "fixture_capsule: %s\n", capsule_error_message(err));
        return 0;
    }
    return ob.len;
}
