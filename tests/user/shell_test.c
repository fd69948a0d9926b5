/* The shell capsule (user/shell/) against the fake kernel: lines typed at
 * its console (through its real read loop and line editor) run commands
 * whose system calls the fake answers; the test reads what the shell wrote
 * and what it asked the kernel to do. */
#include <stdio.h>
#include <string.h>

#include "fake_kernel.h"
#include "nonos/error.h"
#include "nonos/mesh.h"
#include "nonos/net.h"
#include "tests/host/test.h"

int capsule_main(void);

static void setup(const char *input)
{
    fake_reset(NONOS_RIGHT_READ | NONOS_RIGHT_WRITE, NONOS_RIGHT_WRITE,
               NONOS_RIGHT_READ | NONOS_RIGHT_CONTROL);
    fake_capsule("init", NONOS_RESTART_NEVER);
    fake_capsule("shell", NONOS_RESTART_ALWAYS);
    fake_capsule("hello", NONOS_RESTART_NEVER);
    fake_process("init", NONOS_PROCESS_RUNNING);
    struct nonos_process_info *shell = fake_process("shell", NONOS_PROCESS_RUNNING);
    shell->cpu_used_us = 1500;
    shell->cpu_budget_us = 86400000000ull;
    shell->memory_used = 200 * 1024;
    shell->memory_limit = 512 * 1024;
    shell->threads = shell->thread_limit = 1;
    fake.input = input;
    fake.input_len = strlen(input);
}

static int run(const char *input)
{
    setup(input);
    return fake_run(capsule_main);
}

static size_t count(const char *text)
{
    size_t n = 0;
    for (const char *p = fake.output; (p = strstr(p, text)) != NULL; p++)
        n++;
    return n;
}

static void test_prompt_and_help(void)
{
    run("help\r");
    test_check(strncmp(fake.output, "NONOS console. Type help for the commands.\nnonos> help\n", 55) == 0,
               "shell: banner, prompt, the typed line echoed");
    bool all = true;
    static const char *const names[] = { "mem", "uptime", "log", "measure", "capsules", "random", "ps",
                                         "lspci", "run", "kill", "caps", "audit", "poweroff", "reboot" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char line[32];
        snprintf(line, sizeof line, "\n  %s ", names[i]);
        all = all && fake_said(line);
    }
    test_check(all && count("nonos> ") == 2, "shell: help lists every command; a new prompt after it");
    test_check(fake_said("\n  kill ID|NAME kill process ID, or the running capsule NAME\n") && fake_said("\n  mem        memory map by type"),
               "shell: help shows each command with its arguments in one column");
    run("pz\bs\r");
    test_check(fake_said("pz\b \bs\n") && fake_said("running"), "shell: a line edited with Backspace runs (ps)");
    setup("u");
    fake.input = "uptime\r\nbogus\r\n";
    fake.input_len = strlen(fake.input);
    fake.input_chunk = 1;
    fake.report = "up 3.000000 s\n";
    fake_run(capsule_main);
    test_check(fake_said("up 3.000000 s\n") && fake_said("unknown command 'bogus'; type help") && count("nonos> ") == 3,
               "shell: input byte by byte, \\r\\n as one Enter, an unknown command named");
}

static void test_reports(void)
{
    setup("mem\rlog\r");
    fake.report = "frames: 100 total\n";
    fake_run(capsule_main);
    test_check(count("frames: 100 total\n") == 2, "shell: mem and log print the kernel's report");
    static char long_report[16384 + 1];
    memset(long_report, 'x', sizeof long_report - 1);
    long_report[sizeof long_report - 2] = '\n';
    setup("log\r");
    fake.report = long_report;
    fake_run(capsule_main);
    test_check(count("x") == 16383 && fake_said("x\nnonos> "),
               "shell: a 16 KiB report reaches the console whole, in writes the kernel accepts (4 KiB each)");
    run("capsules\r");
    test_check(fake_said("capsules: an argument is out of its range"),
               "shell: a refused report prints the command and the error's message");
}

/* selftest: forwarded to the test kernel's kernel_report topics 7-10; a
 * product kernel refuses them and the shell says so. Not in help. */
static void test_selftest(void)
{
    run("help\r");
    test_check(!fake_said("selftest"), "shell: help does not list selftest");
    run("selftest list\r");
    test_check(fake.report_topic == 7 + 1 &&
                   fake_said("selftest: this kernel has no in-kernel tests (the test kernel has)\n"),
               "shell: selftest list is kernel_report topic 7; a kernel without tests says so");
    setup("selftest\rselftest exit\r");
    fake.report = "";
    fake_run(capsule_main);
    test_check(fake.report_topic == 9 + 1 && count("nonos> ") == 3,
               "shell: selftest, then selftest exit (topic 9, the last call), each answered by a prompt");
    setup("selftest run ipc_round_trip\r");
    fake.report = "";
    fake_run(capsule_main);
    test_check(fake.report_topic == 10 + 1 && strncmp(fake.report_argument, "ipc_round_trip", 15) == 0,
               "shell: selftest run NAME is topic 10 with the name, NUL-terminated, in the buffer");
    run("selftest frob\r");
    test_check(fake.report_topic == 0 && fake_said("usage: selftest [list | exit | run NAME]"),
               "shell: selftest with another argument prints its usage and calls nothing");
}

static void test_processes(void)
{
    run("ps\r");
    test_check(fake_said("    id  capsule          state") &&
                   fake_said("     2  shell            running            0.001/86400.000        200/512            1/1\n"),
               "shell: ps prints the header and a line per process");
    setup("ps\r");
    fake.deny_supervisor = -NONOS_ERROR_NO_RIGHT;
    fake_run(capsule_main);
    test_check(fake_said("ps: the capability lacks a right the call needs"), "shell: ps refused: the kernel's message");
    run("run hello\rrun nope\rrun\rrun a b\r");
    test_check(strcmp(fake.started, "hello") == 0 && fake_said("started hello: process 3") &&
                   fake_said("run nope: nothing has that name or number") && count("usage: run NAME") == 2,
               "shell: run starts a capsule by name, reports an unknown one, refuses a bad argument");
    run("kill 2\rkill 2\rkill 77\rkill x\rkill\rkill a b\r");
    test_check(strcmp(fake.killed, "2") == 0 && fake_said("killed process 2") &&
                   fake_said("kill 2: nothing has that name or number") &&
                   fake_said("kill 77: nothing has that name or number") &&
                   fake_said("kill x: nothing has that name or number") && count("usage: kill ID|NAME") == 2,
               "shell: kill by id, errors with the kernel's message, a bad argument refused before any call");
    run("kill shell\rkill shell\r");
    test_check(strcmp(fake.killed, "2") == 0 && fake_said("killed process 2") &&
                   fake_said("kill shell: nothing has that name or number"),
               "shell: kill NAME kills the running process of that capsule; none left: NOT_FOUND");
}

static void test_caps_and_audit(void)
{
    setup("caps 2\rcaps 9\r");
    fake.process_caps[0] = (struct nonos_cap_info){ 0, NONOS_OBJECT_CONSOLE, NONOS_RIGHT_READ | NONOS_RIGHT_WRITE, 0, 0 };
    fake.process_caps[1] = (struct nonos_cap_info){ 2, NONOS_OBJECT_ENDPOINT, NONOS_RIGHT_WRITE, 0, 2 };
    fake.process_cap_count = 2;
    fake_run(capsule_main);
    test_check(fake_said("  slot  type          rights badge\n     0  console       rw--   0\n     2  endpoint      -w--   2\n") &&
                   fake_said("caps 9: nothing has that name or number"),
               "shell: caps lists slot, type, rights, badge; an unknown process is reported");
    setup("audit\r");
    for (size_t i = 0; i < 40; i++) {
        struct nonos_audit_record *r = &fake.audit[i];
        memset(r, 0, sizeof *r);
        r->sequence = 100 + i;
        r->process = 7;
        r->kind = i % 2 == 0 ? NONOS_AUDIT_DENIED : NONOS_AUDIT_START;
        r->syscall = 41;
        r->slot = NONOS_SLOT_NONE;
        r->error = -NONOS_ERROR_INVALID_CAPABILITY;
        snprintf(r->name, sizeof r->name, "probe");
    }
    fake.audit_count = 40;
    fake_run(capsule_main);
    test_check(count("process 7 (probe)") == 40 && count("\n   139 ") == 1 && count("\n   100 ") == 1 && count("(probe) start\n") == 20 &&
                   count("denied: call 41: the slot is out of the table or empty") == 20,
               "shell: audit prints every record once across batches of 32, denials with the error's message");
    run("audit\r");
    test_check(fake_said("(no audit records)"), "shell: audit with an empty log says so");
}

static void test_power_and_rights(void)
{
    run("poweroff\r");
    test_check(fake.power_action == 1, "shell: poweroff asks system_power for action 0");
    run("reboot\r");
    test_check(fake.power_action == 2, "shell: reboot asks system_power for action 1");
    setup("reboot\r");
    fake.slots[NONOS_SLOT_SUPERVISOR].rights = NONOS_RIGHT_READ;
    fake_run(capsule_main);
    test_check(fake.power_action == 0 && fake_said("reboot: the capability lacks a right the call needs"),
               "shell: reboot without the control right is refused and says why");
    setup("help\r");
    fake.slots[NONOS_SLOT_CONSOLE].rights = NONOS_RIGHT_WRITE;
    int status = fake_run(capsule_main);
    test_check(status == 1 && fake_said("shell: console input: the capability lacks a right the call needs"),
               "shell: a console without the read right: reported, exits 1");
}

/* lspci: what device_list gives, the driver's name through process_info. */
static void test_lspci(void)
{
    setup("lspci\r");
    struct nonos_device_info *rng = &fake.devices[fake.device_count++];
    *rng = (struct nonos_device_info){ .bus = 0, .device = 2, .function = 0, .vendor_id = 0x1af4,
                                       .device_id = 0x1044, .class_code = 0, .subclass = 0xff,
                                       .msix_vectors = 2, .iommu_domain = 3, .dma_confined = 1,
                                       .driver_process = 2 };
    rng->bars[4] = (struct nonos_device_bar){ 0xe000000000ull, 0x4000, NONOS_BAR_MEMORY, 1 };
    struct nonos_device_info *disk = &fake.devices[fake.device_count++];
    *disk = (struct nonos_device_info){ .bus = 0, .device = 0x1f, .function = 2,
                                        .vendor_id = 0x8086, .device_id = 0x2922,
                                        .class_code = 1, .subclass = 6, .msi_vectors = 1 };
    disk->bars[4] = (struct nonos_device_bar){ 0x6040, 0x20, NONOS_BAR_IO, 0 };
    fake_run(capsule_main);
    test_check(fake_said("00:02.0  1af4:1044 00.ff  msi-x 2      2 shell") &&
               fake_said("domain 3\n         bar4 mem 0xe000000000, 16 KiB, 64-bit\n") &&
               fake_said("00:1f.2  8086:2922 01.06  msi 1        -") &&
               fake_said("         bar4 io  0x6040, 32 B\n"),
               "shell: lspci shows ids, class, interrupts, driver process and name, domain, BARs");
}

/* nonos.net's next reply to the shell: label 0, data[0..length). */
static void net_reply(const void *data, uint32_t length)
{
    struct nonos_message *m = &fake.calls[fake.call_count++];
    memset(m, 0, sizeof *m);
    m->length = length;
    m->capability = NONOS_SLOT_NONE;
    memcpy(m->data, data, length < sizeof m->data ? length : sizeof m->data);
}

/* True when the console got no byte that steers a terminal: no control
 * character but '\n', no DEL, nothing past ASCII. */
static bool output_inert(void)
{
    for (size_t i = 0; i < fake.output_len; i++) {
        unsigned char c = (unsigned char)fake.output[i];
        if ((c < 0x20 && c != '\n' && c != '\b') || c >= 0x7f)
            return false;
    }
    return true;
}

static void setup_net(const char *input)
{
    setup(input);
    fake.service = "nonos.net";
}

/* ip, ping, udp against made-up replies of nonos.net: good ones shown as
 * before, text escaped, bad ones refused with stack_reply.c's or
 * net_reply.c's message. */
static void test_net_replies(void)
{
    setup_net("ip\r");
    net_reply("lo 127.0.0.1\n", 13);
    net_reply("\x1b[2Jeth0 \\ up\x07\n", 16);
    net_reply("", 0);
    fake_run(capsule_main);
    test_check(fake_said("lo 127.0.0.1\n\\x1b[2Jeth0 \\\\ up\\x07\n") && output_inert() && fake.call_next == 3 &&
                   fake.call_labels[2] == NONOS_NET_REPORT && fake.slots[8].type == NONOS_OBJECT_NONE,
               "shell: ip shows the report's pieces, control bytes escaped, until an empty one; endpoint let go");
    setup_net("ip\r");
    net_reply("lo 127.0.0.1\n", 13);
    fake.calls[fake.call_count++] = (struct nonos_message){ .length = NONOS_MESSAGE_DATA_MAX + 1 };
    fake_run(capsule_main);
    test_check(fake_said("lo 127.0.0.1\nip: a bad reply from nonos.net: the wrong length for the reply\n") &&
                   fake.call_next == 2,
               "shell: ip refuses a reply over a message, after what came before");
    static const uint8_t echoed[9] = { 1, 7 }, lost[24] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, '\x1b', ']', '0', ';', 'x', '\a', 'n', 'o' };
    static const uint8_t result_2[9] = { 2 };
    setup_net("ping 10.0.2.2\r");
    net_reply(echoed, 9);
    net_reply(lost, 17);
    net_reply(result_2, 9);
    fake_run(capsule_main);
    test_check(fake_said("reply from 10.0.2.2: sequence 1, 7 ms\n10.0.2.2: sequence 2: \\x1b]0;x\\x07no\n"
                         "ping: a bad reply from nonos.net: a ping reply of an unknown result\n") &&
                   output_inert() && fake.call_next == 3,
               "shell: ping shows an echo, a reason escaped, and stops at a bad reply");
    setup_net("ping 10.0.2.2\r");
    net_reply(echoed, 8);
    fake_run(capsule_main);
    test_check(fake_said("ping: a bad reply from nonos.net: the wrong length for the reply\n") && fake.call_next == 1,
               "shell: ping refuses a reply of 8 bytes and asks no more");
    static const uint8_t bind[5] = { 1, 0, 0, 0, 0 }, sent[8] = { NONOS_NET_SENT, 's', 'e', 'n', 't', '\x1b', '[', 'K' };
    setup_net("udp 10.0.2.2 7 hi\r");
    net_reply(bind, 5);
    net_reply(sent, 8);
    fake_run(capsule_main);
    test_check(fake_said("udp: sent\\x1b[K\n") && output_inert() && fake.call_next == 3 &&
                   fake.call_labels[2] == NONOS_NET_UDP_UNBIND,
               "shell: udp shows nonos.net's result text escaped, then unbinds");
    setup_net("udp 10.0.2.2 7 hi\r");
    net_reply(bind, 4);
    fake_run(capsule_main);
    test_check(fake_said("udp: bind: a bad reply from nonos.net: the wrong length for the reply\n") &&
                   fake.call_next == 2 && fake.call_labels[1] == NONOS_NET_UDP_UNBIND,
               "shell: udp refuses a bind reply of 4 bytes, sends nothing, unbinds");
    static const uint8_t sent_4[1] = { 4 };
    setup_net("udp 10.0.2.2 7 hi\r");
    net_reply(bind, 5);
    net_reply(sent_4, 1);
    fake_run(capsule_main);
    test_check(fake_said("udp: send: a bad reply from nonos.net: a send reply of an unknown result\n") &&
                   fake.call_labels[2] == NONOS_NET_UDP_UNBIND,
               "shell: udp refuses a send result past FAILED");
}

/* mesh: the mesh capsule's reply text shown escaped (values come from
 * other nodes), its lines kept; a reply over a message refused. */
static void test_mesh_reply(void)
{
    setup("mesh get k\r");
    fake.service = "nonos.mesh";
    net_reply("found \x1b[2J\x9b\\\nsecond", 19);
    fake_run(capsule_main);
    test_check(fake_said("mesh: found \\x1b[2J\\x9b\\\\\nsecond\n") && output_inert() && fake.call_next == 1 &&
                   fake.call_labels[0] == NONOS_MESH_COMMAND,
               "shell: mesh shows the mesh capsule's text escaped, its lines kept");
    setup("mesh\r");
    fake.service = "nonos.mesh";
    fake.calls[fake.call_count++] = (struct nonos_message){ .length = NONOS_MESSAGE_DATA_MAX + 1 };
    fake_run(capsule_main);
    test_check(fake_said("mesh: a bad reply from nonos.mesh: longer than a message\n"),
               "shell: mesh refuses a reply over a message");
}

int main(void)
{
    test_lspci();
    test_prompt_and_help();
    test_reports();
    test_selftest();
    test_processes();
    test_caps_and_audit();
    test_power_and_rights();
    test_net_replies();
    test_mesh_reply();
    return test_finish();
}
