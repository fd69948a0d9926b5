/* The malformed-reply corpus of the shell's reading of nonos.net's REPORT
 * and PING replies (tests/corpus/shell-net-reply/): bad replies, each with
 * the exact refusal of user/shell/stack_reply.c, and good ones as controls,
 * among them replies whose text carries terminal escape sequences. The
 * third column is what `ip` or `ping` shows of an accepted reply's text:
 * "textN,shownM": M bytes after text_append_escaped (user/lib/text.c;
 * lines kept for REPORT, as `ip` shows them); "-" for a refused reply,
 * of which nothing is shown. Inputs are in the format of
 * tests/user/request_replay.h (the label, then the reply's data). The
 * shell's `udp` reads the datagram API's replies through the shared
 * user/lib/net_reply.c, whose corpus is tests/corpus/mesh-net-reply.
 *
 * The cases are generated here and committed with an `expected` file
 * (tests/host/expected_corpus.h):
 *   <case> <STACK_REPLY_...> <textN,shownM | ->  # what
 * usage: shell_net_reply_corpus --write DIR | --check DIR */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "nonos/abi.h"
#include "nonos/net.h"
#include "tests/host/expected_corpus.h"
#include "tests/user/request_replay.h"
#include "text.h"

#define CASE_SIZE (REQUEST_REPLAY_HEADER + NONOS_MESSAGE_DATA_MAX + 1)

static struct expected_corpus corpus;

/* A case: the label, then `head` and 0x78 ('x') up to `length` bytes;
 * `shown` is the third column it must replay to. */
static void emit(const char *name, const char *what, uint16_t label, const void *head, size_t head_length,
                 size_t length, enum stack_reply_refusal expected, const char *shown)
{
    struct expected_case *c = expected_corpus_add(&corpus, name, what, CASE_SIZE, (int)expected);
    snprintf(c->column, sizeof c->column, "%s", shown);
    c->data[0] = (uint8_t)label;
    c->data[1] = (uint8_t)(label >> 8);
    memset(c->data + REQUEST_REPLAY_HEADER, 'x', length);
    if (head != NULL)
        memcpy(c->data + REQUEST_REPLAY_HEADER, head, head_length < length ? head_length : length);
    c->length = REQUEST_REPLAY_HEADER + length;
}

/* A PING reply of `length` bytes: `echoed`, round trip 3 ms, `reason`,
 * then 'x's. */
static void ping(const char *name, const char *what, uint8_t echoed, const char *reason, size_t reason_length,
                 size_t length, enum stack_reply_refusal expected, const char *shown)
{
    uint8_t reply[NONOS_MESSAGE_DATA_MAX] = { echoed, 3 };
    memcpy(reply + 9, reason, reason_length);
    emit(name, what, NONOS_NET_PING, reply, 9 + reason_length, length, expected, shown);
}

static void generate_good(void)
{
    static const char report[] = "lo 127.0.0.1/8 up\nroutes: 1\n";
    emit("ok-report-piece", "REPORT: two lines of the report", NONOS_NET_REPORT, report, 28, 28, STACK_REPLY_OK,
         "text28,shown28");
    emit("ok-report-empty", "REPORT past the end: nothing", NONOS_NET_REPORT, NULL, 0, 0, STACK_REPLY_OK,
         "text0,shown0");
    emit("ok-report-full", "REPORT: a whole message of text", NONOS_NET_REPORT, report, 28, NONOS_MESSAGE_DATA_MAX,
         STACK_REPLY_OK, "text256,shown256");
    emit("ok-report-clear-screen", "REPORT: ESC [2J ESC [H, clear and home, each ESC as \\x1b", NONOS_NET_REPORT,
         "\x1b[2J\x1b[H", 7, 7, STACK_REPLY_OK, "text7,shown13");
    emit("ok-report-c1-csi", "REPORT: the one-byte CSI 0x9b, then 31m", NONOS_NET_REPORT, "\x9b" "31m", 4, 4,
         STACK_REPLY_OK, "text4,shown7");
    emit("ok-report-backslash", "REPORT: a\\x1b typed out, the backslash doubled", NONOS_NET_REPORT, "a\\x1b", 5, 5,
         STACK_REPLY_OK, "text5,shown6");
    emit("ok-report-cr-nul", "REPORT: CR before LF and a NUL escaped, the LF kept", NONOS_NET_REPORT, "up\r\n\0", 5, 5,
         STACK_REPLY_OK, "text5,shown11");
    ping("ok-ping-echoed", "PING: echoed in 3 ms", 1, "", 0, 9, STACK_REPLY_OK, "text0,shown0");
    ping("ok-ping-lost", "PING: not echoed, and why", 0, "no reply within 1 s", 19, 28, STACK_REPLY_OK,
         "text19,shown19");
    ping("ok-ping-lost-no-reason", "PING: not echoed, no reason", 0, "", 0, 9, STACK_REPLY_OK, "text0,shown0");
    ping("ok-ping-reason-title", "PING: a reason setting the terminal's title (OSC ... BEL)", 0, "\x1b]0;owned\a", 10,
         19, STACK_REPLY_OK, "text10,shown16");
    ping("ok-ping-reason-lines", "PING: a reason with LF and CR, both escaped (one line)", 0, "a\nb\r", 4, 13,
         STACK_REPLY_OK, "text4,shown10");
    ping("ok-ping-reason-full", "PING: a reason filling the message", 0, "why", 3, NONOS_MESSAGE_DATA_MAX,
         STACK_REPLY_OK, "text247,shown247");
}

static void generate_bad(void)
{
    static const uint8_t bind[5] = { 0, 0x14, 0x14, 0xfe, 0xa9 };
    emit("label-bind", "a BIND reply is none the shell's stack decoder reads", NONOS_NET_UDP_BIND, bind, 5, 5,
         STACK_REPLY_ERR_LABEL, "-");
    emit("label-send", "a SEND reply (udp reads it through net_reply.c)", NONOS_NET_UDP_SEND, "\0sent", 5, 5,
         STACK_REPLY_ERR_LABEL, "-");
    emit("label-zero", "label 0", 0, NULL, 0, 9, STACK_REPLY_ERR_LABEL, "-");
    emit("label-65535", "label 65535", 0xffff, NULL, 0, 9, STACK_REPLY_ERR_LABEL, "-");
    emit("report-257-bytes", "REPORT longer than a message", NONOS_NET_REPORT, NULL, 0, NONOS_MESSAGE_DATA_MAX + 1,
         STACK_REPLY_ERR_LENGTH, "-");
    ping("ping-empty", "PING with no data", 0, "", 0, 0, STACK_REPLY_ERR_LENGTH, "-");
    ping("ping-8-bytes", "PING echoed, a byte short of its round trip", 1, "", 0, 8, STACK_REPLY_ERR_LENGTH, "-");
    ping("ping-echoed-with-text", "PING echoed, then text it never has", 1, "hi", 2, 11, STACK_REPLY_ERR_LENGTH, "-");
    ping("ping-257-bytes", "PING longer than a message", 0, "why", 3, NONOS_MESSAGE_DATA_MAX + 1,
         STACK_REPLY_ERR_LENGTH, "-");
    ping("ping-result-2", "PING result 2, neither echoed nor not", 2, "", 0, 9, STACK_REPLY_ERR_ECHO, "-");
    ping("ping-result-255-text", "PING result 255 with a reason", 0xff, "\x1b[2J", 4, 13, STACK_REPLY_ERR_ECHO, "-");
}

static const char *refusal_name(int refusal) { return stack_reply_name((enum stack_reply_refusal)refusal); }

/* The result, and what the shell would show of the text. A refusal must
 * leave the reply all zero; an accepted text must lie in the input. */
static bool replay(const char *name, const uint8_t *input, size_t size, int *result, char *column,
                   size_t column_size)
{
    (void)name;
    struct stack_reply reply;
    enum stack_reply_refusal got = stack_reply_replay(input, size, &reply);
    *result = (int)got;
    if (got != STACK_REPLY_OK) {
        snprintf(column, column_size, "-");
        return reply.echoed == 0 && reply.round_trip == 0 && reply.text == NULL && reply.text_length == 0;
    }
    static char shown[4 * NONOS_MESSAGE_DATA_MAX];
    struct byte_buffer out = text_buffer(shown, sizeof shown);
    bool lines = size >= 1 && input[0] == NONOS_NET_REPORT;
    bool whole = text_append_escaped(&out, reply.text, reply.text_length, lines);
    snprintf(column, column_size, "text%u,shown%zu", (unsigned)reply.text_length, out.len);
    return whole && (reply.text == NULL || (reply.text >= input && reply.text + reply.text_length == input + size));
}

int main(int argc, char **argv)
{
    corpus = (struct expected_corpus){
        .name = "shell-net-reply",
        .program = "shell_net_reply_corpus (tests/user/shell_net_reply_corpus.c)",
        .header = "# <case> <refusal> <what the shell shows>: written by shell_net_reply_corpus --write "
                  "(tests/user/shell_net_reply_corpus.c)\n"
                  "# input: label of the request (2, LE), the reply's data\n",
        .columns = 3,
        .result_count = STACK_REPLY_ERR_COUNT,
        .result_name = refusal_name,
        .replay = replay,
    };
    generate_good();
    generate_bad();
    return expected_corpus_main(&corpus, argc, argv);
}
