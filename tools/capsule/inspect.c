/* `inspect`: what a .mod says about itself, for people (default) and for
 * programs (--json). A capsule that fails verification is still shown as
 * far as it parses, with the reason, and the exit status says refused. */
#define _DEFAULT_SOURCE /* readlink, getrandom */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsule/canonical.h"
#include "capsule/capsule.h"
#include "crypto/sha256.h"
#include "tool.h"

struct view {
    const char *path;
    size_t size;
    enum capsule_error verdict;
    bool have_container, have_manifest, have_proof;
    struct capsule c; /* parts valid as the have_ flags say */
};

static const char *const section_names[] = { "manifest", "payload", "proof" };

static void load_view(struct view *v, struct bytes file)
{
    v->size = file.len;
    v->verdict = capsule_open(file, &v->c);
    if (v->verdict == CAPSULE_OK) {
        v->have_container = v->have_manifest = v->have_proof = true;
        return;
    }
    v->have_container = container_parse(file, &v->c.container) == CAPSULE_OK;
    v->have_manifest = v->have_container &&
                       canonical_decode(v->c.container.manifest, &v->c.manifest) == CAPSULE_OK;
    v->have_proof = v->have_container &&
                    proof_parse(v->c.container.proof, &v->c.proof) == CAPSULE_OK;
}

/* A JSON string: manifest text is valid UTF-8 without control characters,
 * so only the quote and the backslash need escaping. */
static void json_string(const char *s)
{
    putchar('"');
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        putchar(*s);
    }
    putchar('"');
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
        if (d->pinned) {
            hex_encode(d->hash, 32, hex, sizeof hex);
            printf(", \"hash\": \"sha256:%s\"", hex);
        }
        putchar('}');
    }
    printf("],\n    \"policy\": {\n      \"network\": {\"allow_clearnet\": %s, \"allow_mesh\": %s},\n",
           m->allow_clearnet ? "true" : "false", m->allow_mesh ? "true" : "false");
    printf("      \"limits\": {\"cpu_us\": %llu, \"memory_bytes\": %llu, \"threads\": %u},\n",
           (unsigned long long)m->cpu_us, (unsigned long long)m->memory_bytes, m->threads);
    printf("      \"capabilities\": {\"ipc\": ");
    print_names_json(m->ipc, m->ipc_count);
    printf(", \"devices\": ");
    print_names_json(m->devices, m->device_count);
    printf(", \"vault\": %s}\n    }\n  },\n", m->vault ? "true" : "false");
}

static void print_json(const struct view *v)
{
    char hex[65];
    printf("{\n  \"file\": ");
    json_string(v->path);
    printf(",\n  \"size\": %zu,\n  \"verified\": %s,\n", v->size,
           v->verdict == CAPSULE_OK ? "true" : "false");
    if (v->verdict != CAPSULE_OK)
        printf("  \"error\": \"%s\",\n  \"error_message\": \"%s\",\n",
               capsule_error_name(v->verdict), capsule_error_message(v->verdict));
    if (v->verdict == CAPSULE_OK) {
        hex_encode(v->c.id, 32, hex, sizeof hex);
        printf("  \"id\": \"sha256:%s\",\n  \"entry\": %llu,\n", hex,
               (unsigned long long)v->c.entry);
    }
    if (v->have_manifest)
        print_manifest_json(&v->c.manifest);
    if (v->have_proof) {
        printf("  \"signatures\": [");
        for (size_t i = 0; i < v->c.proof.count; i++) {
            const struct proof_signature *s = &v->c.proof.signatures[i];
            hex_encode(s->public_key.data, 32, hex, sizeof hex);
            printf("%s{\"algorithm\": \"ed25519\", \"public_key\": \"%s\"}", i ? ", " : "", hex);
        }
        printf("],\n");
    }
    printf("  \"sections\": [");
    for (size_t i = 0; v->have_container && i < MOD_SECTION_COUNT; i++) {
        const struct mod_section *s = &v->c.container.sections[i];
        hex_encode(s->hash, 32, hex, sizeof hex);
        printf("%s\n    {\"type\": \"%s\", \"offset\": %llu, \"length\": %llu, \"sha256\": \"%s\"}",
               i ? "," : "", section_names[i], (unsigned long long)s->offset,
               (unsigned long long)s->length, hex);
    }
    printf("%s]\n}\n", v->have_container ? "\n  " : "");
}

static void print_manifest_human(const struct manifest *m)
{
    char version[SEMVER_TEXT_MAX], range[SEMVER_RANGE_TEXT_MAX], hex[65];
    semver_format(m->version, version, sizeof version);
    printf("capsule      %s %s\n", m->name.text, version);
    if (m->description_len > 0)
        printf("description  %s\n", m->description);
    if (m->author_len > 0)
        printf("author       %s\n", m->author);
    for (size_t i = 0; i < m->dependency_count; i++) {
        const struct manifest_dependency *d = &m->dependencies[i];
        semver_range_format(&d->requirement, range, sizeof range);
        hex_encode(d->hash, 32, hex, sizeof hex);
        printf("depends on   %s %s%s%s\n", d->name.text, range,
               d->pinned ? " sha256:" : "", d->pinned ? hex : "");
    }
    printf("network      clearnet %s, mesh %s\n", m->allow_clearnet ? "allowed" : "denied",
           m->allow_mesh ? "allowed" : "denied");
    printf("limits       cpu %llu us, memory %llu bytes, threads %u\n",
           (unsigned long long)m->cpu_us, (unsigned long long)m->memory_bytes, m->threads);
    printf("ipc          ");
    for (size_t i = 0; i < m->ipc_count; i++)
        printf("%s%s", i ? ", " : "", m->ipc[i].text);
    printf("%s\ndevices      ", m->ipc_count == 0 ? "(none)" : "");
    for (size_t i = 0; i < m->device_count; i++)
        printf("%s%s", i ? ", " : "", m->devices[i].text);
    printf("%s\nvault        %s\n", m->device_count == 0 ? "(none)" : "",
           m->vault ? "allowed" : "denied");
}

static void print_human(const struct view *v)
{
    char hex[65];
    printf("file         %s (%zu bytes)\n", v->path, v->size);
    if (v->verdict == CAPSULE_OK) {
        hex_encode(v->c.id, 32, hex, sizeof hex);
        printf("status       verified\nid           sha256:%s\nentry        0x%llx\n", hex,
               (unsigned long long)v->c.entry);
    } else {
        printf("status       REFUSED: %s (%s)\n", capsule_error_message(v->verdict),
               capsule_error_name(v->verdict));
    }
    if (v->have_manifest)
        print_manifest_human(&v->c.manifest);
    for (size_t i = 0; v->have_proof && i < v->c.proof.count; i++) {
        hex_encode(v->c.proof.signatures[i].public_key.data, 32, hex, sizeof hex);
        printf("signed by    ed25519:%s\n", hex);
    }
    for (size_t i = 0; v->have_container && i < MOD_SECTION_COUNT; i++) {
        const struct mod_section *s = &v->c.container.sections[i];
        hex_encode(s->hash, 32, hex, sizeof hex);
        printf("section      %-8s offset %llu, %llu bytes, sha256:%s\n", section_names[i],
               (unsigned long long)s->offset, (unsigned long long)s->length, hex);
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
