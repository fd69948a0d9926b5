/* `inspect`: what a .mod says about itself, for people (default) and for
 * programs (--json). A capsule that fails verification is still shown as
 * far as it parses, with the reason, and the exit status says refused. */
#define _DEFAULT_SOURCE /* readlink, getrandom */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsule/canonical.h"
#include "capsule/capsule.h"
#include "capsule/hash.h"
#include "capsule/utf8.h"
#include "tool.h"

struct view {
    const char *path;
    size_t size;
    enum capsule_error verdict;
    bool have_container, have_manifest, have_proof;
    struct capsule c; /* parts valid as the have_ flags say */
    struct author_key author;  /* the proof's keys, when have_proof */
    char fingerprint[65];
};

static const char *algorithm_name(uint16_t algorithm)
{
    return algorithm == PROOF_ALGORITHM_ED25519 ? "ed25519"
         : algorithm == PROOF_ALGORITHM_MLDSA65 ? "ml-dsa-65" : "unknown";
}

static const char *const section_names[] = { "manifest", "payload", "proof" };

static void load_view(struct view *v, struct bytes file)
{
    v->size = file.len;
    v->verdict = capsule_open(file, &v->c);
    if (v->verdict == CAPSULE_OK) {
        v->have_container = v->have_manifest = v->have_proof = true;
        v->author = v->c.author;
        key_fingerprint_text(&v->author, v->fingerprint);
        return;
    }
    v->have_container = container_parse(file, &v->c.container) == CAPSULE_OK;
    v->have_manifest = v->have_container &&
                       canonical_decode(v->c.container.manifest, &v->c.manifest) == CAPSULE_OK;
    v->have_proof = v->have_container &&
                    proof_parse(v->c.container.proof, &v->c.proof) == CAPSULE_OK;
    if (v->have_proof) {
        proof_author(&v->c.proof, &v->author);
        key_fingerprint_text(&v->author, v->fingerprint);
    }
}

/* The code point of a valid UTF-8 sequence of n bytes. */
static uint32_t code_point(const uint8_t *s, size_t n)
{
    static const uint8_t lead_mask[5] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
    uint32_t cp = s[0] & lead_mask[n];
    for (size_t i = 1; i < n; i++)
        cp = cp << 6 | (s[i] & 0x3F);
    return cp;
}

/* A JSON string (RFC 8259) that is always valid UTF-8 and shows every
 * control character escaped: C0 and DEL as \u00XX, and the C1 controls and
 * bidirectional overrides and isolates (refused in manifest text, but a
 * file path may hold them) as \uXXXX; a byte that is not UTF-8 becomes
 * \ufffd. */
static void json_string(const char *text)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t len = strlen(text);
    putchar('"');
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence_length(s + i, len - i);
        if (n == 1 && (s[i] == '"' || s[i] == '\\'))
            printf("\\%c", s[i]);
        else if (n == 0)
            fputs("\\ufffd", stdout);
        else if (!manifest_text_valid(s + i, n, n))
            printf("\\u%04x", (unsigned)code_point(s + i, n));
        else
            fwrite(s + i, 1, n, stdout);
        i += n == 0 ? 1 : n;
    }
    putchar('"');
}

void print_escaped(FILE *out, const char *text, bool utf8_ok)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t len = strlen(text);
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence_length(s + i, len - i);
        if (n == 1 && s[i] == '\\')
            fputs("\\\\", out);
        else if (n == 1 && s[i] >= 0x20 && s[i] < 0x7F)
            fputc(s[i], out);
        else if (n > 1 && utf8_ok && manifest_text_valid(s + i, n, n))
            fwrite(s + i, 1, n, out);
        else
            for (size_t k = 0; k < (n == 0 ? 1 : n); k++)
                fprintf(out, "\\x%02x", s[i + k]);
        i += n == 0 ? 1 : n;
    }
}

static void print_names_json(const struct manifest_name *list, size_t count)
{
    putchar('[');
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            fputs(", ", stdout);
        json_string(list[i].text);
    }
    putchar(']');
}

static void print_manifest_json(const struct manifest *m)
{
    char version[SEMVER_TEXT_MAX], range[SEMVER_RANGE_TEXT_MAX], hex[65];
    semver_format(m->version, version, sizeof version);
    printf("  \"manifest\": {\n    \"name\": ");
    json_string(m->name.text);
    printf(",\n    \"version\": \"%s\",\n    \"description\": ", version);
    json_string(m->description);
    printf(",\n    \"author\": ");
    json_string(m->author);
    printf(",\n    \"dependencies\": [");
    for (size_t i = 0; i < m->dependency_count; i++) {
        const struct manifest_dependency *d = &m->dependencies[i];
        semver_range_format(&d->requirement, range, sizeof range);
        printf("%s{\"name\": ", i > 0 ? ", " : "");
        json_string(d->name.text);
        printf(", \"requirement\": \"%s\"", range);
        if (d->author_bound) {
            hex_encode(d->author, 32, hex, sizeof hex);
            printf(", \"author\": \"" CAPSULE_HASH_PREFIX "%s\"", hex);
        }
        if (d->pinned) {
            hex_encode(d->hash, 32, hex, sizeof hex);
            printf(", \"hash\": \"" CAPSULE_HASH_PREFIX "%s\"", hex);
        }
        putchar('}');
    }
    printf("],\n    \"policy\": {\n      \"network\": {\"allow_clearnet\": %s, \"allow_mesh\": %s},\n",
           m->allow_clearnet ? "true" : "false", m->allow_mesh ? "true" : "false");
    printf("      \"limits\": {\"cpu_us\": %llu, \"memory_bytes\": %llu, \"threads\": %u, "
           "\"capabilities\": %u},\n",
           (unsigned long long)m->cpu_us, (unsigned long long)m->memory_bytes, m->threads,
           m->capability_slots);
    printf("      \"capabilities\": {\"ipc\": ");
    print_names_json(m->ipc, m->ipc_count);
    printf(", \"provides\": ");
    print_names_json(m->provides, m->provides_count);
    printf(", \"devices\": ");
    print_names_json(m->devices, m->device_count);
    printf(", \"vault\": %s, \"supervisor\": \"%s\"}\n    },\n", m->vault ? "true" : "false",
           manifest_supervisor_name(m->supervisor));
    printf("    \"lifecycle\": {\"restart\": \"%s\"}\n  },\n",
           manifest_restart_name(m->restart));
}

static void print_json(const struct view *v)
{
    char hex[65];
    printf("{\n  \"file\": ");
    json_string(v->path);
    printf(",\n  \"size\": %zu,\n  \"verified\": %s,\n", v->size,
           v->verdict == CAPSULE_OK ? "true" : "false");
    if (v->verdict != CAPSULE_OK) {
        printf("  \"error\": \"%s\",\n  \"error_message\": ", capsule_error_name(v->verdict));
        json_string(capsule_error_message(v->verdict));
        printf(",\n");
    }
    if (v->verdict == CAPSULE_OK) {
        hex_encode(v->c.id, 32, hex, sizeof hex);
        printf("  \"id\": \"" CAPSULE_HASH_PREFIX "%s\",\n  \"entry\": %llu,\n", hex,
               (unsigned long long)v->c.entry);
    }
    if (v->have_manifest)
        print_manifest_json(&v->c.manifest);
    if (v->have_proof) {
        static char key_hex[2 * PROOF_MLDSA65_KEY_SIZE + 1];
        printf("  \"hybrid\": %s,\n  \"author_fingerprint\": \"" CAPSULE_HASH_PREFIX "%s\",\n"
               "  \"signatures\": [", v->author.hybrid ? "true" : "false", v->fingerprint);
        for (size_t i = 0; i < v->c.proof.count; i++) {
            const struct proof_signature *s = &v->c.proof.signatures[i];
            hex_encode(s->public_key.data, s->public_key.len, key_hex, sizeof key_hex);
            printf("%s\n    {\"algorithm\": \"%s\", \"algorithm_id\": %u, \"public_key\": \"%s\", "
                   "\"signature_bytes\": %zu}", i ? "," : "", algorithm_name(s->algorithm),
                   s->algorithm, key_hex, s->signature.len);
        }
        printf("\n  ],\n");
    }
    printf("  \"sections\": [");
    for (size_t i = 0; v->have_container && i < MOD_SECTION_COUNT; i++) {
        const struct mod_section *s = &v->c.container.sections[i];
        hex_encode(s->hash, 32, hex, sizeof hex);
        printf("%s\n    {\"type\": \"%s\", \"offset\": %llu, \"length\": %llu, "
               "\"hash\": \"" CAPSULE_HASH_PREFIX "%s\"}", i ? "," : "", section_names[i], (unsigned long long)s->offset,
               (unsigned long long)s->length, hex);
    }
    printf("%s]\n}\n", v->have_container ? "\n  " : "");
}

/* Text of the file: shown as is only when the file verified (its text
 * then passed the manifest rules); otherwise escaped (print_escaped). */
static bool text_verified;

static void text(const char *s)
{
    print_escaped(stdout, s, text_verified);
}

static void print_dependency_human(const struct manifest_dependency *d)
{
    char range[SEMVER_RANGE_TEXT_MAX], hex[65];
    semver_range_format(&d->requirement, range, sizeof range);
    printf("depends on   ");
    text(d->name.text);
    printf(" %s", range);
    if (d->author_bound) {
        hex_encode(d->author, 32, hex, sizeof hex);
        printf(" author " CAPSULE_HASH_PREFIX "%s", hex);
    }
    if (d->pinned) {
        hex_encode(d->hash, 32, hex, sizeof hex);
        printf(" hash " CAPSULE_HASH_PREFIX "%s", hex);
    }
    putchar('\n');
}

static void print_names_human(const char *label, const struct manifest_name *list,
                              size_t count)
{
    printf("%-13s", label);
    for (size_t i = 0; i < count; i++) {
        printf("%s", i ? ", " : "");
        text(list[i].text);
    }
    printf("%s\n", count == 0 ? "(none)" : "");
}

static void print_manifest_human(const struct manifest *m)
{
    char version[SEMVER_TEXT_MAX];
    semver_format(m->version, version, sizeof version);
    printf("capsule      ");
    text(m->name.text);
    printf(" %s\n", version);
    if (m->description_len > 0) {
        printf("description  ");
        text(m->description);
        putchar('\n');
    }
    if (m->author_len > 0) {
        printf("author       ");
        text(m->author);
        putchar('\n');
    }
    for (size_t i = 0; i < m->dependency_count; i++)
        print_dependency_human(&m->dependencies[i]);
    printf("network      clearnet %s, mesh %s\n", m->allow_clearnet ? "allowed" : "denied",
           m->allow_mesh ? "allowed" : "denied");
    printf("limits       cpu %llu us, memory %llu bytes, threads %u, capabilities %u\n",
           (unsigned long long)m->cpu_us, (unsigned long long)m->memory_bytes, m->threads,
           m->capability_slots);
    print_names_human("ipc", m->ipc, m->ipc_count);
    print_names_human("provides", m->provides, m->provides_count);
    print_names_human("devices", m->devices, m->device_count);
    printf("vault        %s\n", m->vault ? "allowed" : "denied");
    printf("supervisor   %s\n", manifest_supervisor_name(m->supervisor));
    printf("restart      %s\n", manifest_restart_name(m->restart));
}

static void print_human(const struct view *v)
{
    char hex[65];
    text_verified = v->verdict == CAPSULE_OK;
    printf("file         ");
    print_escaped(stdout, v->path, true);
    printf(" (%zu bytes)\n", v->size);
    if (v->verdict == CAPSULE_OK) {
        hex_encode(v->c.id, 32, hex, sizeof hex);
        printf("status       verified\nid           " CAPSULE_HASH_PREFIX "%s\n"
               "entry        0x%llx\n", hex, (unsigned long long)v->c.entry);
    } else {
        printf("status       REFUSED: %s (%s)\n", capsule_error_message(v->verdict),
               capsule_error_name(v->verdict));
    }
    if (v->have_manifest)
        print_manifest_human(&v->c.manifest);
    if (v->have_proof)
        printf("proof        %s\nauthor key   " CAPSULE_HASH_PREFIX "%s\n",
               proof_kind(&v->author), v->fingerprint);
    for (size_t i = 0; v->have_proof && i < v->c.proof.count; i++) {
        const struct proof_signature *s = &v->c.proof.signatures[i];
        hex_encode(s->public_key.data, 16, hex, sizeof hex);
        printf("signed by    %s:%s%s (%zu-byte key, %zu-byte signature)\n",
               algorithm_name(s->algorithm), hex, s->public_key.len > 16 ? "..." : "",
               s->public_key.len, s->signature.len);
    }
    for (size_t i = 0; v->have_container && i < MOD_SECTION_COUNT; i++) {
        const struct mod_section *s = &v->c.container.sections[i];
        hex_encode(s->hash, 32, hex, sizeof hex);
        printf("section      %-8s offset %llu, %llu bytes, " CAPSULE_HASH_PREFIX "%s\n",
               section_names[i], (unsigned long long)s->offset,
               (unsigned long long)s->length, hex);
    }
}

int command_inspect(int argc, char **argv)
{
    static const char usage[] =
        "usage: nonos-capsule inspect [FILE.mod|DIR] [--json]\n"
        "Verifies a capsule and shows its manifest, signer and sections. A\n"
        "capsule that does not verify is shown as far as it parses, with the\n"
        "reason; exit status 0 verified, 1 refused, 2 error.\n";
    if (wants_help(argc, argv, usage))
        return TOOL_OK;
    const char *arg = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (argv[i][0] != '-' && arg == NULL)
            arg = argv[i];
        else {
            fputs(usage, stderr);
            return TOOL_ERROR;
        }
    }
    static char path[4200];
    static struct view v;
    uint8_t *data;
    size_t len;
    if (!tool_target_mod(arg, path, sizeof path) || !file_read(path, TOOL_MOD_MAX, &data, &len))
        return TOOL_ERROR;
    v.path = path;
    load_view(&v, bytes_make(data, len));
    if (json)
        print_json(&v);
    else
        print_human(&v);
    free(data);
    return v.verdict == CAPSULE_OK ? TOOL_OK : TOOL_REFUSED;
}
