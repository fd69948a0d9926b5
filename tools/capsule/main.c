/* nonos-capsule: the capsule author's tool (keygen, new, build, sign,
 * verify, inspect, bundle). Each command lives in its own file; this one only
 * dispatches. Guide: docs/capsules.md; format: docs/capsule-format.md. */
#include <stdio.h>
#include <string.h>

#include "tool.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    { "keygen", command_keygen, "create an author key (hybrid Ed25519 + ML-DSA-65)" },
    { "new", command_new, "create a capsule project NAME/ that builds as is" },
    { "build", command_build, "compile capsule.toml and src/*.c (manifest + payload)" },
    { "sign", command_sign, "sign the build into NAME-VERSION.mod" },
    { "verify", command_verify, "verify a .mod (one line, exit status)" },
    { "inspect", command_inspect, "show a .mod (--json for programs)" },
    { "bundle", command_bundle, "pack .mod files and trusted keys into a boot bundle" },
};

static void usage(FILE *out)
{
    fputs("usage: nonos-capsule COMMAND [ARGS]   (nonos-capsule COMMAND --help)\n\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\nQuick start: nonos-capsule new hello && cd hello && nonos-capsule build\n"
          "             && nonos-capsule sign && nonos-capsule verify\n", out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return TOOL_ERROR;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return TOOL_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "nonos-capsule: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return TOOL_ERROR;
}
