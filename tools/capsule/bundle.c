/* `bundle`: packs .mod files and the trusted author keys into a boot bundle
 * (lib/capsule/bundle.h), then verifies the result with the kernel's own
 * code and prints what the kernel will say about each capsule. A bundle may
 * deliberately carry capsules that will be refused (tests do). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsule/bundle.h"
#include "tool.h"

static void print_report(const struct bundle_report *report)
{
    for (size_t i = 0; i < report->count; i++) {
        const struct bundle_entry *e = &report->entries[i];
        char version[SEMVER_TEXT_MAX] = "?";
        if (e->opened)
            semver_format(e->version, version, sizeof version);
        if (e->verdict == CAPSULE_OK)
            printf("  %zu %s %s: verified (%s)\n", i, e->name.text, version,
                   e->hybrid ? "ed25519 + ml-dsa-65" : "ed25519 only");
        else
            printf("  %zu %s %s: REFUSED: %s (%s)\n", i, e->opened ? e->name.text : "?",
                   version, capsule_error_message(e->verdict), capsule_error_name(e->verdict));
    }
}

static int write_bundle(const char *out_path, const char *trust, char **mods, int count)
{
    static struct author_key keys[BUNDLE_KEYS_MAX];
    static struct bundle_work work;
    static struct bundle_report report;
    struct bytes files[BUNDLE_CAPSULES_MAX];
    uint8_t *data[BUNDLE_CAPSULES_MAX] = { 0 };
    int status = TOOL_ERROR, key_count = key_load_public_list(trust, keys, BUNDLE_KEYS_MAX);
    struct byte_buffer out = { NULL, 0, 0 };
    if (key_count <= 0 || count > BUNDLE_CAPSULES_MAX) {
        fprintf(stderr, "nonos-capsule: need 1-%d keys and at most %d capsules\n",
                BUNDLE_KEYS_MAX, BUNDLE_CAPSULES_MAX);
        return TOOL_ERROR;
    }
    size_t total = BUNDLE_HEADER_SIZE + BUNDLE_KEYS_MAX * AUTHOR_ENCODED_MAX;
    for (int i = 0; i < count; i++) {
        size_t len;
        if (!file_read(mods[i], TOOL_MOD_MAX, &data[i], &len))
            goto done;
        files[i] = bytes_make(data[i], len);
        total += 4 + len;
    }
    out.data = malloc(total);
    out.cap = total;
    enum capsule_error err = out.data == NULL ? CAPSULE_ERR_CANON_SPACE
        : bundle_write(keys, (size_t)key_count, files, (size_t)count, &out);
    if (err != CAPSULE_OK) {
        fprintf(stderr, "nonos-capsule: %s\n", capsule_error_message(err));
        goto done;
    }
    err = bundle_verify(bytes_make(out.data, out.len), &work, &report);
    if (err != CAPSULE_OK) {
        /* e.g. one Ed25519 key in two key sets: the kernel would refuse it all */
        fprintf(stderr, "nonos-capsule: not written, the kernel would refuse this bundle: "
                        "%s (%s)\n", capsule_error_message(err), capsule_error_name(err));
        goto done;
    }
    if (file_write(out_path, out.data, out.len, 0644, false)) {
        printf("wrote %s: %d trusted authors, %d capsules, %zu bytes; at boot:\n", out_path,
               key_count, count, out.len);
        print_report(&report);
        status = TOOL_OK;
    }
done:
    for (int i = 0; i < count; i++)
        free(data[i]);
    free(out.data);
    return status;
}

int command_bundle(int argc, char **argv)
{
    static const char usage[] =
        "usage: nonos-capsule bundle --trust PUBLIC_KEY_FILE -o BUNDLE [FILE.mod...]\n"
        "Writes a boot bundle: the authors of PUBLIC_KEY_FILE (author.pub lines,\n"
        "1-16) as the initial trust store, and the capsules in the order\n"
        "given (at most 32). Then prints what the kernel's verifier will say\n"
        "about each capsule. Put it in the image with make BUNDLE_FILE=BUNDLE.\n";
    if (wants_help(argc, argv, usage))
        return TOOL_OK;
    const char *trust = NULL, *out = NULL;
    char *mods[BUNDLE_CAPSULES_MAX + 1];
    int count = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc) {
            trust = argv[++i];
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (argv[i][0] != '-' && count <= BUNDLE_CAPSULES_MAX) {
            mods[count++] = argv[i];
        } else {
            fputs(usage, stderr);
            return TOOL_ERROR;
        }
    }
    if (trust == NULL || out == NULL) {
        fputs(usage, stderr);
        return TOOL_ERROR;
    }
    return write_bundle(out, trust, mods, count);
}
