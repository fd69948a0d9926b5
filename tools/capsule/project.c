/* `new` and `build`: a capsule project is a directory with capsule.toml and
 * src/ (C files); `build` compiles the sources against the SDK into
 * build/payload.elf and capsule.toml into build/manifest.bin.
 *
 * The SDK (crt0.c, capsule.ld, include/) is found at $NONOS_SDK, else next
 * to the tool: <tool dir>/../../sdk (the tool in build/host/ of a source
 * tree), <tool dir>/../sdk, <tool dir>/../share/nonos/sdk. The compiler is
 * $NONOS_CC, else clang. */
#define _DEFAULT_SOURCE /* readlink, getrandom */
#include <dirent.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capsule/canonical.h"
#include "capsule/container.h"
#include "tool.h"

#define SOURCES_MAX 256

extern char **environ;

static const char toml_template[] =
    "# What this capsule is and what it may do: docs/capsules.md.\n"
    "name = \"%s\"\n"
    "version = \"0.1.0\"\n"
    "description = \"A NONOS capsule\"\n"
    "\n"
    "[dependencies]\n"
    "# \"nonos-crypto\" = { version = \"^1.0\", hash = \"blake2b:...\" }\n"
    "\n"
    "[policy.network]\n"
    "allow_clearnet = false\n"
    "allow_mesh = false\n"
    "\n"
    "[policy.limits]\n"
    "cpu = \"100ms\"\n"
    "memory = \"1MiB\"\n"
    "threads = 1\n"
    "# capabilities = 64              # capability slots, 8 to 4096\n"
    "\n"
    "[policy.capabilities]\n"
    "ipc = []\n"
    "# provides = []                  # services it may register with the name service\n"
    "devices = []\n"
    "vault = false\n"
    "# supervisor = \"none\"            # \"read\": ps, audit; \"control\": also run, kill, power\n"
    "\n"
    "[lifecycle]\n"
    "# restart = \"never\"              # \"on-failure\" or \"always\": init starts it again\n";

static const char main_template[] =
    "/* %s: a NONOS capsule. _start (sdk/crt0.c) calls main and exits with\n"
    " * its return value. Every capsule starts with a console capability in\n"
    " * NONOS_SLOT_CONSOLE (write right): the system calls are in\n"
    " * <nonos/syscall.h>, the errors they return in <nonos/error.h>. */\n"
    "#include <nonos/abi.h>\n"
    "#include <nonos/capsule.h>\n"
    "#include <nonos/syscall.h>\n"
    "\n"
    "int main(void)\n"
    "{\n"
    "    static const char text[] = \"hello from %s\\n\";\n"
    "    long written = nonos_console_write(NONOS_SLOT_CONSOLE, text, sizeof text - 1);\n"
    "    return written < 0 ? 1 : 0;\n"
    "}\n";

bool project_manifest(const char *dir, struct manifest *m)
{
    static struct toml_node nodes[4096];
    char path[4096];
    uint8_t *data;
    size_t len;
    if (!path_join(path, sizeof path, dir, "capsule.toml") ||
        !file_read(path, TOOL_TOML_MAX, &data, &len))
        return false;
    uint8_t *text = malloc(len + 1);
    struct capsule_diag diag = { CAPSULE_OK, 0, "" };
    enum capsule_error err = text == NULL ? CAPSULE_ERR_TOML_TOO_LARGE
        : manifest_parse_toml(bytes_make(data, len), m, nodes, 4096, text, len + 1, &diag);
    free(text);
    free(data);
    if (err == CAPSULE_OK)
        return true;
    char line[16] = "";
    if (diag.line > 0)
        snprintf(line, sizeof line, ":%u", diag.line);
    fprintf(stderr, "%s%s: %s%s%s (%s)\n", path, line, diag.key,
            diag.key[0] != '\0' ? ": " : "", capsule_error_message(err),
            capsule_error_name(err));
    return false;
}

static bool make_dir(const char *path)
{
    if (mkdir(path, 0755) == 0)
        return true;
    fprintf(stderr, "nonos-capsule: cannot create %s: %s\n", path, strerror(errno));
    return false;
}

static bool ensure_author_key(void)
{
    char dir[4096], key[4096];
    if (!key_default_dir(dir, sizeof dir) || !path_join(key, sizeof key, dir, "author.key"))
        return false;
    if (file_exists(key))
        return true;
    if (!key_generate(dir, true, true))
        return false;
    printf("created your author key %s (secret, mode 0600) and %s/author.pub\n", key, dir);
    return true;
}

int command_new(int argc, char **argv)
{
    static const char usage[] =
        "usage: nonos-capsule new NAME\n"
        "Creates NAME/capsule.toml and NAME/src/main.c, a capsule that builds as\n"
        "is. Creates the default author key too if there is none yet.\n";
    if (wants_help(argc, argv, usage))
        return TOOL_OK;
    if (argc != 2) {
        fputs(usage, stderr);
        return TOOL_ERROR;
    }
    const char *name = argv[1];
    if (!manifest_name_valid((const uint8_t *)name, strlen(name))) {
        fprintf(stderr, "nonos-capsule: %s: %s\n", name,
                capsule_error_message(CAPSULE_ERR_MANIFEST_NAME));
        return TOOL_REFUSED;
    }
    char path[4096], src[4096], text[2048];
    if (!make_dir(name) || !path_join(src, sizeof src, name, "src") || !make_dir(src))
        return TOOL_ERROR;
    int n = snprintf(text, sizeof text, toml_template, name);
    if (!path_join(path, sizeof path, name, "capsule.toml") ||
        !file_write(path, text, (size_t)n, 0644, true))
        return TOOL_ERROR;
    n = snprintf(text, sizeof text, main_template, name, name);
    if (!path_join(path, sizeof path, src, "main.c") ||
        !file_write(path, text, (size_t)n, 0644, true))
        return TOOL_ERROR;
    if (!ensure_author_key())
        return TOOL_ERROR;
    printf("created capsule %s: %s/capsule.toml, %s/src/main.c\n", name, name, name);
    return TOOL_OK;
}

static bool sdk_usable(const char *dir)
{
    char ld[4096];
    return path_join(ld, sizeof ld, dir, "capsule.ld") && file_exists(ld);
}

static bool sdk_find(char *out, size_t cap)
{
    const char *env = getenv("NONOS_SDK");
    if (env != NULL && env[0] != '\0') {
        snprintf(out, cap, "%s", env);
        if (sdk_usable(out))
            return true;
        fprintf(stderr, "nonos-capsule: NONOS_SDK=%s has no capsule.ld\n", env);
        return false;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL)
            *slash = '\0';
        static const char *const relative[] = { "../../sdk", "../sdk", "../share/nonos/sdk" };
        for (size_t i = 0; i < 3; i++) {
            if (path_join(out, cap, exe, relative[i]) && sdk_usable(out))
                return true;
        }
    }
    fprintf(stderr, "nonos-capsule: cannot find the SDK; set NONOS_SDK to its directory\n");
    return false;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends "dir/src/<name>.c" for every C file in dir/src, sorted. */
static int collect_sources(const char *dir, char **argv, int argc, int max)
{
    char src[4096];
    if (!path_join(src, sizeof src, dir, "src"))
        return -1;
    DIR *d = opendir(src);
    if (d == NULL) {
        fprintf(stderr, "nonos-capsule: cannot open %s: %s\n", src, strerror(errno));
        return -1;
    }
    int first = argc;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0 || e->d_name[0] == '.')
            continue;
        if (argc == max) {
            closedir(d);
            fprintf(stderr, "nonos-capsule: too many sources in %s\n", src);
            return -1;
        }
        argv[argc] = malloc(4096);
        if (argv[argc] == NULL || !path_join(argv[argc], 4096, src, e->d_name)) {
            closedir(d);
            return -1;
        }
        argc++;
    }
    closedir(d);
    if (argc == first) {
        fprintf(stderr, "nonos-capsule: no .c files in %s\n", src);
        return -1;
    }
    qsort(argv + first, (size_t)(argc - first), sizeof argv[0], compare_names);
    return argc;
}

static bool run(char **argv)
{
    pid_t pid;
    int status;
    int err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (err != 0) {
        fprintf(stderr, "nonos-capsule: cannot run %s: %s\n", argv[0], strerror(err));
        return false;
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "nonos-capsule: %s failed\n", argv[0]);
        return false;
    }
    return true;
}

static bool compile_payload(const char *dir, const char *sdk, const char *out)
{
    static char include[4200], script[4200], crt0[4200];
    const char *cc = getenv("NONOS_CC");
    char *argv[SOURCES_MAX + 32];
    int argc = 0;
    snprintf(include, sizeof include, "-I%s/include", sdk);
    snprintf(script, sizeof script, "-Wl,-T,%s/capsule.ld", sdk);
    snprintf(crt0, sizeof crt0, "%s/crt0.c", sdk);
    const char *fixed[] = {
        cc != NULL && cc[0] != '\0' ? cc : "clang",
        "--target=x86_64-unknown-none-elf", "-std=c17", "-O2", "-g0",
        "-ffreestanding", "-fno-builtin", "-nostdlib", "-static", "-fno-pic",
        "-fno-pie", "-mno-red-zone", "-mgeneral-regs-only", "-fno-stack-protector",
        "-fno-asynchronous-unwind-tables", "-ffunction-sections", "-fdata-sections",
        "-Wall", "-Wextra", "-Werror", "-Wl,--gc-sections",
        "-fuse-ld=lld", "-Wl,--build-id=none", "-Wl,-z,noexecstack", "-Wl,--strip-all",
        include, script, "-o", out, crt0,
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        argv[argc++] = (char *)fixed[i];
    int first_source = argc;
    argc = collect_sources(dir, argv, argc, SOURCES_MAX + 30);
    if (argc < 0)
        return false;
    argv[argc] = NULL;
    bool ok = run(argv);
    for (int i = first_source; i < argc; i++)
        free(argv[i]);
    return ok;
}

static bool check_payload(const char *path)
{
    uint8_t *data;
    size_t len;
    uint64_t entry;
    if (!file_read(path, MOD_PAYLOAD_MAX, &data, &len))
        return false;
    enum capsule_error err = payload_check_elf(bytes_make(data, len), &entry);
    free(data);
    if (err != CAPSULE_OK)
        fprintf(stderr, "nonos-capsule: %s: %s\n", path, capsule_error_message(err));
    return err == CAPSULE_OK;
}

int command_build(int argc, char **argv)
{
    static const char usage[] =
        "usage: nonos-capsule build [DIR]\n"
        "Compiles DIR/capsule.toml into DIR/build/manifest.bin (the canonical\n"
        "manifest) and DIR/src/*.c with the SDK into DIR/build/payload.elf (a\n"
        "static x86_64 ELF). DIR defaults to the current directory. The SDK is\n"
        "$NONOS_SDK or found next to the tool; the compiler is $NONOS_CC or clang.\n";
    if (wants_help(argc, argv, usage))
        return TOOL_OK;
    if (argc > 2) {
        fputs(usage, stderr);
        return TOOL_ERROR;
    }
    const char *dir = argc == 2 ? argv[1] : ".";
    static struct manifest m;
    static uint8_t encoded[CANONICAL_MANIFEST_MAX];
    struct byte_buffer out = { encoded, 0, sizeof encoded };
    char sdk[4096], build[4096], elf[4200], bin[4200];
    if (!project_manifest(dir, &m))
        return TOOL_REFUSED;
    enum capsule_error err = canonical_encode(&m, &out);
    if (err != CAPSULE_OK) {
        fprintf(stderr, "nonos-capsule: %s\n", capsule_error_message(err));
        return TOOL_REFUSED;
    }
    if (!sdk_find(sdk, sizeof sdk) || !path_join(build, sizeof build, dir, "build"))
        return TOOL_ERROR;
    if (mkdir(build, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "nonos-capsule: cannot create %s: %s\n", build, strerror(errno));
        return TOOL_ERROR;
    }
    if (!path_join(elf, sizeof elf, build, "payload.elf") ||
        !path_join(bin, sizeof bin, build, "manifest.bin") ||
        !compile_payload(dir, sdk, elf) || !check_payload(elf) ||
        !file_write(bin, encoded, out.len, 0644, false))
        return TOOL_ERROR;
    printf("built %s %u.%u.%u: %s, %s (%zu bytes)\n", m.name.text, m.version.major,
           m.version.minor, m.version.patch, elf, bin, out.len);
    return TOOL_OK;
}
