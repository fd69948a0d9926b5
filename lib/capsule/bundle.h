/* The boot bundle: the initial trust store and the capsules the kernel
 * starts with, in one file the loader measures (\NONOS\BUNDLE.BIN).
 *
 *   "NONOSBDL" | u16 version = 2 | u16 author count (1..16)
 *   | u32 capsule count (0..32) | author count x author (author.h encoding)
 *   | capsule count x (u32 length | length bytes of .mod)
 *
 * little-endian, nothing after the last capsule (docs/capsule-format.md §6).
 * The authors are as trustworthy as the bundle: the loader checks its
 * SHA-256 against the digest built into it before the kernel sees a byte.
 * Version 1 (32-byte Ed25519 keys) is refused as ERR_BUNDLE_VERSION_OLD.
 *
 * bundle_verify runs every capsule through capsule_open's checks, the trust store
 * rules (seeded with the bundle's authors) and dependency resolution, and
 * reports a verdict per capsule and a start order for the accepted ones. A
 * refused capsule never makes the others refused, except those that depend
 * on it. */
#ifndef NONOS_CAPSULE_BUNDLE_H
#define NONOS_CAPSULE_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bytes.h"
#include "capsule/capsule.h"
#include "capsule/trust.h"
#include "crypto/mldsa65.h"

#define BUNDLE_MAGIC "NONOSBDL"
#define BUNDLE_VERSION 2
#define BUNDLE_VERSION_OLD 1
#define BUNDLE_HEADER_SIZE 16
#define BUNDLE_KEYS_MAX 16
#define BUNDLE_CAPSULES_MAX 32
#define BUNDLE_PREPARED_MAX 4 /* hybrid authors whose key is prepared */

struct bundle_entry {
    enum capsule_error verdict; /* CAPSULE_OK: verified and resolved */
    bool opened;                /* name, version, id, author below are valid */
    struct manifest_name name;
    struct semver version;
    uint8_t id[PROOF_DIGEST_SIZE];
    uint8_t author[TRUST_FINGERPRINT_SIZE]; /* fingerprint of the proof's keys */
    bool hybrid;                /* the proof has an ML-DSA-65 signature */
    struct bytes file;          /* the .mod inside the bundle */
    /* Views into file of the sections whose hashes bundle_verify checked
     * (valid when opened): a caller that keeps file unchanged (the kernel's
     * sealed copy) decodes the manifest and loads the payload from these
     * without parsing and hashing the container again. */
    struct bytes manifest_text;
    struct bytes payload;
    /* bundle_verify_metered's clock ticks (else 0): getting the author's
     * prepared ML-DSA-65 key (its preparation for the author's first
     * capsule, a look-up for the others), and the ML-DSA-65 verification
     * of the proof. */
    uint64_t mldsa65_prepare_ticks;
    uint64_t mldsa65_verify_ticks;
};

struct bundle_report {
    enum capsule_error error;   /* the bundle itself is malformed: nothing verified */
    size_t key_count;
    size_t count;
    struct bundle_entry entries[BUNDLE_CAPSULES_MAX];
    size_t start_count;         /* verified capsules, dependencies first */
    size_t start_order[BUNDLE_CAPSULES_MAX];
};

/* Memory bundle_verify works in (590,464 bytes on x86_64, 147,712 of them
 * the prepared keys): the caller provides it so that lib/capsule needs no
 * heap.
 * prepared[s] is the ML-DSA-65 key of the registered author prepared_for[s]
 * expanded (mldsa65_prepare_key), and digest_begun[s] the capsule id's
 * digest begun over that author's keys (proof_digest_begin), both made when
 * the first capsule whose proof carries exactly that author's key set is
 * verified, and used for every capsule of that author after it: the
 * expansion of A (most of an ML-DSA-65 verification's work) and the hashing
 * of the 1,952-byte key into the id run once per hybrid author and boot,
 * not once per capsule. The first BUNDLE_PREPARED_MAX hybrid authors to be seen get a
 * slot; the capsules of any further one are verified without (the same
 * verdict, the work of a plain verification). Four slots, not sixteen:
 * every page of this memory costs the kernel about 1,800 instructions to
 * map at boot, and bundles hold few authors. */
struct bundle_work {
    struct capsule scratch;
    struct author_key author;   /* the author being decoded */
    struct manifest manifests[BUNDLE_CAPSULES_MAX];
    struct trust_author authors[BUNDLE_KEYS_MAX];
    struct trust_record records[BUNDLE_CAPSULES_MAX];
    struct mldsa65_prepared_key prepared[BUNDLE_PREPARED_MAX];
    struct blake2b_state digest_begun[BUNDLE_PREPARED_MAX]; /* proof_digest_begin */
    const struct trust_author *prepared_for[BUNDLE_PREPARED_MAX]; /* NULL: free */
    uint64_t (*clock)(void);    /* set by bundle_verify(_metered) */
};

/* Returns report->error: CAPSULE_OK when the bundle's layout is valid (each
 * capsule then has its own verdict). */
enum capsule_error bundle_verify(struct bytes file, struct bundle_work *work,
                                 struct bundle_report *report);
/* bundle_verify that also fills each entry's mldsa65_*_ticks with clock
 * (the kernel's cycle counter: its boot figures). */
enum capsule_error bundle_verify_metered(struct bytes file, struct bundle_work *work,
                                         struct bundle_report *report, uint64_t (*clock)(void));

/* Writes a bundle of authors[0..author_count) and mods[0..count) into out. */
enum capsule_error bundle_write(const struct author_key *authors, size_t author_count,
                                const struct bytes *mods, size_t count,
                                struct byte_buffer *out);

#endif
