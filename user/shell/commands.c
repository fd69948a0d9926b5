/* The shell's commands (commands.h). Kernel-side reports (mem, uptime,
 * log, measure, capsules, random) are kernel_report topics; the process
 * commands format what process_list, process_caps and audit_read copy out
 * (tables.c). A failed call prints "COMMAND: message" from the kernel's
 * error table (nonos_error_message). What nonos.net replies is another
 * process's: decoded by stack_reply.c (ip, ping) and net_reply.c (udp)
 * before use, refused with the decoder's message, and its text shown
 * through text_append_escaped. */
#include "commands.h"

#include <stdint.h>

#include "console.h"
#include "net_reply.h"
#include "stack_reply.h"
#include "tables.h"
#include "nonos/abi.h"
#include "nonos/error.h"
#include "nonos/mesh.h"
#include "nonos/names.h"
#include "nonos/net.h"
#include "nonos/syscall.h"
#include "parse.h"
#include "text.h"

#define REPORT_MAX 16384 /* the kernel log ring's size: `log` fits whole */
#define PROCESSES_MAX 64
#define CAPS_MAX 256
#define AUDIT_BATCH 32
#define NET_SLOT 8 /* the network stack's endpoint while `ip` runs */

struct command {
    const char *name;
    const char *usage; /* arguments, "" if none */
    const char *help;
    void (*run)(const struct command *self, const char *arguments, size_t length);
    uint64_t topic; /* kernel_report topic, or system_power action */
};

static char output_storage[REPORT_MAX];

static void fail(const char *command, long error)
{
    console_printf("%s: %s\n", command, nonos_error_message(error));
}

/* mem, uptime, log, measure, capsules, random: the kernel's text report. */
static void command_report(const struct command *self, const char *arguments, size_t length)
{
    (void)arguments;
    (void)length;
    long n = nonos_kernel_report(NONOS_SLOT_SUPERVISOR, self->topic, output_storage,
                                 sizeof output_storage);
    if (n < 0)
        fail(self->name, n);
    else
        console_print(output_storage, (size_t)n < sizeof output_storage ? (size_t)n : sizeof output_storage);
}

/* poweroff, reboot: system_power returns only when it refuses. */
static void command_power(const struct command *self, const char *arguments, size_t length)
{
    (void)arguments;
    (void)length;
    fail(self->name, nonos_system_power(NONOS_SLOT_SUPERVISOR, self->topic));
}

static void command_ps(const struct command *self, const char *arguments, size_t length)
{
    (void)self;
    static struct nonos_process_info processes[PROCESSES_MAX];
    (void)arguments;
    (void)length;
    long n = nonos_process_list(NONOS_SLOT_SUPERVISOR, processes, sizeof processes);
    if (n < 0) {
        fail("ps", n);
        return;
    }
    struct byte_buffer out = text_buffer(output_storage, sizeof output_storage);
    format_process_header(&out);
    for (long i = 0; i < n && i < PROCESSES_MAX; i++)
        format_process(&out, &processes[i]);
    console_print_buffer(&out);
}

#define DEVICES_MAX 64

static void command_lspci(const struct command *self, const char *arguments, size_t length)
{
    (void)self;
    (void)arguments;
    (void)length;
    static struct nonos_device_info devices[DEVICES_MAX];
    long n = nonos_device_list(NONOS_SLOT_SUPERVISOR, devices, sizeof devices);
    if (n < 0) {
        fail("lspci", n);
        return;
    }
    struct byte_buffer out = text_buffer(output_storage, sizeof output_storage);
    format_device_header(&out);
    for (long i = 0; i < n && i < DEVICES_MAX; i++) {
        static struct nonos_process_info driver;
        size_t name_length = 0;
        if (devices[i].driver_process != 0 &&
            nonos_process_info(NONOS_SLOT_SUPERVISOR, devices[i].driver_process, &driver) == 0)
            name_length = text_length(driver.name, sizeof driver.name);
        format_device(&out, &devices[i], driver.name, name_length);
    }
    console_print_buffer(&out);
}

static void command_run(const struct command *self, const char *arguments, size_t length)
{
    (void)self;
    if (!shell_parse_name(arguments, length)) {
        console_printf("usage: run NAME (a capsule of the boot bundle; see capsules)\n");
        return;
    }
    long process = nonos_capsule_start(NONOS_SLOT_SUPERVISOR, arguments, length);
    if (process < 0)
        console_printf("run %.*s: %s\n", (int)length, arguments, nonos_error_message(process));
    else
        console_printf("started %.*s: process %ld\n", (int)length, arguments, process);
}

/* The id of the running process of capsule `name`; false if none. */
static bool process_named(const char *name, size_t length, uint64_t *id)
{
    static struct nonos_process_info processes[PROCESSES_MAX];
    long n = nonos_process_list(NONOS_SLOT_SUPERVISOR, processes, sizeof processes);
    for (long i = 0; i < n && i < PROCESSES_MAX; i++) {
        const char *capsule = processes[i].name;
        if (processes[i].state == NONOS_PROCESS_RUNNING &&
            text_same(capsule, text_length(capsule, sizeof processes[i].name), name, length)) {
            *id = processes[i].id;
            return true;
        }
    }
    return false;
}

/* kill ID, or kill NAME: the running process of that capsule. */
static void command_kill(const struct command *self, const char *arguments, size_t length)
{
    (void)self;
    uint64_t id;
    if (!shell_parse_id(arguments, length, &id)) {
        if (!shell_parse_name(arguments, length)) {
            console_printf("usage: kill ID|NAME (a process id or a running capsule's name; see ps)\n");
            return;
        }
        if (!process_named(arguments, length, &id)) {
            console_printf("kill %.*s: %s\n", (int)length, arguments,
                           nonos_error_message(-NONOS_ERROR_NOT_FOUND));
            return;
        }
    }
    long result = nonos_process_kill(NONOS_SLOT_SUPERVISOR, id);
    if (result < 0)
        console_printf("kill %llu: %s\n", (unsigned long long)id, nonos_error_message(result));
    else
        console_printf("killed process %llu\n", (unsigned long long)id);
}

static void command_caps(const struct command *self, const char *arguments, size_t length)
{
    (void)self;
    static struct nonos_cap_info caps[CAPS_MAX];
    uint64_t id;
    if (!shell_parse_id(arguments, length, &id)) {
        console_printf("usage: caps ID (a process id; see ps)\n");
        return;
    }
    long n = nonos_process_caps(NONOS_SLOT_SUPERVISOR, id, caps, sizeof caps);
    if (n < 0) {
        console_printf("caps %llu: %s\n", (unsigned long long)id, nonos_error_message(n));
        return;
    }
    struct byte_buffer out = text_buffer(output_storage, sizeof output_storage);
    format_cap_header(&out);
    for (long i = 0; i < n && i < CAPS_MAX; i++)
        format_cap(&out, &caps[i]);
    console_print_buffer(&out);
}

/* Every record, in batches: each read starts after the last one shown. */
static void command_audit(const struct command *self, const char *arguments, size_t length)
{
    (void)self;
    static struct nonos_audit_record records[AUDIT_BATCH];
    uint64_t first = 0;
    size_t shown = 0;
    (void)arguments;
    (void)length;
    for (;;) {
        long n = nonos_audit_read(NONOS_SLOT_SUPERVISOR, first, records, sizeof records);
        if (n < 0) {
            fail("audit", n);
            return;
        }
        struct byte_buffer out = text_buffer(output_storage, sizeof output_storage);
        for (long i = 0; i < n && i < AUDIT_BATCH; i++)
            format_audit(&out, &records[i]);
        console_print_buffer(&out);
        shown += (size_t)n;
        if (n < AUDIT_BATCH)
            break;
        first = records[AUDIT_BATCH - 1].sequence + 1;
    }
    if (shown == 0)
        console_printf("(no audit records)\n");
}

/* selftest [list | exit | run NAME]: the test kernel's in-kernel tests
 * (kernel_report topics 7-10; they print on the console themselves). Not in
 * help: the product kernel has no tests and refuses the topics. */
#define TOPIC_SELFTEST_LIST 7
#define TOPIC_SELFTEST_RUN 8
#define TOPIC_SELFTEST_EXIT 9
#define TOPIC_SELFTEST_RUN_ONE 10
static void command_selftest(const struct command *self, const char *arguments, size_t length)
{
    (void)self;
    struct shell_words words = shell_split(arguments, length);
    uint64_t topic = TOPIC_SELFTEST_RUN;
    size_t name_length = 0;
    if (text_equal(arguments, length, "list")) {
        topic = TOPIC_SELFTEST_LIST;
    } else if (text_equal(arguments, length, "exit")) {
        topic = TOPIC_SELFTEST_EXIT;
    } else if (text_equal(words.command, words.command_length, "run") &&
               shell_parse_name(words.arguments, words.arguments_length)) {
        topic = TOPIC_SELFTEST_RUN_ONE;
        name_length = words.arguments_length; /* at most 64 bytes: the kernel reads 63 */
        for (size_t i = 0; i < name_length && i + 1 < sizeof output_storage; i++)
            output_storage[i] = words.arguments[i];
        output_storage[name_length] = '\0';
    } else if (length != 0) {
        console_printf("usage: selftest [list | exit | run NAME]\n");
        return;
    }
    long n = nonos_kernel_report(NONOS_SLOT_SUPERVISOR, topic, output_storage, sizeof output_storage);
    if (n == -NONOS_ERROR_INVALID_ARGUMENT)
        console_printf("selftest: this kernel has no in-kernel tests (the test kernel has)\n");
    else if (n < 0)
        fail("selftest", n);
    else
        console_print(output_storage, (size_t)n < sizeof output_storage ? (size_t)n : sizeof output_storage);
}

/* One request on the network stack's endpoint (NET_SLOT): the reply's
 * label as -error, the reply in *message. */
static long net_call(struct nonos_message *message)
{
    message->capability = NONOS_SLOT_NONE;
    long result = nonos_ipc_call(NET_SLOT, message, NONOS_SLOT_NONE);
    if (result >= 0 && message->label != 0)
        result = -(long)(message->label & 0xffff);
    return result;
}

/* A reply of `service` that was refused (by stack_reply.c, net_reply.c or
 * a length check): said, and nothing of it used. */
static void bad_reply(const char *command, const char *service, const char *why)
{
    console_printf("%s: a bad reply from %s: %s\n", command, service, why);
}

/* ip: the network stack's report (nonos/net.h), read in pieces of one
 * message each from the net capsule. The text is another process's: shown
 * escaped (text_append_escaped), its lines kept. */
static void command_ip(const struct command *self, const char *arguments, size_t length)
{
    (void)self;
    (void)arguments;
    (void)length;
    long result = nonos_names_lookup(NONOS_NET_SERVICE, sizeof NONOS_NET_SERVICE - 1, NET_SLOT);
    if (result < 0) {
        console_printf("ip: no network stack (%s: %s)\n", NONOS_NET_SERVICE, nonos_error_message(result));
        return;
    }
    struct byte_buffer out = text_buffer(output_storage, sizeof output_storage);
    static struct nonos_message message;
    struct stack_reply reply;
    enum stack_reply_refusal refusal = STACK_REPLY_OK;
    for (uint32_t offset = 0; offset < sizeof output_storage;) {
        message.label = NONOS_NET_REPORT;
        message.length = sizeof offset;
        __builtin_memcpy(message.data, &offset, sizeof offset);
        result = net_call(&message);
        if (result < 0)
            break;
        refusal = stack_reply_decode(NONOS_NET_REPORT, message.data, message.length, &reply);
        if (refusal != STACK_REPLY_OK || reply.text_length == 0 ||
            !text_append_escaped(&out, reply.text, reply.text_length, true))
            break;
        offset += reply.text_length;
    }
    nonos_cap_delete(NET_SLOT);
    console_print_buffer(&out);
    if (result < 0)
        fail("ip", result);
    else if (refusal != STACK_REPLY_OK)
        bad_reply("ip", NONOS_NET_SERVICE, stack_reply_message(refusal));
}

/* a.b.c.d, each part 0..255 with no leading sign or blank. */
static bool address_parse(const char *text, size_t length, uint32_t *out)
{
    uint32_t address = 0, part = 0, parts = 0, digits = 0;
    for (size_t i = 0; i <= length; i++) {
        if (i < length && text[i] >= '0' && text[i] <= '9' && digits < 3) {
            part = part * 10 + (uint32_t)(text[i] - '0');
            digits++;
        } else if ((i == length || text[i] == '.') && digits > 0 && part <= 255 && parts < 4) {
            address = address << 8 | part;
            parts++;
            part = digits = 0;
        } else {
            return false;
        }
    }
    *out = address;
    return parts == 4;
}

/* One ping's line: the round trip, or why there was none (another
 * process's text, shown escaped). */
static void ping_show(const char *address, size_t length, uint16_t sequence, const struct stack_reply *reply)
{
    if (reply->echoed) {
        console_printf("reply from %.*s: sequence %u, %llu ms\n", (int)length, address, sequence,
                       (unsigned long long)reply->round_trip);
        return;
    }
    struct byte_buffer out = text_buffer(output_storage, sizeof output_storage);
    text_printf(&out, "%.*s: sequence %u: ", (int)length, address, sequence);
    text_append_escaped(&out, reply->text, reply->text_length, false);
    text_append(&out, "\n", 1);
    console_print_buffer(&out);
}

/* ping ADDRESS: three echo requests through the net capsule, one at a time;
 * a bad reply ends them. */
static void command_ping(const struct command *self, const char *arguments, size_t length)
{
    (void)self;
    uint32_t address;
    if (!address_parse(arguments, length, &address)) {
        console_printf("usage: ping A.B.C.D\n");
        return;
    }
    long result = nonos_names_lookup(NONOS_NET_SERVICE, sizeof NONOS_NET_SERVICE - 1, NET_SLOT);
    if (result < 0) {
        console_printf("ping: no network stack (%s: %s)\n", NONOS_NET_SERVICE, nonos_error_message(result));
        return;
    }
    static struct nonos_message message;
    for (uint16_t sequence = 1; sequence <= 3 && result >= 0; sequence++) {
        message.label = NONOS_NET_PING;
        message.length = sizeof address + sizeof sequence;
        __builtin_memcpy(message.data, &address, sizeof address);
        __builtin_memcpy(message.data + sizeof address, &sequence, sizeof sequence);
        result = net_call(&message);
        if (result < 0)
            break;
        struct stack_reply reply;
        enum stack_reply_refusal refusal = stack_reply_decode(NONOS_NET_PING, message.data, message.length, &reply);
        if (refusal != STACK_REPLY_OK) {
            bad_reply("ping", NONOS_NET_SERVICE, stack_reply_message(refusal));
            break;
        }
        ping_show(arguments, length, sequence, &reply);
    }
    nonos_cap_delete(NET_SLOT);
    if (result < 0)
        fail("ping", result);
}

/* One request to a service found by name: the reply's label as -error, the
 * reply in *message. The endpoint is held only during the call. */
static long service_call(const char *name, uint32_t name_length, uint64_t label, struct nonos_message *message)
{
    long result = nonos_names_lookup(name, name_length, NET_SLOT);
    if (result < 0)
        return result;
    message->label = label;
    result = net_call(message);
    nonos_cap_delete(NET_SLOT);
    return result;
}

#define UDP_SHELL_PORT 40001

/* The datagram text[0..length) from local to address:port on the bound
 * socket; nonos.net's result text (another process's) shown escaped. */
static void udp_send(struct nonos_message *message, uint16_t local, uint32_t address, uint16_t port,
                     const char *text, size_t length)
{
    uint16_t total = (uint16_t)length, offset = 0;
    __builtin_memcpy(message->data, &local, 2);
    __builtin_memcpy(message->data + 2, &address, 4);
    __builtin_memcpy(message->data + 6, &port, 2);
    __builtin_memcpy(message->data + 8, &total, 2);
    __builtin_memcpy(message->data + 10, &offset, 2);
    __builtin_memcpy(message->data + NONOS_NET_UDP_SEND_HEADER, text, length);
    message->length = (uint32_t)(NONOS_NET_UDP_SEND_HEADER + length);
    long result = service_call(NONOS_NET_SERVICE, sizeof NONOS_NET_SERVICE - 1, NONOS_NET_UDP_SEND, message);
    if (result < 0) {
        fail("udp: send", result);
        return;
    }
    struct net_reply reply;
    enum net_reply_refusal refusal = net_reply_decode(NONOS_NET_UDP_SEND, message->data, message->length, 0, 0, &reply);
    if (refusal != NET_REPLY_OK) {
        bad_reply("udp: send", NONOS_NET_SERVICE, net_reply_message(refusal));
        return;
    }
    struct byte_buffer out = text_buffer(output_storage, sizeof output_storage);
    text_printf(&out, "udp: ");
    text_append_escaped(&out, reply.text, reply.text_length, false);
    text_append(&out, "\n", 1);
    console_print_buffer(&out);
}

/* udp A.B.C.D PORT TEXT: one datagram through nonos.net's datagram API,
 * from port 40001 (bound, used, unbound). The shell's manifest allows
 * neither the mesh nor the clearnet, so nonos.net refuses it: this is how
 * a capsule without that policy sees the API. */
static void command_udp(const struct command *self, const char *arguments, size_t length)
{
    (void)self;
    size_t space = 0, second = 0;
    while (space < length && arguments[space] != ' ')
        space++;
    second = space + 1;
    while (second < length && arguments[second] != ' ')
        second++;
    uint32_t address, port = 0;
    bool ok = space < length && address_parse(arguments, space, &address) && second < length && second > space + 1;
    for (size_t i = space + 1; ok && i < second; i++) {
        ok = arguments[i] >= '0' && arguments[i] <= '9' && port < 6554;
        port = port * 10 + (uint32_t)(arguments[i] - '0');
    }
    size_t text_length = second < length ? length - second - 1 : 0;
    if (!ok || port == 0 || port > 65535 || text_length == 0 || text_length > NONOS_MESSAGE_DATA_MAX - NONOS_NET_UDP_SEND_HEADER) {
        console_printf("usage: udp A.B.C.D PORT TEXT\n");
        return;
    }
    static struct nonos_message message;
    uint16_t local = UDP_SHELL_PORT;
    message.length = 2;
    __builtin_memcpy(message.data, &local, 2);
    long result = service_call(NONOS_NET_SERVICE, sizeof NONOS_NET_SERVICE - 1, NONOS_NET_UDP_BIND, &message);
    if (result < 0) {
        fail("udp: bind", result);
        return;
    }
    struct net_reply reply;
    enum net_reply_refusal refusal = net_reply_decode(NONOS_NET_UDP_BIND, message.data, message.length, 0, 0, &reply);
    if (refusal != NET_REPLY_OK)
        bad_reply("udp: bind", NONOS_NET_SERVICE, net_reply_message(refusal));
    else
        udp_send(&message, local, address, (uint16_t)port, arguments + second + 1, text_length);
    message.length = 2;
    __builtin_memcpy(message.data, &local, 2);
    (void)service_call(NONOS_NET_SERVICE, sizeof NONOS_NET_SERVICE - 1, NONOS_NET_UDP_UNBIND, &message);
}

/* mesh [status | put KEY VALUE | get KEY]: asks the mesh node (nonos.mesh). */
static void command_mesh(const struct command *self, const char *arguments, size_t length)
{
    (void)self;
    static struct nonos_message message;
    if (length == 0) {
        arguments = "status";
        length = 6;
    }
    if (length > sizeof message.data) {
        console_printf("usage: mesh [status | put KEY VALUE | get KEY]\n");
        return;
    }
    __builtin_memcpy(message.data, arguments, length);
    message.length = (uint32_t)length;
    long result = service_call(NONOS_MESH_SERVICE, sizeof NONOS_MESH_SERVICE - 1, NONOS_MESH_COMMAND, &message);
    if (result < 0) {
        fail("mesh", result);
        return;
    }
    if (message.length > sizeof message.data) {
        bad_reply("mesh", NONOS_MESH_SERVICE, "longer than a message");
        return;
    }
    /* The mesh capsule's text (another process's, holding values other
     * nodes stored) is shown escaped, its lines kept. */
    struct byte_buffer out = text_buffer(output_storage, sizeof output_storage);
    text_append(&out, "mesh: ", 6);
    text_append_escaped(&out, message.data, message.length, true);
    text_append(&out, "\n", 1);
    console_print_buffer(&out);
}

static void command_help(const struct command *self, const char *arguments, size_t length);

static const struct command commands[] = {
    { "help", "", "list the commands", command_help, 0 },
    { "mem", "", "memory map by type, frame allocator and heap usage", command_report, 0 },
    { "uptime", "", "time since the kernel started", command_report, 1 },
    { "log", "", "show the kernel log ring", command_report, 2 },
    { "measure", "", "the boot measurement log: part, size, SHA-256", command_report, 3 },
    { "capsules", "", "boot capsules: name, version, author, id, state", command_report, 4 },
    { "random", "", "print 32 bytes from the kernel random generator, and its sources", command_report, 5 },
    { "ps", "", "processes: id, capsule, state, CPU and memory used / limit, threads", command_ps, 0 },
    { "lspci", "", "PCI devices: id, class, BARs, interrupts, driver, IOMMU domain", command_lspci, 0 },
    { "run", "NAME", "start the boot capsule NAME", command_run, 0 },
    { "kill", "ID|NAME", "kill process ID, or the running capsule NAME", command_kill, 0 },
    { "caps", "ID", "capabilities of process ID: slot, type, rights, badge", command_caps, 0 },
    { "audit", "", "the audit log: denied calls and process lifecycle", command_audit, 0 },
    { "ip", "", "network: addresses, routes, ARP table, counters (the net capsule)", command_ip, 0 },
    { "ping", "ADDRESS", "send three ICMP echo requests to ADDRESS (a.b.c.d) through the net capsule", command_ping, 0 },
    { "udp", "A.B.C.D PORT TEXT", "send one UDP datagram through the net capsule's datagram API", command_udp, 0 },
    { "mesh", "[put K V|get K]", "the mesh node: status, store or find a record (nonos.mesh)", command_mesh, 0 },
    { "poweroff", "", "wipe RAM (ZeroState) and power off", command_power, 0 },
    { "reboot", "", "wipe RAM (ZeroState) and reset", command_power, 1 },
};

static void command_help(const struct command *self, const char *arguments, size_t length)
{
    (void)self;
    (void)arguments;
    (void)length;
    struct byte_buffer out = text_buffer(output_storage, sizeof output_storage);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char usage_storage[24];
        struct byte_buffer usage = text_buffer(usage_storage, sizeof usage_storage);
        text_printf(&usage, "%s%s%s", commands[i].name, commands[i].usage[0] != '\0' ? " " : "",
                    commands[i].usage);
        text_printf(&out, "  %-10.*s %s\n", (int)usage.len, usage_storage, commands[i].help);
    }
    console_print_buffer(&out);
}

int shell_run_line(const char *line, size_t length)
{
    struct shell_words words = shell_split(line, length);
    if (words.command_length == 0)
        return 0;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (text_equal(words.command, words.command_length, commands[i].name)) {
            commands[i].run(&commands[i], words.arguments, words.arguments_length);
            return 0;
        }
    }
    if (text_equal(words.command, words.command_length, "selftest")) {
        command_selftest(NULL, words.arguments, words.arguments_length);
        return 0;
    }
    console_printf("unknown command '%.*s'; type help\n", (int)words.command_length, words.command);
    return -1;
}
