/* The .mod container: a 16-byte header, a table of three sections
 * (canonical manifest, payload, proof), then the sections themselves,
 * contiguous, in that order, ending exactly at the end of the file.
 * Each table entry carries the section's hash (capsule/hash.h: BLAKE2b-256
 * since format 4, SHA-256 before). Byte layout in
 * docs/capsule-format.md.
 *
 * container_parse checks the layout and every section hash, nothing about
 * the sections' contents; payload_check_elf checks the payload is a static
 * x86_64 executable for the capsule ABI. All offsets and lengths come from
 * the file and go through checked arithmetic before any read. */
#ifndef NONOS_CAPSULE_CONTAINER_H
#define NONOS_CAPSULE_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/bytes.h"
#include "capsule/error.h"
#include "capsule/hash.h"

#define MOD_MAGIC "NONOSMOD"
#define MOD_MAGIC_SIZE 8
/* 4: every hash of the format is BLAKE2b-256 (section hashes, proof digest,
 * author fingerprint), not SHA-256; the layout is version 3's. 3 brought
 * canonical manifest encoding 3 (capability slots, provided services,
 * supervisor right, restart rule); 2 hybrid Ed25519 + ML-DSA-65 proofs and
 * author-bound dependencies. Versions 1 to 3 get their own refusal
 * (CAPSULE_ERR_MOD_VERSION_OLD) so that the message says what to do: their
 * hashes are SHA-256 (1 and 2 also an older manifest encoding), and the
 * format version is part of what the proof signs, so they must be built and
 * signed again. */
#define MOD_FORMAT_VERSION 4
#define MOD_FORMAT_VERSION_OLDEST 1
#define MOD_HEADER_SIZE 16
#define MOD_SECTION_ENTRY_SIZE 56
#define MOD_SECTION_COUNT 3
#define MOD_TABLE_END (MOD_HEADER_SIZE + MOD_SECTION_COUNT * MOD_SECTION_ENTRY_SIZE)
#define MOD_HASH_SIZE CAPSULE_HASH_SIZE

#define MOD_MANIFEST_MAX 16384u
#define MOD_PAYLOAD_MAX (64u << 20)
#define MOD_PROOF_MAX 16384u

enum mod_section_type {
    MOD_SECTION_MANIFEST = 1,
    MOD_SECTION_PAYLOAD = 2,
    MOD_SECTION_PROOF = 3,
};

struct mod_section {
    uint32_t type;
    uint64_t offset;
    uint64_t length;
    uint8_t hash[MOD_HASH_SIZE];
};

struct mod_container {
    uint16_t format_version;
    struct mod_section sections[MOD_SECTION_COUNT];
    struct bytes manifest; /* views into the parsed file */
    struct bytes payload;
    struct bytes proof;
};

enum capsule_error container_parse(struct bytes file, struct mod_container *out);

/* Writes header, table and sections into out (cleared first). */
enum capsule_error container_write(struct bytes manifest, struct bytes payload,
                                   struct bytes proof, struct byte_buffer *out);

/* Nothing of a payload is mapped below this address (page 0 to 4 MiB stays
 * a trap for null and small-offset pointers). */
#define PAYLOAD_LOWEST_ADDRESS 0x400000u

/* The x86_64 ELF payload: ELF64 little-endian, ET_EXEC, EM_X86_64, no
 * PT_INTERP or PT_DYNAMIC, no executable PT_GNU_STACK; PT_LOAD segments
 * inside the file, page aligned in address and offset, sorted, not
 * overlapping, between PAYLOAD_LOWEST_ADDRESS and the top of the user half,
 * none writable and executable, no file page loaded writable by one and
 * executable by another; the entry inside the file bytes of an executable
 * one. What passes can be mapped W^X exactly. *entry gets e_entry. */
enum capsule_error payload_check_elf(struct bytes payload, uint64_t *entry);

#endif
