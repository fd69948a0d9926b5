/* libFuzzer target for what reaches the system capsules from outside:
 * bytes typed at the console (the shell's line editor, then its command
 * parsing), requests to the name service (badge, label, name bytes,
 * against a fixed set of capsule descriptions), and the records the kernel
 * copies out, formatted into buffers of any size (ps, caps, audit), and
 * what a virtio device writes into a virtqueue's used ring (the drivers'
 * virtqueue.c; its exact refusals are in tests/user/user_test.c), and
 * NONOS_NET_UDP_NOTIFY requests to the net capsule (user/net/wake_request.c;
 * its exact refusals in user_test.c too). The first byte picks which. Invariants are checked with abort(); overruns by
 * ASan. tests/user/names_test.c and shell_test.c hold the exact answer to
 * each bad request and each bad command line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "line_editor.h"
#include "nonos/error.h"
#include "text.h"
#include "user/names/registry.h"
#include "user/net/wake_request.h"
#include "user/shell/parse.h"
#include "user/shell/tables.h"
#include "virtqueue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool condition)
{
    if (!condition)
        abort();
}

static void check_line(const char *line, size_t len)
{
    struct shell_words words = shell_split(line, len);
    require(words.command >= line && words.command + words.command_length <= line + len);
    require(words.arguments >= line && words.arguments + words.arguments_length <= line + len);
    uint64_t id;
    if (shell_parse_id(words.arguments, words.arguments_length, &id)) {
        for (size_t i = 0; i < words.arguments_length; i++)
            require(words.arguments[i] >= '0' && words.arguments[i] <= '9');
    }
    if (shell_parse_name(words.arguments, words.arguments_length))
        require(words.arguments_length >= 1 && words.arguments_length <= NONOS_NAME_MAX);
}

static void fuzz_console(const uint8_t *data, size_t size)
{
    if (size == 0)
        return;
    size_t cap = (size_t)(data[0] % 128) + 1;
    char *line = malloc(cap);
    char *echo_storage = malloc(LINE_ECHO_MAX(cap));
    struct line_editor editor;
    line_editor_init(&editor, line, cap);
    for (size_t i = 1; i < size; i++) {
        struct byte_buffer echo = text_buffer(echo_storage, LINE_ECHO_MAX(cap));
        enum line_status status = line_editor_feed(&editor, data[i], &echo);
        require(editor.len < cap && echo.len <= echo.cap);
        if (status == LINE_DONE) {
            require(line[editor.len] == '\0' && strlen(line) == editor.len);
            check_line(line, editor.len);
        }
        if (status != LINE_EDITING)
            line_editor_reset(&editor);
    }
    free(echo_storage);
    free(line);
}

/* Capsules: 0 provides "a" and "b", 1 calls "a", 2 is unverified and
 * claims both. Process p belongs to capsule p % 3; processes >= 6 ended. */
static void fuzz_names(const uint8_t *data, size_t size)
{
    static struct nonos_capsule_info capsules[3];
    static struct names_registry registry;
    memset(capsules, 0, sizeof capsules);
    memcpy(capsules[0].provides[0].text, "a", 2);
    memcpy(capsules[0].provides[1].text, "b", 2);
    capsules[0].provides_count = 2;
    memcpy(capsules[1].ipc[0].text, "a", 2);
    capsules[1].ipc_count = 1;
    capsules[2].provides[0] = capsules[0].provides[0];
    capsules[2].ipc[0] = capsules[1].ipc[0];
    capsules[2].provides_count = capsules[2].ipc_count = 1;
    capsules[0].verified = capsules[1].verified = 1;
    names_registry_init(&registry);
    size_t at = 0;
    while (at + 3 <= size) {
        uint64_t process = data[at] % 9;
        bool lookup = (data[at + 1] & 1) != 0;
        uint32_t length = data[at + 2] % (NONOS_NAME_MAX + 1);
        at += 3;
        if (length > size - at)
            length = (uint32_t)(size - at);
        const char *name = (const char *)data + at;
        at += length;
        const struct nonos_capsule_info *capsule = &capsules[process % 3];
        struct names_entry *existing = names_find(&registry, name, length);
        if (lookup) {
            uint64_t verdict = names_decide_lookup(capsule, name, length, existing);
            require(verdict != 0 || (process % 3 == 1 && length == 1 && name[0] == 'a' && existing != NULL));
            continue;
        }
        struct names_entry *entry = existing != NULL ? existing : names_free_entry(&registry);
        bool running = existing != NULL && existing->process < 6;
        uint64_t verdict = names_decide_register(capsule, process, name, length, existing, running, entry == NULL);
        if (verdict == 0) {
            require(process % 3 == 0 && length == 1 && (name[0] == 'a' || name[0] == 'b'));
            names_store(entry, name, length, process, 16);
        }
    }
}

static void fuzz_tables(const uint8_t *data, size_t size)
{
    union {
        struct nonos_process_info process;
        struct nonos_cap_info cap;
        struct nonos_audit_record audit;
    } record;
    if (size < 2)
        return;
    size_t cap = data[1];
    memset(&record, 0, sizeof record);
    memcpy(&record, data + 2, size - 2 < sizeof record ? size - 2 : sizeof record);
    char *storage = malloc(cap + 1);
    struct byte_buffer out = text_buffer(storage, cap);
    format_process_header(&out);
    format_process(&out, &record.process);
    format_cap(&out, &record.cap);
    format_audit(&out, &record.audit);
    require(out.len <= cap);
    free(storage);
}


/* A device that writes anything into the used ring: chains are added from
 * the first bytes, then the rest is the used ring's idx and elements, read
 * by virtqueue_take until it reports nothing or a broken queue. Every head
 * taken must have been outstanding; free descriptors never exceed the size. */
static void fuzz_virtqueue(const uint8_t *data, size_t size)
{
    static struct virtqueue queue;
    static uint8_t area[4096];
    const uint16_t entries = 8;
    memset(area, 0, sizeof area);
    require(virtqueue_init(&queue, area, 0x1000, entries));
    bool outstanding[8] = { false };
    size_t at = 0;
    while (at < size && at < 4 && data[at] % 4 != 0) {
        struct virtqueue_buffer chain[3] = { { 0x2000, 12, false }, { 0x3000, 64, true }, { 0x4000, 64, true } };
        int head = virtqueue_add(&queue, chain, (uint32_t)(data[at] % 4));
        if (head >= 0)
            outstanding[head] = true;
        at++;
    }
    size_t used = virtqueue_used_offset(entries);
    size_t length = size - at < 4 + 8u * entries ? size - at : 4 + 8u * entries;
    memcpy(area + used, data + at, length);
    uint16_t head;
    uint32_t written;
    int result;
    for (int i = 0; i < 2 * entries && (result = virtqueue_take(&queue, &head, &written)) == 1; i++) {
        require(head < entries && outstanding[head]);
        outstanding[head] = false;
    }
    require(queue.free_count <= entries);
}

/* Byte 0: a capability or none; byte 1: length 10 or the bytes' own; then
 * the data. A decoded request has bits
 * the kernel would signal (or is a stop); a refusal leaves *out as it was. */
static void fuzz_wake_request(const uint8_t *data, size_t size)
{
    static struct nonos_message message;
    if (size < 2)
        return;
    message.capability = data[0] % 2 ? 20 : NONOS_SLOT_NONE;
    size_t length = size - 2 < sizeof message.data ? size - 2 : sizeof message.data;
    message.length = data[1] % 2 ? 10 : (uint32_t)length;
    memset(message.data, 0, sizeof message.data);
    memcpy(message.data, data + 2, length);
    struct wake_request out = { 7, 7, false };
    uint64_t label = wake_request_decode(&message, &out);
    if (label != 0)
        require(label == NONOS_ERROR_INVALID_ARGUMENT && out.port == 7 && out.bits == 7 && !out.stop);
    else
        require(out.stop ? message.capability == NONOS_SLOT_NONE : out.bits != 0 && (out.bits >> 63) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] % 5) {
    case 4:
        fuzz_wake_request(data + 1, size - 1);
        break;
    case 3:
        fuzz_virtqueue(data + 1, size - 1);
        break;
    case 0:
        fuzz_console(data + 1, size - 1);
        break;
    case 1:
        fuzz_names(data + 1, size - 1);
        break;
    default:
        fuzz_tables(data, size);
    }
    return 0;
}
