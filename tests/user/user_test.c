/* Host tests of the system capsules' pure logic under ASan + UBSan
 * (suite 17-user): user/lib's text buffers, line editor and capsule-list
 * lookups; the name service's policy decisions with made-up capsule
 * descriptions; init's start plan (order, cycles, missing dependencies) and
 * restart rule with its rate limit; the shell's command parsing and tables;
 * the virtio drivers' split virtqueue against a simulated device, and their
 * PCI capability walk (virtio_pci.c) over made-up configuration spaces,
 * each refusal with its code; the net capsule's NONOS_NET_UDP_NOTIFY,
 * REPORT and PING decoding, the mesh capsule's command line, its and the
 * shell's reading of nonos.net's replies (net_reply.c, stack_reply.c), each
 * refusal with its code, and the escaping of their text for the console.
 * Buffers that must not be overrun are heap blocks of the exact size, so
 * ASan reports a byte too far. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsule_list.h"
#include "line_editor.h"
#include "nonos/abi.h"
#include "nonos/error.h"
#include "nonos/mesh.h"
#include "nonos/names.h"
#include "nonos/net.h"
#include "tests/host/test.h"
#include "text.h"
#include "user/init/plan.h"
#include "user/init/restart.h"
#include "user/mesh/command.h"
#include "user/lib/net_reply.h"
#include "user/names/registry.h"
#include "user/net/request.h"
#include "user/net/wake_request.h"
#include "user/shell/parse.h"
#include "user/shell/stack_reply.h"
#include "user/shell/tables.h"
#include "virtio_pci.h"
#include "virtqueue.h"

/* ---- text ---- */

static void test_text(void)
{
    char *storage = malloc(8);
    struct byte_buffer out = text_buffer(storage, 8);
    bool fits = text_printf(&out, "%d-%s", 12, "ab");
    test_check(fits && out.len == 5 && memcmp(storage, "12-ab", 5) == 0, "text_printf appends what fits");
    bool whole = text_printf(&out, "%s", "xyzw");
    test_check(!whole && out.len == 7 && memcmp(storage, "12-abxyz", 7) == 0,
               "text_printf reports a cut text and never writes past cap (len %zu)", out.len);
    bool full = text_printf(&out, "more");
    test_check(!full && out.len == 7, "text_printf into a full buffer changes nothing");
    out = text_buffer(storage, 8);
    bool appended = text_append(&out, "0123456789", 10);
    test_check(!appended && out.len == 8 && memcmp(storage, "01234567", 8) == 0,
               "text_append fills to cap and reports the rest dropped");
    free(storage);

    uint64_t value = 7;
    test_check(text_parse_u64("0", 1, &value) && value == 0, "text_parse_u64 0");
    test_check(text_parse_u64("18446744073709551615", 20, &value) && value == UINT64_MAX,
               "text_parse_u64 UINT64_MAX");
    value = 7;
    bool refused = !text_parse_u64("18446744073709551616", 20, &value) && !text_parse_u64("", 0, &value) &&
                   !text_parse_u64("12a", 3, &value) && !text_parse_u64("-1", 2, &value) &&
                   !text_parse_u64(" 1", 2, &value) && !text_parse_u64("1 ", 2, &value);
    test_check(refused && value == 7, "text_parse_u64 refuses overflow, empty, signs, blanks, letters; *out untouched");
    test_check(text_equal("help", 4, "help") && !text_equal("hel", 3, "help") && !text_equal("helps", 5, "help") &&
                   !text_equal("help", 4, "helq"),
               "text_equal compares the whole word");
    char unterminated[4] = { 'a', 'b', 'c', 'd' };
    test_check(text_length(unterminated, sizeof unterminated) == 4 && text_length("ab", 10) == 2,
               "text_length stops at max without a NUL (ASan-checked)");
}

/* ---- line editor ---- */

struct typed {
    char line[128];
    int done, cancelled;
    char echo[1024];
    size_t echo_len;
};

/* Feeds input[0..len) to a fresh editor of capacity cap; keeps the last line. */
static void type(const char *input, size_t len, size_t cap, struct typed *result)
{
    char *line = malloc(cap);
    char *echo_storage = malloc(LINE_ECHO_MAX(cap));
    struct line_editor editor;
    memset(result, 0, sizeof *result);
    line_editor_init(&editor, line, cap);
    for (size_t i = 0; i < len; i++) {
        struct byte_buffer echo = text_buffer(echo_storage, LINE_ECHO_MAX(cap));
        enum line_status status = line_editor_feed(&editor, (uint8_t)input[i], &echo);
        if (result->echo_len + echo.len < sizeof result->echo) {
            memcpy(result->echo + result->echo_len, echo_storage, echo.len);
            result->echo_len += echo.len;
        }
        if (status == LINE_DONE) {
            result->done++;
            snprintf(result->line, sizeof result->line, "%s", line);
            line_editor_reset(&editor);
        } else if (status == LINE_CANCELLED) {
            result->cancelled++;
            line_editor_reset(&editor);
        }
    }
    free(echo_storage);
    free(line);
}

#define TYPE(text, cap, result) type(text, sizeof text - 1, cap, result)

static void test_line_editor(void)
{
    struct typed t;
    TYPE("help\r", 128, &t);
    test_check(t.done == 1 && strcmp(t.line, "help") == 0 && t.echo_len == 5 && memcmp(t.echo, "help\n", 5) == 0,
               "line editor: typed text is echoed and Enter ends the line");
    TYPE("a\r\nb\r\n", 128, &t);
    test_check(t.done == 2 && strcmp(t.line, "b") == 0, "line editor: \\r\\n is one Enter (%d lines)", t.done);
    TYPE("x\ny\n", 128, &t);
    test_check(t.done == 2 && strcmp(t.line, "y") == 0, "line editor: a bare \\n is an Enter");
    TYPE("\r\r", 128, &t);
    test_check(t.done == 2 && t.line[0] == '\0', "line editor: two \\r are two (empty) lines");
    TYPE("ab\bc\x7f" "d\r", 128, &t);
    test_check(strcmp(t.line, "ad") == 0 && memcmp(t.echo, "ab\b \bc\b \bd\n", 12) == 0,
               "line editor: Backspace and DEL erase one character with \\b \\b");
    TYPE("\b\x7fok\r", 128, &t);
    test_check(strcmp(t.line, "ok") == 0 && memcmp(t.echo, "ok\n", 3) == 0,
               "line editor: Backspace on an empty line does nothing");
    TYPE("abc\x15z\r", 128, &t);
    test_check(strcmp(t.line, "z") == 0 && memcmp(t.echo, "abc\b \b\b \b\b \bz\n", 15) == 0,
               "line editor: Ctrl-U erases the whole line");
    TYPE("kill 3\x03", 128, &t);
    test_check(t.cancelled == 1 && t.done == 0 && memcmp(t.echo + 6, "^C\n", 3) == 0,
               "line editor: Ctrl-C cancels the line with ^C");
    TYPE("a\x1b[Ab\x1bOPc\x1b[1;5Dd\r", 128, &t);
    test_check(strcmp(t.line, "abcd") == 0, "line editor: escape sequences (arrows, F1, ctrl-arrow) are skipped: '%s'", t.line);
    TYPE("\x1bxy\r", 128, &t);
    test_check(strcmp(t.line, "xy") == 0, "line editor: a lone Esc keeps the byte after it");
    TYPE("\x1b[123456789z\r", 128, &t);
    test_check(strcmp(t.line, "9z") == 0, "line editor: an escape sequence ends after 8 parameter bytes: '%s'", t.line);
    TYPE("abcdef\r", 4, &t);
    test_check(strcmp(t.line, "abc") == 0 && memcmp(t.echo, "abc\n", 4) == 0,
               "line editor: a full line (capacity 4) takes 3 characters, echoes no more (ASan-checked)");
    TYPE("a\tb\x01" "c\r", 128, &t);
    test_check(strcmp(t.line, "abc") == 0, "line editor: other control characters are ignored");
}

/* ---- capsule descriptions ---- */

static void name_set(struct nonos_name *name, const char *text)
{
    memset(name, 0, sizeof *name);
    snprintf(name->text, sizeof name->text, "%s", text);
}

static struct nonos_capsule_info capsule_make(const char *name, uint32_t verified)
{
    struct nonos_capsule_info info;
    memset(&info, 0, sizeof info);
    snprintf(info.name, sizeof info.name, "%s", name);
    snprintf(info.version, sizeof info.version, "1.0.0");
    info.verified = verified;
    return info;
}

static void capsule_depends(struct nonos_capsule_info *info, const char *dependency)
{
    name_set(&info->dependencies[info->dependency_count++], dependency);
}

static void capsule_provides(struct nonos_capsule_info *info, const char *service)
{
    name_set(&info->provides[info->provides_count++], service);
}

static void capsule_calls(struct nonos_capsule_info *info, const char *service)
{
    name_set(&info->ipc[info->ipc_count++], service);
}

static void test_capsule_list(void)
{
    struct nonos_capsule_info capsules[3] = { capsule_make("a", 1), capsule_make("b", 0), capsule_make("b", 1) };
    capsule_provides(&capsules[0], "nonos.vault");
    capsule_provides(&capsules[1], "nonos.log");
    test_check(capsule_find(capsules, 3, "b", 1) == 2, "capsule_find skips an unverified capsule of the name");
    test_check(capsule_find(capsules, 3, "c", 1) == CAPSULE_NONE, "capsule_find: no such name");
    test_check(capsule_find_provider(capsules, 3, "nonos.vault", 11) == 0 &&
                   capsule_find_provider(capsules, 3, "nonos.log", 9) == CAPSULE_NONE,
               "capsule_find_provider: only verified providers");
    test_check(!capsule_list_has(capsules[0].provides, 1, "nonos.vau", 9) &&
                   !capsule_list_has(capsules[0].provides, 1, "nonos.vaults", 12) &&
                   capsule_list_has(capsules[0].provides, 1, "nonos.vault", 11),
               "capsule_list_has matches whole names only");
    struct nonos_name *full = malloc(NONOS_CAPSULE_LIST_MAX * sizeof *full);
    for (int i = 0; i < NONOS_CAPSULE_LIST_MAX; i++)
        memset(full[i].text, 'x', sizeof full[i].text); /* no NUL anywhere */
    char long_name[NONOS_NAME_MAX];
    memset(long_name, 'x', sizeof long_name);
    test_check(capsule_list_has(full, 1000, long_name, NONOS_NAME_MAX),
               "capsule_list_has bounds a count and names without NUL by the list's size (ASan-checked)");
    free(full);
}

/* ---- name service ---- */

static void test_names(void)
{
    struct nonos_capsule_info vault = capsule_make("vault", 1);
    capsule_provides(&vault, "nonos.vault");
    struct nonos_capsule_info client = capsule_make("client", 1);
    capsule_calls(&client, "nonos.vault");
    struct nonos_capsule_info stranger = capsule_make("stranger", 1);
    capsule_calls(&stranger, "nonos.log");
    struct nonos_capsule_info forged = capsule_make("forged", 0);
    capsule_provides(&forged, "nonos.vault");
    capsule_calls(&forged, "nonos.vault");
    static struct names_registry registry;
    names_registry_init(&registry);
    const char *name = "nonos.vault";
    uint32_t length = 11;

    test_check(names_decide_register(&vault, 5, name, length, NULL, false, false) == 0,
               "names: a capsule that provides the name may register it");
    test_check(names_decide_register(&client, 6, name, length, NULL, false, false) == NONOS_ERROR_DENIED,
               "names: a capsule that only calls the name may not register it (DENIED)");
    test_check(names_decide_register(&forged, 7, name, length, NULL, false, false) == NONOS_ERROR_DENIED,
               "names: an unverified capsule may not register (DENIED)");
    test_check(names_decide_register(&vault, 5, "nonos.vaul", 10, NULL, false, false) == NONOS_ERROR_DENIED,
               "names: a prefix of a provided name is not provided (DENIED)");
    test_check(names_decide_register(&vault, 5, name, length, NULL, false, true) == NONOS_ERROR_SLOT_LIMIT,
               "names: a full table refuses a new name (SLOT_LIMIT)");

    test_check(names_decide_lookup(&client, name, length, NULL) == NONOS_ERROR_NOT_FOUND,
               "names: lookup of an allowed name nobody registered yet is NOT_FOUND");
    struct names_entry *entry = names_free_entry(&registry);
    names_store(entry, name, length, 5, 16);
    struct names_entry *found = names_find(&registry, name, length);
    test_check(found == entry && found->slot == 16 && found->process == 5 &&
                   names_find(&registry, "nonos.vaul", 10) == NULL,
               "names: a stored entry is found by its whole name only");
    test_check(names_decide_lookup(&client, name, length, found) == 0,
               "names: a capsule whose manifest lists the name under ipc gets it");
    test_check(names_decide_lookup(&stranger, name, length, found) == NONOS_ERROR_DENIED &&
                   names_decide_lookup(&vault, name, length, found) == NONOS_ERROR_DENIED,
               "names: a capsule without the name under ipc is DENIED, even its provider");
    test_check(names_decide_lookup(&stranger, "nonos.other", 11, NULL) == NONOS_ERROR_DENIED,
               "names: DENIED comes before NOT_FOUND (no probing for registered names)");
    test_check(names_decide_lookup(&forged, name, length, found) == NONOS_ERROR_DENIED,
               "names: an unverified capsule's ipc list counts for nothing (DENIED)");

    test_check(names_decide_register(&vault, 9, name, length, found, true, false) == NONOS_ERROR_EXISTS,
               "names: another provider process cannot take a name whose holder runs (EXISTS)");
    test_check(names_decide_register(&vault, 9, name, length, found, false, false) == 0,
               "names: a restarted provider takes over the name of its ended predecessor");
    test_check(names_decide_register(&vault, 5, name, length, found, true, false) == 0,
               "names: the holder may register its name again");

    int stored = 1;
    char service[16];
    while ((entry = names_free_entry(&registry)) != NULL) {
        snprintf(service, sizeof service, "s%d", stored);
        names_store(entry, service, (uint32_t)strlen(service), 1, 16 + (uint32_t)stored);
        stored++;
    }
    test_check(stored == NAMES_ENTRIES_MAX, "names: the table holds %d entries, then has no free one", NAMES_ENTRIES_MAX);
}

/* ---- init: start plan ---- */

static void plan_order_text(const struct plan *plan, const struct nonos_capsule_info *capsules, char *out,
                            size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < plan->order_count && len < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", capsules[plan->order[i]].name);
}

static void test_plan_system(void)
{
    struct nonos_capsule_info capsules[5] = {
        capsule_make("init", 1), capsule_make("shell", 1), capsule_make("hello", 1),
        capsule_make("names", 1), capsule_make("refused", 0),
    };
    capsule_provides(&capsules[3], NONOS_NAMES_SERVICE);
    bool running[5] = { true, false, false, false, false };
    static struct plan plan;
    char order[256];
    plan_make(capsules, 5, running, &plan);
    plan_order_text(&plan, capsules, order, sizeof order);
    test_check(strcmp(order, "names shell hello") == 0,
               "init plan: the name service first, then bundle order, init itself not again: '%s'", order);
    test_check(plan.verdict[0] == PLAN_RUNNING && plan.verdict[4] == PLAN_UNVERIFIED,
               "init plan: running and refused capsules are not started");
}

static void test_plan_dependencies(void)
{
    /* app -> lib -> base (bundle order app, lib, base); tool -> app. */
    struct nonos_capsule_info capsules[4] = {
        capsule_make("app", 1), capsule_make("lib", 1), capsule_make("base", 1), capsule_make("tool", 1),
    };
    capsule_depends(&capsules[0], "lib");
    capsule_depends(&capsules[1], "base");
    capsule_depends(&capsules[3], "app");
    bool running[4] = { false };
    static struct plan plan;
    char order[256];
    plan_make(capsules, 4, running, &plan);
    plan_order_text(&plan, capsules, order, sizeof order);
    test_check(strcmp(order, "base lib app tool") == 0, "init plan: dependencies start first: '%s'", order);
    running[2] = true; /* base already runs */
    plan_make(capsules, 4, running, &plan);
    plan_order_text(&plan, capsules, order, sizeof order);
    test_check(strcmp(order, "lib app tool") == 0, "init plan: a running dependency counts as met: '%s'", order);
}

static void test_plan_refusals(void)
{
    /* x <-> y cycle, z -> x, self -> self, needy -> ghost (absent),
     * child -> needy, weak -> refused (unverified), free alone. */
    struct nonos_capsule_info capsules[9] = {
        capsule_make("x", 1), capsule_make("y", 1), capsule_make("z", 1), capsule_make("self", 1),
        capsule_make("needy", 1), capsule_make("child", 1), capsule_make("weak", 1),
        capsule_make("refused", 0), capsule_make("free", 1),
    };
    capsule_depends(&capsules[0], "y");
    capsule_depends(&capsules[1], "x");
    capsule_depends(&capsules[2], "x");
    capsule_depends(&capsules[3], "self");
    capsule_depends(&capsules[4], "free");
    capsule_depends(&capsules[4], "ghost");
    capsule_depends(&capsules[5], "needy");
    capsule_depends(&capsules[6], "refused");
    bool running[9] = { false };
    static struct plan plan;
    char order[256];
    plan_make(capsules, 9, running, &plan);
    plan_order_text(&plan, capsules, order, sizeof order);
    test_check(strcmp(order, "free") == 0, "init plan: only the capsule with met dependencies starts: '%s'", order);
    test_check(plan.verdict[0] == PLAN_CYCLE && plan.verdict[1] == PLAN_CYCLE && plan.verdict[3] == PLAN_CYCLE,
               "init plan: both members of a cycle and a self-dependency are CYCLE");
    test_check(plan.verdict[2] == PLAN_BLOCKED && plan.detail[2] == 0,
               "init plan: a capsule depending on a cycle is BLOCKED, naming the dependency");
    test_check(plan.verdict[4] == PLAN_MISSING && plan.detail[4] == 1,
               "init plan: a dependency nobody carries is MISSING, naming it (index 1: ghost)");
    test_check(plan.verdict[5] == PLAN_BLOCKED, "init plan: a dependent of a MISSING capsule is BLOCKED");
    test_check(plan.verdict[6] == PLAN_MISSING, "init plan: a dependency only an unverified capsule carries is MISSING");
    test_check(strcmp(plan_verdict_text(PLAN_CYCLE), "dependency cycle") == 0, "init plan: verdict text");
}

static void test_plan_bounds(void)
{
    static struct nonos_capsule_info capsules[PLAN_CAPSULES_MAX + 1];
    bool running[PLAN_CAPSULES_MAX + 1] = { false };
    char name[8];
    for (size_t i = 0; i <= PLAN_CAPSULES_MAX; i++) {
        snprintf(name, sizeof name, "c%zu", i);
        capsules[i] = capsule_make(name, 1);
        if (i > 0)
            capsule_depends(&capsules[i], capsules[i - 1].name);
    }
    capsules[5].dependency_count = 1000; /* a bad count from the kernel: bounded to the list */
    static struct plan plan;
    plan_make(capsules, PLAN_CAPSULES_MAX + 1, running, &plan);
    test_check(plan.count == PLAN_CAPSULES_MAX && plan.verdict[5] == PLAN_MISSING,
               "init plan: at most %d capsules; a bad dependency count is bounded (ASan-checked)", PLAN_CAPSULES_MAX);
}

/* ---- init: restarts ---- */

static void test_restart(void)
{
    bool matrix = restart_wanted(NONOS_RESTART_ALWAYS, NONOS_END_EXIT, 0) &&
                  restart_wanted(NONOS_RESTART_ALWAYS, NONOS_END_KILLED, 0) &&
                  restart_wanted(NONOS_RESTART_ON_FAILURE, NONOS_END_FAULT, 0) &&
                  restart_wanted(NONOS_RESTART_ON_FAILURE, NONOS_END_CPU_BUDGET, 0) &&
                  restart_wanted(NONOS_RESTART_ON_FAILURE, NONOS_END_EXIT, 3) &&
                  !restart_wanted(NONOS_RESTART_ON_FAILURE, NONOS_END_EXIT, 0) &&
                  !restart_wanted(NONOS_RESTART_ON_FAILURE, NONOS_END_KILLED, 0) &&
                  !restart_wanted(NONOS_RESTART_NEVER, NONOS_END_FAULT, 0) &&
                  !restart_wanted(7, NONOS_END_FAULT, 0);
    test_check(matrix, "init restart rule: always / on-failure (fault, CPU budget, exit != 0) / never");

    struct restart_history history = { 0 };
    const uint64_t second = 1000000000ull;
    int allowed = 0;
    for (uint64_t t = 0; t < 5; t++)
        allowed += restart_allow(&history, 100 * second + t * second);
    test_check(allowed == 5 && !restart_allow(&history, 105 * second),
               "init restart limit: 5 restarts within a minute, the 6th refused");
    test_check(!restart_allow(&history, 159 * second), "init restart limit: still refused 59 s after the first");
    test_check(restart_allow(&history, 160 * second) && !restart_allow(&history, 160 * second),
               "init restart limit: one more once the oldest leaves the window, then refused again");
    struct restart_history backwards = { 0 };
    restart_allow(&backwards, 50 * second);
    test_check(restart_allow(&backwards, 10 * second) && backwards.count == 2,
               "init restart limit: a clock reading earlier than a recorded restart counts as inside the window");
}

/* ---- shell ---- */

static void test_shell_parse(void)
{
    static const char line[] = " \t kill \t 12  ";
    struct shell_words words = shell_split(line, sizeof line - 1);
    test_check(words.command_length == 4 && memcmp(words.command, "kill", 4) == 0 &&
                   words.arguments_length == 2 && memcmp(words.arguments, "12", 2) == 0,
               "shell: command word and arguments, blanks around them dropped");
    words = shell_split("   ", 3);
    test_check(words.command_length == 0, "shell: a blank line has no command");
    words = shell_split("ps", 2);
    test_check(words.command_length == 2 && words.arguments_length == 0, "shell: a command without arguments");
    words = shell_split("run  my app", 11);
    test_check(words.arguments_length == 6 && !shell_parse_name(words.arguments, words.arguments_length),
               "shell: run refuses two words");
    uint64_t id = 0;
    test_check(shell_parse_id("42", 2, &id) && id == 42 && !shell_parse_id("", 0, &id) &&
                   !shell_parse_id("4 2", 3, &id) && !shell_parse_id("0x10", 4, &id) &&
                   !shell_parse_id("99999999999999999999", 20, &id),
               "shell: a process id is one decimal number in range");
    char long_name[NONOS_NAME_MAX + 1];
    memset(long_name, 'a', sizeof long_name);
    test_check(shell_parse_name("names", 5) && shell_parse_name(long_name, NONOS_NAME_MAX) &&
                   !shell_parse_name(long_name, NONOS_NAME_MAX + 1) && !shell_parse_name("", 0),
               "shell: a capsule name is one word of 1..64 bytes");
}

static struct nonos_process_info process_make(uint64_t id, const char *name)
{
    struct nonos_process_info info;
    memset(&info, 0, sizeof info);
    info.id = id;
    snprintf(info.name, sizeof info.name, "%s", name);
    info.cpu_used_us = 12345;
    info.cpu_budget_us = 86400000000ull;
    info.memory_used = 180 * 1024;
    info.memory_limit = 512 * 1024;
    info.threads = 1;
    info.thread_limit = 1;
    return info;
}

/* Formats with fn into a heap buffer of exactly cap bytes; returns its text. */
static bool table_line(char *text, size_t text_cap, size_t cap, bool (*fn)(struct byte_buffer *, const void *),
                       const void *item)
{
    char *storage = malloc(cap);
    struct byte_buffer out = text_buffer(storage, cap);
    bool ok = fn(&out, item);
    snprintf(text, text_cap, "%.*s", (int)out.len, storage);
    free(storage);
    return ok;
}

static bool process_fn(struct byte_buffer *out, const void *item) { return format_process(out, item); }
static bool cap_fn(struct byte_buffer *out, const void *item) { return format_cap(out, item); }
static bool audit_fn(struct byte_buffer *out, const void *item) { return format_audit(out, item); }

static void test_shell_tables(void)
{
    char text[512];
    struct nonos_process_info shell = process_make(3, "shell");
    bool ok = table_line(text, sizeof text, 512, process_fn, &shell);
    test_check(ok && strcmp(text, "     3  shell            running            0.012/86400.000        180/512            1/1\n") == 0,
               "ps line of a running process: id, capsule, state, CPU s, memory KiB, threads");
    struct nonos_process_info hog = process_make(9, "hog");
    hog.state = NONOS_PROCESS_KILLED;
    hog.end = NONOS_END_CPU_BUDGET;
    hog.cpu_used_us = 500400;
    hog.cpu_budget_us = 500000;
    table_line(text, sizeof text, 512, process_fn, &hog);
    test_check(strstr(text, "killed: cpu budget") != NULL && strstr(text, "0.500/0.500") != NULL,
               "ps line of a process stopped for its CPU budget");
    struct nonos_process_info done = process_make(4, "hello");
    done.state = NONOS_PROCESS_EXITED;
    done.end = NONOS_END_EXIT;
    done.exit_status = -2;
    table_line(text, sizeof text, 512, process_fn, &done);
    test_check(strstr(text, "exited -2") != NULL, "ps line of an exited process shows its status");
    memset(shell.name, 'n', sizeof shell.name); /* no NUL */
    ok = table_line(text, sizeof text, 512, process_fn, &shell);
    test_check(ok && strstr(text, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn ") != NULL,
               "ps line: a name without NUL is read only to the end of its field (ASan-checked)");
    ok = table_line(text, sizeof text, 20, process_fn, &done);
    test_check(!ok && strlen(text) == 19, "ps line into a short buffer: cut, reported, no overrun");

    struct nonos_cap_info cap = { 2, NONOS_OBJECT_ENDPOINT, NONOS_RIGHT_WRITE | NONOS_RIGHT_GRANT, 0, 7 };
    table_line(text, sizeof text, 512, cap_fn, &cap);
    test_check(strcmp(text, "     2  endpoint      -wg-   7\n") == 0, "caps line: slot, type, rights, badge");
    struct nonos_cap_info odd = { 9, 99, 0xff, 0, 0 };
    table_line(text, sizeof text, 512, cap_fn, &odd);
    test_check(strcmp(text, "     9  unknown       rwgc   0\n") == 0, "caps line: an unknown type is named so");

    struct nonos_audit_record record;
    memset(&record, 0, sizeof record);
    record.sequence = 17;
    record.time_ns = 2500000000ull;
    record.process = 6;
    record.kind = NONOS_AUDIT_DENIED;
    record.syscall = 41;
    record.slot = 3;
    record.error = -NONOS_ERROR_NO_RIGHT;
    snprintf(record.name, sizeof record.name, "hostile");
    snprintf(record.detail, sizeof record.detail, "process_kill");
    table_line(text, sizeof text, 512, audit_fn, &record);
    test_check(strcmp(text, "    17      2.500000  process 6 (hostile) denied: call 41 slot 3: "
                            "the capability lacks a right the call needs (process_kill)\n") == 0,
               "audit line of a denial: call, slot, the error's message, detail");
    snprintf(record.detail, sizeof record.detail, "%s", nonos_error_message(record.error));
    table_line(text, sizeof text, 512, audit_fn, &record);
    test_check(strcmp(text, "    17      2.500000  process 6 (hostile) denied: call 41 slot 3: "
                            "the capability lacks a right the call needs\n") == 0,
               "audit line of a denial whose detail is the error's message: said once");
    record.kind = NONOS_AUDIT_FAULT;
    snprintf(record.detail, sizeof record.detail, "page fault at 0x0 (read)");
    table_line(text, sizeof text, 512, audit_fn, &record);
    test_check(strcmp(text, "    17      2.500000  process 6 (hostile) fault: page fault at 0x0 (read)\n") == 0,
               "audit line of a fault: its detail");
    record.kind = 200;
    record.detail[0] = '\0';
    table_line(text, sizeof text, 512, audit_fn, &record);
    test_check(strcmp(text, "    17      2.500000  process 6 (hostile) unknown\n") == 0, "audit line of an unknown kind without detail");
    char rights[5];
    format_rights(0, rights);
    test_check(strcmp(rights, "----") == 0 && strcmp(format_object_type(NONOS_OBJECT_SUPERVISOR), "supervisor") == 0 &&
                   strcmp(format_audit_kind(NONOS_AUDIT_RESTART), "restart") == 0,
               "rights, object type and audit kind names");
}

/* ---- the name-service message helper (nonos/names.h) ---- */

static void test_names_message(void)
{
    struct nonos_message message;
    memset(&message, 0xee, sizeof message);
    long ok = nonos_names_message(&message, NONOS_NAMES_LOOKUP, "nonos.vault", 11, NONOS_SLOT_NONE);
    test_check(ok == 0 && message.label == NONOS_NAMES_LOOKUP && message.length == 11 &&
                   memcmp(message.data, "nonos.vault", 11) == 0 && message.capability == NONOS_SLOT_NONE,
               "names.h: a request carries label, name bytes and the capability slot");
    char long_name[NONOS_NAME_MAX + 1];
    memset(long_name, 'a', sizeof long_name);
    test_check(nonos_names_message(&message, 1, long_name, NONOS_NAME_MAX + 1, 0) == -NONOS_ERROR_INVALID_ARGUMENT &&
                   nonos_names_message(&message, 1, "", 0, 0) == -NONOS_ERROR_INVALID_ARGUMENT,
               "names.h: empty and over-long names refused before any call");
}


/* ---- the split virtqueue (user/lib/virtqueue.c) ---- */

/* The device's side, as the specification describes it: it reads the
 * driver ring from where it stopped and returns chains in the used ring. */
struct fake_device {
    uint8_t *area;
    uint16_t size, seen;
};

static uint16_t fake_device_take(struct fake_device *d, uint16_t *head)
{
    uint16_t *available = (uint16_t *)(d->area + virtqueue_available_offset(d->size));
    if (available[1] == d->seen)
        return 0;
    *head = available[2 + d->seen % d->size];
    d->seen++;
    return 1;
}

static void fake_device_return(struct fake_device *d, uint32_t id, uint32_t length)
{
    uint8_t *used = d->area + virtqueue_used_offset(d->size);
    uint16_t index;
    memcpy(&index, used + 2, 2);
    memcpy(used + 4 + 8 * (index % d->size), &id, 4);
    memcpy(used + 8 + 8 * (index % d->size), &length, 4);
    index++;
    memcpy(used + 2, &index, 2);
}

static void test_virtqueue_layout(void)
{
    test_check(virtqueue_bytes(0) == 0 && virtqueue_bytes(3) == 0 && virtqueue_bytes(512) == 0,
               "virtqueue: sizes 0, 3 (not a power of two) and 512 (over the maximum) refused");
    /* 64 entries: 1,024 bytes of descriptors, the driver ring 2 * (3 + 64), the
     * device ring at the next 4-aligned offset, 4 + 8 * 64 + 2 bytes */
    test_check(virtqueue_available_offset(64) == 1024 && virtqueue_used_offset(64) == 1160 &&
                   virtqueue_bytes(64) == 1160 + 4 + 512 + 2,
               "virtqueue: the specification's layout for 64 entries (%zu, %zu, %zu)",
               virtqueue_available_offset(64), virtqueue_used_offset(64), virtqueue_bytes(64));
}

static void test_virtqueue_chains(void)
{
    static struct virtqueue queue;
    uint8_t *area = calloc(1, virtqueue_bytes(4));
    struct fake_device device = { area, 4, 0 };
    test_check(virtqueue_init(&queue, area, 0x10000, 4) && !virtqueue_init(&queue, area, 0, 6),
               "virtqueue: init over 4 entries; 6 refused");
    virtqueue_init(&queue, area, 0x10000, 4);
    struct virtqueue_buffer chain[2] = { { 0x2000, 12, false }, { 0x3000, 100, true } };
    struct virtqueue_buffer backwards[2] = { { 0x2000, 12, true }, { 0x3000, 100, false } };
    int first = virtqueue_add(&queue, chain, 2), second = virtqueue_add(&queue, chain, 2);
    const struct virtq_desc *d = (const struct virtq_desc *)area;
    test_check(first >= 0 && second >= 0 && first != second && queue.free_count == 0 &&
                   d[first].address == 0x2000 && d[first].length == 12 && d[first].flags == VIRTQ_DESC_F_NEXT &&
                   d[d[first].next].address == 0x3000 && d[d[first].next].flags == VIRTQ_DESC_F_WRITE,
               "virtqueue: two chains of a read and a written buffer, linked and flagged");
    test_check(virtqueue_add(&queue, chain, 1) == -1 && virtqueue_add(&queue, chain, 0) == -1,
               "virtqueue: no free descriptor, or an empty chain: refused");
    uint16_t head = 0;
    uint32_t written = 0;
    test_check(virtqueue_take(&queue, &head, &written) == 0, "virtqueue: nothing returned yet");
    uint16_t h1 = 0, h2 = 0;
    fake_device_take(&device, &h1);
    fake_device_take(&device, &h2);
    fake_device_return(&device, h2, 60); /* out of order */
    test_check(h1 == first && h2 == second && virtqueue_take(&queue, &head, &written) == 1 && head == second &&
                   written == 60 && queue.free_count == 2,
               "virtqueue: the device sees both heads in order; a chain returned out of order is taken, its 2 descriptors free");
    test_check(virtqueue_add(&queue, backwards, 2) == -1, "virtqueue: a read buffer after a written one refused");
    fake_device_return(&device, h2, 60); /* the same chain again */
    test_check(virtqueue_take(&queue, &head, &written) == -1,
               "virtqueue: a head returned twice (not handed out any more) is a broken queue");
    free(area);
}

static void test_virtqueue_bad_index(void)
{
    static struct virtqueue queue;
    uint8_t *area = calloc(1, virtqueue_bytes(8));
    virtqueue_init(&queue, area, 0, 8);
    struct virtqueue_buffer one = { 0x1000, 64, true };
    virtqueue_add(&queue, &one, 1);
    uint16_t index = 9; /* 9 returned of 8 entries */
    memcpy(area + virtqueue_used_offset(8) + 2, &index, 2);
    uint16_t head;
    uint32_t written;
    test_check(virtqueue_take(&queue, &head, &written) == -1,
               "virtqueue: a used index more than the queue size ahead is refused");
    index = 1;
    memcpy(area + virtqueue_used_offset(8) + 2, &index, 2);
    uint32_t id = 7; /* never handed out */
    memcpy(area + virtqueue_used_offset(8) + 4, &id, 4);
    test_check(virtqueue_take(&queue, &head, &written) == -1, "virtqueue: a head never handed out is refused");
    id = 300;
    memcpy(area + virtqueue_used_offset(8) + 4, &id, 4);
    test_check(virtqueue_take(&queue, &head, &written) == -1, "virtqueue: a head beyond the table is refused");
    /* 200 rounds through an 8-entry ring: the indices wrap, nothing leaks */
    virtqueue_init(&queue, area, 0, 8);
    memset(area, 0, virtqueue_bytes(8));
    virtqueue_init(&queue, area, 0, 8);
    struct fake_device device = { area, 8, 0 };
    int good = 0;
    for (int round = 0; round < 200; round++) {
        int added = virtqueue_add(&queue, &one, 1);
        uint16_t seen;
        if (added >= 0 && fake_device_take(&device, &seen) && seen == added) {
            fake_device_return(&device, seen, (uint32_t)round);
            good += virtqueue_take(&queue, &head, &written) == 1 && head == added && written == (uint32_t)round;
        }
    }
    test_check(good == 200 && queue.free_count == 8, "virtqueue: 200 round trips through 8 entries (%d)", good);
    free(area);
}

/* ---- nonos.net's NONOS_NET_UDP_NOTIFY (user/net/wake_request.c) ---- */

static void wake_message(struct nonos_message *message, uint32_t length, uint64_t bits, uint32_t capability)
{
    memset(message, 0xee, sizeof *message);
    message->length = length;
    message->capability = capability;
    message->data[0] = 0x72; /* port 4978 */
    message->data[1] = 0x13;
    for (int i = 0; i < 8; i++)
        message->data[2 + i] = (uint8_t)(bits >> (8 * i));
}

static void test_wake_request(void)
{
    struct nonos_message message;
    struct wake_request out = { 1, 2, true }, untouched = out;
    wake_message(&message, 10, 0x5, 20);
    test_check(wake_request_decode(&message, &out) == 0 && out.port == 4978 && out.bits == 0x5 && !out.stop,
               "notify: port 4978, bits 0x5, with a capability");
    wake_message(&message, 10, 0, NONOS_SLOT_NONE);
    test_check(wake_request_decode(&message, &out) == 0 && out.stop, "notify: no capability means stop");
    static const struct { uint32_t length; uint64_t bits; uint32_t cap; const char *what; } bad[] = {
        { 9, 1, 20, "notify: 9 bytes refused" },
        { 11, 1, 20, "notify: 11 bytes refused" },
        { 0, 1, 20, "notify: empty refused" },
        { 10, 0, 20, "notify: bits 0 with a capability refused (it would never wake)" },
        { 10, 1ull << 63, 20, "notify: bit 63 refused (the kernel refuses it in a signal)" },
        { 10, UINT64_MAX, 20, "notify: all bits refused" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out = untouched;
        wake_message(&message, bad[i].length, bad[i].bits, bad[i].cap);
        test_check(wake_request_decode(&message, &out) == NONOS_ERROR_INVALID_ARGUMENT &&
                       out.port == untouched.port && out.bits == untouched.bits && out.stop == untouched.stop,
                   "%s", bad[i].what);
    }
}

/* ---- virtio PCI capability walk ---- */

/* A configuration space of which the first `readable` bytes answer. */
struct fake_config {
    uint8_t bytes[256];
    uint32_t readable;
    unsigned reads;
};

static long fake_config_read(void *context, uint32_t offset, uint32_t width)
{
    struct fake_config *config = context;
    config->reads++;
    if (offset + width > config->readable)
        return -NONOS_ERROR_INVALID_ARGUMENT;
    uint32_t value = 0;
    for (uint32_t i = 0; i < width; i++)
        value |= (uint32_t)config->bytes[offset + i] << (8 * i);
    return value;
}

static void fake_capability(struct fake_config *config, uint8_t at, uint8_t next, uint8_t type, uint8_t bar,
                            uint32_t offset, uint32_t length)
{
    uint8_t *p = config->bytes + at;
    p[0] = 9, p[1] = next, p[2] = 20, p[3] = type, p[4] = bar;
    memcpy(p + 8, &offset, 4);
    memcpy(p + 12, &length, 4);
    uint32_t multiplier = 4;
    memcpy(p + 16, &multiplier, 4);
}

/* Common at 0x40, notify 0x54, ISR 0x68, device 0x7c, all in BAR 4 (16 KiB). */
static void fake_virtio_config(struct fake_config *config)
{
    memset(config, 0, sizeof *config);
    config->readable = 256;
    config->bytes[6] = 0x10;
    config->bytes[0x34] = 0x40;
    fake_capability(config, 0x40, 0x54, 1, 4, 0, 56);
    fake_capability(config, 0x54, 0x68, 2, 4, 0x3000, 0x1000);
    fake_capability(config, 0x68, 0x7c, 3, 4, 0x1000, 0x1000);
    fake_capability(config, 0x7c, 0, 4, 4, 0x2000, 0x1000);
}

static enum virtio_pci_refusal fake_walk(struct fake_config *config, struct virtio_pci_layout *layout)
{
    static const uint64_t bar_sizes[NONOS_DEVICE_BARS] = { 0, 0, 0, 0, 0x4000, 0 };
    memset(layout, 0xa5, sizeof *layout); /* a refusal must clear it */
    config->reads = 0;
    return virtio_pci_layout_find(fake_config_read, config, bar_sizes, layout);
}

static bool layout_zero(const struct virtio_pci_layout *layout)
{
    static const struct virtio_pci_layout zero;
    return memcmp(layout, &zero, sizeof zero) == 0;
}

static void test_virtio_pci_good(void)
{
    struct fake_config config;
    struct virtio_pci_layout layout;
    fake_virtio_config(&config);
    test_check(fake_walk(&config, &layout) == VIRTIO_PCI_OK && layout.common.bar == 4 &&
                   layout.common.length == 56 && layout.notify.offset == 0x3000 && layout.notify_multiplier == 4 &&
                   layout.isr.offset == 0x1000 && layout.device_config.present &&
                   layout.device_config.offset == 0x2000,
               "virtio_pci: the four structures of a good device, with the notify multiplier");
    config.bytes[0x7c + 1] = 0x40; /* the list loops */
    test_check(fake_walk(&config, &layout) == VIRTIO_PCI_OK && config.reads <= 3 + 6 * VIRTIO_PCI_CAPABILITIES_MAX,
               "virtio_pci: a looping list is walked %d entries and no further (%u reads)",
               VIRTIO_PCI_CAPABILITIES_MAX, config.reads);
    fake_virtio_config(&config);
    fake_capability(&config, 0xa0, 0x40, 1, 4, 0x3ff0, 56); /* past BAR 4: skipped */
    config.bytes[0x34] = 0xa0;
    test_check(fake_walk(&config, &layout) == VIRTIO_PCI_OK && layout.common.offset == 0,
               "virtio_pci: a common structure past its BAR is skipped, the next one kept");
    fake_virtio_config(&config);
    config.bytes[0x68 + 1] = 0;
    test_check(fake_walk(&config, &layout) == VIRTIO_PCI_OK && !layout.device_config.present,
               "virtio_pci: without a device-specific structure the walk succeeds, the structure absent");
}

static void test_virtio_pci_refusals(void)
{
    struct fake_config config;
    struct virtio_pci_layout layout;
    fake_virtio_config(&config);
    config.bytes[6] = 0;
    test_check(fake_walk(&config, &layout) == VIRTIO_PCI_ERR_NO_LIST && layout_zero(&layout),
               "virtio_pci: no capability-list bit: VIRTIO_PCI_ERR_NO_LIST, nothing found");
    fake_virtio_config(&config);
    config.readable = 7;
    test_check(fake_walk(&config, &layout) == VIRTIO_PCI_ERR_NO_LIST && layout_zero(&layout),
               "virtio_pci: status unreadable: VIRTIO_PCI_ERR_NO_LIST");
    fake_virtio_config(&config);
    config.bytes[0x40 + 4] = 6;
    test_check(fake_walk(&config, &layout) == VIRTIO_PCI_ERR_NO_COMMON && layout_zero(&layout),
               "virtio_pci: the common structure in BAR 6: VIRTIO_PCI_ERR_NO_COMMON, nothing found");
    fake_virtio_config(&config);
    config.bytes[0x40 + 12] = 55;
    test_check(fake_walk(&config, &layout) == VIRTIO_PCI_ERR_COMMON_SHORT && layout_zero(&layout),
               "virtio_pci: a 55-byte common structure: VIRTIO_PCI_ERR_COMMON_SHORT");
    fake_virtio_config(&config);
    config.bytes[0x54 + 3] = 7;
    test_check(fake_walk(&config, &layout) == VIRTIO_PCI_ERR_NO_NOTIFY && layout_zero(&layout),
               "virtio_pci: notify of unknown type 7: VIRTIO_PCI_ERR_NO_NOTIFY");
    fake_virtio_config(&config);
    config.readable = 0x68 + 10;
    test_check(fake_walk(&config, &layout) == VIRTIO_PCI_ERR_NO_ISR && layout_zero(&layout),
               "virtio_pci: configuration space unreadable inside the ISR capability: VIRTIO_PCI_ERR_NO_ISR");
    int named = 0;
    for (int r = 0; r < VIRTIO_PCI_ERR_COUNT; r++)
        named += (virtio_pci_message(r) == NULL) == (r == VIRTIO_PCI_OK) &&
                 strncmp(virtio_pci_name(r), "VIRTIO_PCI_", 11) == 0;
    test_check(named == VIRTIO_PCI_ERR_COUNT && strcmp(virtio_pci_name(VIRTIO_PCI_ERR_COUNT), "VIRTIO_PCI_ERR_?") == 0,
               "virtio_pci: every refusal has a message and a symbol");
}

/* ---- nonos.mesh's command line (user/mesh/command.c) ---- */

static enum mesh_command_refusal mesh_line(uint64_t label, const char *text, struct mesh_command *out)
{
    size_t length = strlen(text);
    uint8_t *data = malloc(length + 1); /* exact size: ASan sees a byte read too far */
    memcpy(data, text, length);
    enum mesh_command_refusal refusal = mesh_command_decode(label, data, length, out);
    if (refusal == MESH_COMMAND_OK && out->key != NULL)
        test_check(out->key >= data && out->key + out->key_length <= data + length &&
                       (out->value == NULL || out->value + out->value_length <= data + length),
                   "mesh command: views stay within the line");
    free(data);
    return refusal;
}

static bool view_is(const uint8_t *view, size_t length, const char *text)
{
    return view != NULL && length == strlen(text) && memcmp(view, text, length) == 0;
}

static void test_mesh_command_good(void)
{
    struct mesh_command c;
    test_check(mesh_line(NONOS_MESH_COMMAND, "status", &c) == MESH_COMMAND_OK && c.verb == MESH_COMMAND_STATUS &&
                   c.key == NULL && c.value == NULL,
               "mesh command: status");
    static const uint8_t line[] = "put guest1-record from guest 1";
    test_check(mesh_command_decode(NONOS_MESH_COMMAND, line, sizeof line - 1, &c) == MESH_COMMAND_OK &&
                   c.verb == MESH_COMMAND_PUT && view_is(c.key, c.key_length, "guest1-record") &&
                   view_is(c.value, c.value_length, "from guest 1"),
               "mesh command: put KEY VALUE, the value with spaces");
    test_check(mesh_line(NONOS_MESH_COMMAND, "get k", &c) == MESH_COMMAND_OK && c.verb == MESH_COMMAND_GET &&
                   c.key_length == 1 && c.value == NULL,
               "mesh command: get of a one-byte key");
    test_check(mesh_line(NONOS_MESH_COMMAND, "put k  ", &c) == MESH_COMMAND_OK && c.value_length == 1,
               "mesh command: a value of one space is a value");
    static uint8_t longest[NONOS_MESSAGE_DATA_MAX];
    memset(longest, 'v', sizeof longest);
    memcpy(longest, "put k ", 6);
    test_check(mesh_command_decode(NONOS_MESH_COMMAND, longest, sizeof longest, &c) == MESH_COMMAND_OK &&
                   view_is(c.key, c.key_length, "k") && c.value == longest + 6 && c.value_length == sizeof longest - 6,
               "mesh command: a put of a whole message");
}

/* The line as C would write it, for the test's name. */
static const char *escaped(const char *line)
{
    static char out[128];
    size_t n = 0;
    for (; *line != 0 && n + 5 < sizeof out; line++) {
        uint8_t c = (uint8_t)*line;
        n += (size_t)snprintf(out + n, sizeof out - n, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x", c);
    }
    out[n] = 0;
    return out;
}

static void test_mesh_command_refusals(void)
{
    static const struct { uint64_t label; const char *line; enum mesh_command_refusal expected; } bad[] = {
        { 0, "status", MESH_COMMAND_ERR_LABEL },
        { 2, "status", MESH_COMMAND_ERR_LABEL },
        { NONOS_MESH_COMMAND, "", MESH_COMMAND_ERR_EMPTY },
        { NONOS_MESH_COMMAND, "status\n", MESH_COMMAND_ERR_BYTE },
        { NONOS_MESH_COMMAND, "get k\x7f", MESH_COMMAND_ERR_BYTE },
        { NONOS_MESH_COMMAND, "put k \xc3\xa9", MESH_COMMAND_ERR_BYTE },
        { NONOS_MESH_COMMAND, "stat", MESH_COMMAND_ERR_UNKNOWN },
        { NONOS_MESH_COMMAND, "statusx", MESH_COMMAND_ERR_UNKNOWN },
        { NONOS_MESH_COMMAND, "PUT k v", MESH_COMMAND_ERR_UNKNOWN },
        { NONOS_MESH_COMMAND, " status", MESH_COMMAND_ERR_UNKNOWN },
        { NONOS_MESH_COMMAND, "put", MESH_COMMAND_ERR_MISSING_KEY },
        { NONOS_MESH_COMMAND, "get ", MESH_COMMAND_ERR_MISSING_KEY },
        { NONOS_MESH_COMMAND, "put  v", MESH_COMMAND_ERR_MISSING_KEY },
        { NONOS_MESH_COMMAND, "put k", MESH_COMMAND_ERR_MISSING_VALUE },
        { NONOS_MESH_COMMAND, "put k ", MESH_COMMAND_ERR_MISSING_VALUE },
        { NONOS_MESH_COMMAND, "status now", MESH_COMMAND_ERR_TRAILING },
        { NONOS_MESH_COMMAND, "status ", MESH_COMMAND_ERR_TRAILING },
        { NONOS_MESH_COMMAND, "get k v", MESH_COMMAND_ERR_TRAILING },
        { NONOS_MESH_COMMAND, "get k ", MESH_COMMAND_ERR_TRAILING },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct mesh_command c;
        memset(&c, 0xee, sizeof c);
        enum mesh_command_refusal got = mesh_line(bad[i].label, bad[i].line, &c);
        test_check(got == bad[i].expected && c.verb == MESH_COMMAND_NONE && c.key == NULL && c.key_length == 0 &&
                       c.value == NULL && c.value_length == 0,
                   "mesh command: \"%s\" (label %llu) is %s, got %s",
                   escaped(bad[i].line), (unsigned long long)bad[i].label, mesh_command_name(bad[i].expected), mesh_command_name(got));
    }
    static uint8_t over[NONOS_MESSAGE_DATA_MAX + 1];
    memset(over, 'v', sizeof over);
    memcpy(over, "put k ", 6);
    struct mesh_command c;
    test_check(mesh_command_decode(NONOS_MESH_COMMAND, over, sizeof over, &c) == MESH_COMMAND_ERR_TOO_LONG,
               "mesh command: a line over a message refused");
    int named = 0;
    for (int r = 0; r < MESH_COMMAND_ERR_COUNT; r++)
        named += (mesh_command_message(r) == NULL) == (r == MESH_COMMAND_OK) &&
                 (mesh_command_error(r) == NONOS_ERROR_INVALID_ARGUMENT) == (r == MESH_COMMAND_ERR_LABEL) &&
                 strncmp(mesh_command_name(r), "MESH_COMMAND_", 13) == 0;
    test_check(named == MESH_COMMAND_ERR_COUNT && strcmp(mesh_command_name(MESH_COMMAND_ERR_COUNT), "MESH_COMMAND_ERR_?") == 0,
               "mesh command: every refusal has a message, a reply label and a symbol");
}

/* ---- nonos.net's REPORT and PING (user/net/request.c) ---- */

static enum net_request_refusal net_bytes(uint64_t label, const uint8_t *bytes, size_t length, struct net_request *out)
{
    uint8_t *data = malloc(length + 1);
    memcpy(data, bytes, length);
    enum net_request_refusal refusal = net_request_decode(label, data, length, out);
    free(data);
    return refusal;
}

static void test_net_request(void)
{
    struct net_request r;
    static const uint8_t offset[4] = { 0x00, 0x01, 0x00, 0x00 }, ping[6] = { 0x01, 0x4d, 0x00, 0x0a, 0x03, 0x00 };
    test_check(net_bytes(NONOS_NET_REPORT, offset, 4, &r) == NET_REQUEST_OK && r.kind == NET_REQUEST_REPORT &&
                   r.offset == 256,
               "net request: REPORT from offset 256");
    test_check(net_bytes(NONOS_NET_PING, ping, 6, &r) == NET_REQUEST_OK && r.kind == NET_REQUEST_PING &&
                   r.address == 0x0a004d01u && r.sequence == 3,
               "net request: PING 10.0.77.1 sequence 3");
    test_check(net_bytes(NONOS_NET_UDP_SEND, ping, 6, &r) == NET_REQUEST_OK && r.kind == NET_REQUEST_DATAGRAM,
               "net request: UDP_SEND handed on to the datagram decoder, whatever its length");
    test_check(net_bytes(NONOS_NET_UDP_NOTIFY, ping, 0, &r) == NET_REQUEST_OK && r.kind == NET_REQUEST_NOTIFY,
               "net request: UDP_NOTIFY handed on to its decoder");
    static const struct { uint64_t label; size_t length; enum net_request_refusal expected; } bad[] = {
        { 0, 4, NET_REQUEST_ERR_LABEL },
        { 8, 6, NET_REQUEST_ERR_LABEL },
        { 1ull << 32 | NONOS_NET_REPORT, 4, NET_REQUEST_ERR_LABEL },
        { NONOS_NET_REPORT, 0, NET_REQUEST_ERR_LENGTH },
        { NONOS_NET_REPORT, 3, NET_REQUEST_ERR_LENGTH },
        { NONOS_NET_REPORT, 5, NET_REQUEST_ERR_LENGTH },
        { NONOS_NET_PING, 4, NET_REQUEST_ERR_LENGTH },
        { NONOS_NET_PING, 7, NET_REQUEST_ERR_LENGTH },
        { NONOS_NET_UDP_BIND, NONOS_MESSAGE_DATA_MAX + 1, NET_REQUEST_ERR_LENGTH },
    };
    static uint8_t data[NONOS_MESSAGE_DATA_MAX + 1];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&r, 0xee, sizeof r);
        enum net_request_refusal got = net_bytes(bad[i].label, data, bad[i].length, &r);
        test_check(got == bad[i].expected && r.kind == NET_REQUEST_NONE && r.offset == 0 && r.address == 0 &&
                       r.sequence == 0 &&
                       net_request_error(got) == NONOS_ERROR_INVALID_ARGUMENT,
                   "net request: label %llu, %zu bytes is %s, got %s", (unsigned long long)bad[i].label, bad[i].length,
                   net_request_name(bad[i].expected), net_request_name(got));
    }
    int named = 0;
    for (int k = 0; k < NET_REQUEST_ERR_COUNT; k++)
        named += (net_request_message(k) == NULL) == (k == NET_REQUEST_OK) && (net_request_error(k) == 0) == (k == NET_REQUEST_OK) &&
                 strncmp(net_request_name(k), "NET_REQUEST_", 12) == 0;
    test_check(named == NET_REQUEST_ERR_COUNT && strcmp(net_request_name(NET_REQUEST_ERR_COUNT), "NET_REQUEST_ERR_?") == 0,
               "net request: every refusal has a message, a reply label and a symbol");
}

/* ---- nonos.net's replies to the mesh capsule (user/lib/net_reply.c) ---- */

static enum net_reply_refusal reply_bytes(uint64_t label, const uint8_t *bytes, size_t length, uint16_t got,
                                          uint16_t total, struct net_reply *out)
{
    uint8_t *data = malloc(length + 1);
    if (length > 0)
        memcpy(data, bytes, length);
    enum net_reply_refusal refusal = net_reply_decode(label, data, length, got, total, out);
    if (refusal == NET_REPLY_OK && out->chunk != NULL)
        test_check(out->chunk == data + NONOS_NET_UDP_RECEIVE_HEADER &&
                       out->chunk + out->chunk_length == data + length,
                   "net reply: the chunk is the rest of the reply");
    free(data);
    return refusal;
}

/* A RECEIVE reply from 169.254.20.20:4978 of a datagram of `total`
 * bytes, with `chunk` bytes after the header. */
static size_t receive_reply(uint8_t *out, uint16_t total, size_t chunk)
{
    static const uint8_t header[8] = { 0x14, 0x14, 0xfe, 0xa9, 0x72, 0x13 };
    memcpy(out, header, sizeof header);
    out[6] = (uint8_t)total;
    out[7] = (uint8_t)(total >> 8);
    memset(out + 8, 0x63, chunk);
    return 8 + chunk;
}

static void test_net_reply_good(void)
{
    struct net_reply r;
    static const uint8_t bind[5] = { 0, 0x14, 0x14, 0xfe, 0xa9 }, sent[4] = { NONOS_NET_SENT_NO_ROUTE, 'n', 'o', ' ' };
    test_check(reply_bytes(NONOS_NET_UDP_BIND, bind, 5, 0, 0, &r) == NET_REPLY_OK && r.scope == 0 &&
                   r.address == 0xa9fe1414u,
               "net reply: BIND in the mesh scope at 169.254.20.20");
    test_check(reply_bytes(NONOS_NET_UDP_SEND, sent, 4, 0, 0, &r) == NET_REPLY_OK && r.sent == NONOS_NET_SENT_NO_ROUTE &&
                   r.text_length == 3,
               "net reply: SEND, no route, and its 3 bytes of text");
    test_check(reply_bytes(NONOS_NET_UDP_SEND, sent, 1, 0, 0, &r) == NET_REPLY_OK && r.text == NULL && r.text_length == 0,
               "net reply: SEND, a result without text");
    test_check(reply_bytes(NONOS_NET_UDP_RECEIVE, NULL, 0, 0, 0, &r) == NET_REPLY_OK && r.total == 0 && r.chunk == NULL,
               "net reply: RECEIVE of nothing queued");
    uint8_t reply[NONOS_MESSAGE_DATA_MAX];
    size_t n = receive_reply(reply, 300, 248);
    test_check(reply_bytes(NONOS_NET_UDP_RECEIVE, reply, n, 0, 0, &r) == NET_REPLY_OK && r.total == 300 &&
                   r.address == 0xa9fe1414u && r.port == 4978 && r.chunk_length == 248,
               "net reply: RECEIVE, the first 248 bytes of 300");
    n = receive_reply(reply, 300, 52);
    test_check(reply_bytes(NONOS_NET_UDP_RECEIVE, reply, n, 248, 300, &r) == NET_REPLY_OK && r.chunk_length == 52,
               "net reply: RECEIVE, the last 52 bytes of 300");
    n = receive_reply(reply, 0, 0);
    test_check(reply_bytes(NONOS_NET_UDP_RECEIVE, reply, n, 0, 0, &r) == NET_REPLY_OK && r.total == 0 &&
                   r.chunk_length == 0,
               "net reply: RECEIVE of an empty datagram");
}

static void test_net_reply_refusals(void)
{
    static const uint8_t bind_clearnet_2[5] = { 2, 1, 2, 3, 4 }, sent_4[1] = { 4 }, bind_6[6] = { 0 };
    uint8_t reply[NONOS_MESSAGE_DATA_MAX + 1];
    struct { uint64_t label; size_t length; uint16_t got, total; enum net_reply_refusal expected; const char *what; } bad[] = {
        { NONOS_NET_UDP_BIND, 5, 0, 0, NET_REPLY_ERR_SCOPE, "BIND of scope 2" },
        { NONOS_NET_UDP_BIND, 4, 0, 0, NET_REPLY_ERR_LENGTH, "BIND of 4 bytes" },
        { NONOS_NET_UDP_BIND, 6, 0, 0, NET_REPLY_ERR_LENGTH, "BIND of 6 bytes" },
        { NONOS_NET_UDP_SEND, 1, 0, 0, NET_REPLY_ERR_SENT, "SEND result 4" },
        { NONOS_NET_UDP_SEND, 0, 0, 0, NET_REPLY_ERR_LENGTH, "SEND without a result" },
        { NONOS_NET_REPORT, 5, 0, 0, NET_REPLY_ERR_LABEL, "a REPORT reply" },
        { NONOS_NET_UDP_RECEIVE, 7, 0, 0, NET_REPLY_ERR_LENGTH, "RECEIVE of 7 bytes" },
        { NONOS_NET_UDP_RECEIVE, 0, 248, 300, NET_REPLY_ERR_CHANGED, "RECEIVE: nothing after 248 of 300" },
        { NONOS_NET_UDP_RECEIVE, NONOS_MESSAGE_DATA_MAX + 1, 0, 0, NET_REPLY_ERR_LENGTH, "RECEIVE over a message" },
    };
    const uint8_t *source[] = { bind_clearnet_2, bind_6, bind_6, sent_4, sent_4, bind_6, reply, reply, reply };
    memset(reply, 0, sizeof reply);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct net_reply r;
        memset(&r, 0xee, sizeof r);
        enum net_reply_refusal got = reply_bytes(bad[i].label, source[i], bad[i].length, bad[i].got, bad[i].total, &r);
        test_check(got == bad[i].expected && r.address == 0 && r.total == 0 && r.chunk == NULL && r.sent == 0 &&
                       r.text == NULL && r.text_length == 0,
                   "net reply: %s is %s, got %s", bad[i].what, net_reply_name(bad[i].expected), net_reply_name(got));
    }
    static const struct { uint16_t total; size_t chunk; uint16_t got, first; enum net_reply_refusal expected; const char *what; } chunks[] = {
        { 1473, 10, 0, 0, NET_REPLY_ERR_TOTAL, "a datagram of 1473 bytes" },
        { 300, 52, 248, 301, NET_REPLY_ERR_CHANGED, "a total of 300 after a first chunk said 301" },
        { 10, 11, 0, 0, NET_REPLY_ERR_PAST_TOTAL, "11 bytes of a 10-byte datagram" },
        { 300, 53, 248, 300, NET_REPLY_ERR_PAST_TOTAL, "53 bytes after 248 of 300" },
        { 300, 0, 248, 300, NET_REPLY_ERR_STALLED, "no bytes after 248 of 300" },
        { 300, 0, 0, 0, NET_REPLY_ERR_STALLED, "a first chunk of no bytes" },
    };
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        struct net_reply r;
        size_t n = receive_reply(reply, chunks[i].total, chunks[i].chunk);
        enum net_reply_refusal got = reply_bytes(NONOS_NET_UDP_RECEIVE, reply, n, chunks[i].got, chunks[i].first, &r);
        test_check(got == chunks[i].expected && r.chunk == NULL && r.chunk_length == 0, "net reply: %s is %s, got %s",
                   chunks[i].what, net_reply_name(chunks[i].expected), net_reply_name(got));
    }
    int named = 0;
    for (int k = 0; k < NET_REPLY_ERR_COUNT; k++)
        named += (net_reply_message(k) == NULL) == (k == NET_REPLY_OK) && strncmp(net_reply_name(k), "NET_REPLY_", 10) == 0;
    test_check(named == NET_REPLY_ERR_COUNT && strcmp(net_reply_name(NET_REPLY_ERR_COUNT), "NET_REPLY_ERR_?") == 0,
               "net reply: every refusal has a message and a symbol");
}

/* ---- text from another process on the console (user/lib/text.c) ---- */

/* text_append_escaped of text[0..length) into a heap block of cap bytes:
 * true when the result is exactly `shown` and fits as `fits` says. */
static bool escaped_is(const char *text, size_t length, bool lines, size_t cap, const char *shown, bool fits)
{
    char *storage = malloc(cap + 1);
    struct byte_buffer out = text_buffer(storage, cap);
    bool whole = text_append_escaped(&out, (const uint8_t *)text, length, lines);
    bool same = whole == fits && out.len == strlen(shown) && memcmp(storage, shown, out.len) == 0;
    free(storage);
    return same;
}

static void test_text_escaped(void)
{
    test_check(escaped_is("eth0 up 10.0.2.15/24", 20, false, 64, "eth0 up 10.0.2.15/24", true),
               "text escaped: printable ASCII unchanged");
    test_check(escaped_is("a\x1b[2Jb", 6, false, 64, "a\\x1b[2Jb", true),
               "text escaped: ESC of an escape sequence as \\x1b");
    test_check(escaped_is("x\ry\n\x7f\x9b\x00", 7, false, 64, "x\\x0dy\\x0a\\x7f\\x9b\\x00", true),
               "text escaped: CR, LF, DEL, C1 CSI and NUL as \\xNN without lines");
    test_check(escaped_is("l1\nl2\n\t", 7, true, 64, "l1\nl2\n\\x09", true),
               "text escaped: with lines, LF passes and a tab does not");
    test_check(escaped_is("a\\b", 3, false, 64, "a\\\\b", true), "text escaped: a backslash doubled, so \\x reads back");
    test_check(escaped_is("ab\x1b", 3, false, 5, "ab", false) && escaped_is("ab\\c", 4, false, 3, "ab", false) &&
                   escaped_is("ab\x1b", 3, false, 6, "ab\\x1b", true),
               "text escaped: an escape that does not fit is left out whole, and false said");
    test_check(escaped_is("", 0, true, 0, "", true), "text escaped: nothing into no room");
}

/* ---- nonos.net's REPORT and PING replies to the shell (user/shell/stack_reply.c) ---- */

static enum stack_reply_refusal stack_bytes(uint64_t label, const uint8_t *bytes, size_t length, struct stack_reply *out)
{
    uint8_t *data = malloc(length + 1);
    if (length > 0)
        memcpy(data, bytes, length);
    enum stack_reply_refusal refusal = stack_reply_decode(label, data, length, out);
    if (refusal == STACK_REPLY_OK && out->text != NULL)
        test_check(out->text >= data && out->text + out->text_length == data + length,
                   "stack reply: the text is the rest of the reply");
    free(data);
    return refusal;
}

static void test_stack_reply_good(void)
{
    struct stack_reply r;
    static const uint8_t echoed[9] = { 1, 0x2a, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t lost[28] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 'n', 'o', ' ', 'r', 'e', 'p', 'l', 'y' };
    static const uint8_t long_trip[9] = { 1, 1, 2, 3, 4, 5, 6, 7, 8 };
    test_check(stack_bytes(NONOS_NET_PING, echoed, 9, &r) == STACK_REPLY_OK && r.echoed == 1 && r.round_trip == 42 &&
                   r.text == NULL,
               "stack reply: PING echoed in 42 ms");
    test_check(stack_bytes(NONOS_NET_PING, long_trip, 9, &r) == STACK_REPLY_OK &&
                   r.round_trip == 0x0807060504030201ull,
               "stack reply: PING's round trip read little endian");
    test_check(stack_bytes(NONOS_NET_PING, lost, 17, &r) == STACK_REPLY_OK && r.echoed == 0 && r.text_length == 8,
               "stack reply: PING not echoed, and why");
    test_check(stack_bytes(NONOS_NET_PING, lost, 9, &r) == STACK_REPLY_OK && r.echoed == 0 && r.text == NULL,
               "stack reply: PING not echoed, no reason given");
    test_check(stack_bytes(NONOS_NET_REPORT, lost + 9, 8, &r) == STACK_REPLY_OK && r.text_length == 8,
               "stack reply: REPORT, a piece of text");
    test_check(stack_bytes(NONOS_NET_REPORT, NULL, 0, &r) == STACK_REPLY_OK && r.text == NULL && r.text_length == 0,
               "stack reply: REPORT past the end, empty");
}

static void test_stack_reply_refusals(void)
{
    uint8_t reply[NONOS_MESSAGE_DATA_MAX + 1];
    memset(reply, 0, sizeof reply);
    static const struct { uint64_t label; uint8_t first; size_t length; enum stack_reply_refusal expected; const char *what; } bad[] = {
        { NONOS_NET_UDP_BIND, 0, 5, STACK_REPLY_ERR_LABEL, "a BIND reply" },
        { 0, 0, 9, STACK_REPLY_ERR_LABEL, "label 0" },
        { NONOS_NET_PING, 1, 8, STACK_REPLY_ERR_LENGTH, "PING of 8 bytes" },
        { NONOS_NET_PING, 0, 0, STACK_REPLY_ERR_LENGTH, "PING of nothing" },
        { NONOS_NET_PING, 1, 10, STACK_REPLY_ERR_LENGTH, "PING echoed with a byte of text" },
        { NONOS_NET_PING, 2, 9, STACK_REPLY_ERR_ECHO, "PING result 2" },
        { NONOS_NET_PING, 0xff, 20, STACK_REPLY_ERR_ECHO, "PING result 255 with text" },
        { NONOS_NET_PING, 0, NONOS_MESSAGE_DATA_MAX + 1, STACK_REPLY_ERR_LENGTH, "PING over a message" },
        { NONOS_NET_REPORT, 'a', NONOS_MESSAGE_DATA_MAX + 1, STACK_REPLY_ERR_LENGTH, "REPORT over a message" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct stack_reply r;
        memset(&r, 0xee, sizeof r);
        reply[0] = bad[i].first;
        enum stack_reply_refusal got = stack_bytes(bad[i].label, reply, bad[i].length, &r);
        test_check(got == bad[i].expected && r.echoed == 0 && r.round_trip == 0 && r.text == NULL && r.text_length == 0,
                   "stack reply: %s is %s, got %s", bad[i].what, stack_reply_name(bad[i].expected),
                   stack_reply_name(got));
    }
    int named = 0;
    for (int k = 0; k < STACK_REPLY_ERR_COUNT; k++)
        named += (stack_reply_message(k) == NULL) == (k == STACK_REPLY_OK) &&
                 strncmp(stack_reply_name(k), "STACK_REPLY_", 12) == 0;
    test_check(named == STACK_REPLY_ERR_COUNT && strcmp(stack_reply_name(STACK_REPLY_ERR_COUNT), "STACK_REPLY_ERR_?") == 0,
               "stack reply: every refusal has a message and a symbol");
}

int main(void)
{
    test_text();
    test_line_editor();
    test_capsule_list();
    test_names();
    test_names_message();
    test_plan_system();
    test_plan_dependencies();
    test_plan_refusals();
    test_plan_bounds();
    test_restart();
    test_shell_parse();
    test_shell_tables();
    test_virtqueue_layout();
    test_virtqueue_chains();
    test_virtqueue_bad_index();
    test_wake_request();
    test_mesh_command_good();
    test_mesh_command_refusals();
    test_net_request();
    test_net_reply_good();
    test_net_reply_refusals();
    test_text_escaped();
    test_stack_reply_good();
    test_stack_reply_refusals();
    test_virtio_pci_good();
    test_virtio_pci_refusals();
    return test_finish();
}
