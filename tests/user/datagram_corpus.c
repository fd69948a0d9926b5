/* The malformed-request corpus of nonos.net's datagram API
 * (tests/corpus/net-datagram/): bad requests, each with the exact refusal
 * of user/lib/datagram_wire.c and the IPC label the capsule answers it
 * with, and a few good ones as controls. Inputs are in the format of
 * tests/user/datagram_replay.h (label, socket state, message data).
 *
 * The cases are generated here and committed with an `expected` file:
 *   <case> <DATAGRAM_...> <answer label: 0 or NONOS_ERROR_INVALID_ARGUMENT>  # what
 * usage: datagram_corpus --write DIR   writes the cases and DIR/expected
 *        datagram_corpus --check DIR   replays every committed case against
 *                                      expected, and checks that the
 *                                      committed set is exactly what this
 *                                      program generates and names every
 *                                      refusal at least once */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nonos/abi.h"
#include "nonos/error.h"
#include "nonos/net.h"
#include "tests/user/datagram_replay.h"

#define CASES_MAX 64
#define CASE_SIZE (DATAGRAM_REPLAY_HEADER + NONOS_MESSAGE_DATA_MAX + 8)

struct corpus_case {
    char name[64];
    const char *what;
    uint8_t data[CASE_SIZE];
    size_t length;
    enum datagram_refusal expected;
};

static struct corpus_case cases[CASES_MAX];
static int case_count;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* A case: label, socket state, `length` bytes of data (port 10000 first,
 * then `fields` 16-bit words, then 0x63 bytes). */
static void emit(const char *name, const char *what, uint16_t label, uint16_t state, size_t length,
                 const uint16_t *fields, size_t field_count, enum datagram_refusal expected)
{
    if (case_count >= CASES_MAX || DATAGRAM_REPLAY_HEADER + length > CASE_SIZE) {
        fprintf(stderr, "datagram_corpus: too many or too large cases\n");
        exit(2);
    }
    struct corpus_case *c = &cases[case_count++];
    snprintf(c->name, sizeof c->name, "%s", name);
    c->what = what;
    memset(c->data, 0x63, sizeof c->data);
    put16(c->data, label);
    put16(c->data + 2, state);
    uint8_t *data = c->data + DATAGRAM_REPLAY_HEADER;
    if (length >= 2)
        put16(data, 10000);
    for (size_t i = 0; i < field_count && 2 + 2 * i + 2 <= length; i++)
        put16(data + 2 + 2 * i, fields[i]);
    c->length = DATAGRAM_REPLAY_HEADER + length;
    c->expected = expected;
}

/* A SEND: destination 169.254.20.20:9, total, offset, `chunk` bytes. */
static void emit_send(const char *name, const char *what, uint16_t gathered, uint16_t total, uint16_t offset,
                      size_t chunk, enum datagram_refusal expected)
{
    const uint16_t fields[] = { 0x1414, 0xa9fe, 9, total, offset };
    emit(name, what, NONOS_NET_UDP_SEND, gathered, NONOS_NET_UDP_SEND_HEADER + chunk, fields, 5, expected);
}

static void emit_receive(const char *name, const char *what, uint16_t held, uint16_t offset,
                         enum datagram_refusal expected)
{
    emit(name, what, NONOS_NET_UDP_RECEIVE, held, 4, &offset, 1, expected);
}

static void generate(void)
{
    case_count = 0;
    emit("ok-bind", "BIND port 10000", NONOS_NET_UDP_BIND, 0, 2, NULL, 0, DATAGRAM_OK);
    emit("ok-unbind", "UNBIND port 10000", NONOS_NET_UDP_UNBIND, 0, 2, NULL, 0, DATAGRAM_OK);
    emit_send("ok-send-one-chunk", "a 5-byte datagram in one chunk", 0, 5, 0, 5, DATAGRAM_OK);
    emit_send("ok-send-continuation", "the last 56 bytes of 300 after 244", 244, 300, 244, 56, DATAGRAM_OK);
    emit_send("ok-send-largest-first-chunk", "244 bytes of a 1472-byte datagram", 0, 1472, 0, 244, DATAGRAM_OK);
    emit_receive("ok-receive-head", "the first 248 bytes of a held 300", 300, 0, DATAGRAM_OK);
    emit_receive("ok-receive-at-end", "offset 300 of a held 300: nothing more", 300, 300, DATAGRAM_OK);
    emit("label-0", "label 0", 0, 0, 2, NULL, 0, DATAGRAM_ERR_LABEL);
    emit("label-report", "REPORT is not a datagram request", NONOS_NET_REPORT, 0, 4, NULL, 0, DATAGRAM_ERR_LABEL);
    emit("label-ping", "PING is not a datagram request", NONOS_NET_PING, 0, 6, NULL, 0, DATAGRAM_ERR_LABEL);
    emit("label-7", "label 7, past UNBIND", 7, 0, 2, NULL, 0, DATAGRAM_ERR_LABEL);
    emit("label-65535", "label 65535", 0xffff, 0, 2, NULL, 0, DATAGRAM_ERR_LABEL);
    emit("bind-empty", "BIND without a port", NONOS_NET_UDP_BIND, 0, 0, NULL, 0, DATAGRAM_ERR_LENGTH);
    emit("bind-1-byte", "BIND with half a port", NONOS_NET_UDP_BIND, 0, 1, NULL, 0, DATAGRAM_ERR_LENGTH);
    emit("bind-3-bytes", "BIND with a byte after the port", NONOS_NET_UDP_BIND, 0, 3, NULL, 0, DATAGRAM_ERR_LENGTH);
    emit("unbind-4-bytes", "UNBIND with two bytes after the port", NONOS_NET_UDP_UNBIND, 0, 4, NULL, 0,
         DATAGRAM_ERR_LENGTH);
    emit("receive-2-bytes", "RECEIVE without an offset", NONOS_NET_UDP_RECEIVE, 0, 2, NULL, 0, DATAGRAM_ERR_LENGTH);
    emit("receive-5-bytes", "RECEIVE with a byte after the offset", NONOS_NET_UDP_RECEIVE, 0, 5, NULL, 0,
         DATAGRAM_ERR_LENGTH);
    emit("send-empty", "SEND with no data", NONOS_NET_UDP_SEND, 0, 0, NULL, 0, DATAGRAM_ERR_LENGTH);
    emit_send("send-11-bytes", "SEND one byte short of its header", 0, 5, 0, 0, DATAGRAM_ERR_LENGTH);
    cases[case_count - 1].length--;
    emit_send("send-257-bytes", "SEND longer than a message", 0, 245, 0, NONOS_MESSAGE_DATA_MAX + 1 - 12,
              DATAGRAM_ERR_LENGTH);
    emit_send("send-total-0", "a datagram of total length 0", 0, 0, 0, 1, DATAGRAM_ERR_TOTAL);
    emit_send("send-total-1473", "a datagram longer than one UDP packet", 0, 1473, 0, 244, DATAGRAM_ERR_TOTAL);
    emit_send("send-total-65535", "total 65535", 0, 0xffff, 0, 244, DATAGRAM_ERR_TOTAL);
    emit_send("send-offset-nothing-gathered", "a continuation with no send in progress", 0, 300, 244, 56,
              DATAGRAM_ERR_OFFSET);
    emit_send("send-offset-behind", "offset 100 after 244 bytes gathered", 244, 300, 100, 56, DATAGRAM_ERR_OFFSET);
    emit_send("send-offset-ahead", "offset 488 after 244 bytes gathered", 244, 600, 488, 56, DATAGRAM_ERR_OFFSET);
    emit_send("send-chunk-past-total", "11 bytes of a 10-byte datagram", 0, 10, 0, 11, DATAGRAM_ERR_PAST_TOTAL);
    emit_send("send-last-chunk-too-long", "57 bytes after 244 of 300", 244, 300, 244, 57, DATAGRAM_ERR_PAST_TOTAL);
    emit_send("send-offset-wraps", "offset 65535 gathered, past any total", 0xffff, 1472, 0xffff, 1,
              DATAGRAM_ERR_PAST_TOTAL);
    emit_send("send-empty-chunk", "a first chunk of no bytes", 0, 300, 0, 0, DATAGRAM_ERR_EMPTY_CHUNK);
    emit_send("send-empty-continuation", "a continuation of no bytes", 244, 300, 244, 0, DATAGRAM_ERR_EMPTY_CHUNK);
    emit_receive("receive-offset-past-datagram", "offset 301 of a held 300", 300, 301, DATAGRAM_ERR_RECEIVE_OFFSET);
    emit_receive("receive-offset-65535", "offset 65535 of a held 1", 1, 0xffff, DATAGRAM_ERR_RECEIVE_OFFSET);
}

static const char *answer_name(enum datagram_refusal refusal)
{
    return datagram_wire_error(refusal) == 0 ? "0" : "NONOS_ERROR_INVALID_ARGUMENT";
}

static int write_corpus(const char *dir)
{
    char path[512];
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "w");
    if (expected == NULL)
        return 1;
    fprintf(expected, "# <case> <refusal> <answer label>: written by datagram_corpus --write (tests/user/datagram_corpus.c)\n"
                      "# input: label (2, LE), socket state (2: SEND bytes gathered, RECEIVE held length), data\n");
    for (int i = 0; i < case_count; i++) {
        fprintf(expected, "%s %s %s  # %s\n", cases[i].name, datagram_wire_name(cases[i].expected),
                answer_name(cases[i].expected), cases[i].what);
        snprintf(path, sizeof path, "%s/%s", dir, cases[i].name);
        FILE *file = fopen(path, "wb");
        bool written = file != NULL && fwrite(cases[i].data, 1, cases[i].length, file) == cases[i].length;
        if (file != NULL)
            fclose(file);
        if (!written) {
            fclose(expected);
            return 1;
        }
    }
    fclose(expected);
    return 0;
}

static size_t read_case(const char *path, uint8_t *out, size_t cap, bool *ok)
{
    FILE *file = fopen(path, "rb");
    *ok = file != NULL;
    if (file == NULL)
        return 0;
    size_t n = fread(out, 1, cap, file);
    *ok = ferror(file) == 0 && fgetc(file) == EOF;
    fclose(file);
    return n;
}

static const struct corpus_case *generated(const char *name)
{
    for (int i = 0; i < case_count; i++)
        if (strcmp(cases[i].name, name) == 0)
            return &cases[i];
    return NULL;
}

/* One line of expected; returns false when the case is wrong or stale. */
static bool check_case(const char *dir, const char *name, const char *refusal_name, const char *answer,
                       bool *seen)
{
    char path[512];
    static uint8_t data[CASE_SIZE + 1];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    bool ok;
    size_t n = read_case(path, data, sizeof data, &ok);
    struct datagram_request request;
    uint32_t chunk;
    enum datagram_refusal got = datagram_replay(data, n, &request, &chunk);
    seen[got < DATAGRAM_ERR_COUNT ? got : 0] = true;
    bool right = ok && strcmp(datagram_wire_name(got), refusal_name) == 0 && strcmp(answer_name(got), answer) == 0;
    if (!right)
        fprintf(stderr, "net-datagram/%s: got %s %s, expected %s %s\n", name, datagram_wire_name(got),
                answer_name(got), refusal_name, answer);
    const struct corpus_case *c = generated(name);
    bool fresh = c != NULL && c->length == n && memcmp(c->data, data, n) == 0 &&
                 strcmp(datagram_wire_name(c->expected), refusal_name) == 0;
    if (!fresh)
        fprintf(stderr, "net-datagram/%s: differs from what datagram_corpus.c generates (run --write)\n", name);
    return right && fresh;
}

static int check_corpus(const char *dir)
{
    char path[512], line[256], name[128], refusal_name[64], answer[64];
    bool seen[DATAGRAM_ERR_COUNT] = { false };
    snprintf(path, sizeof path, "%s/expected", dir);
    FILE *expected = fopen(path, "r");
    int count = 0, bad = 0;
    while (expected != NULL && fgets(line, sizeof line, expected) != NULL) {
        if (line[0] == '#' || sscanf(line, "%127s %63s %63s", name, refusal_name, answer) != 3)
            continue;
        count++;
        bad += !check_case(dir, name, refusal_name, answer, seen);
    }
    if (expected != NULL)
        fclose(expected);
    int unseen = 0;
    for (int i = 0; i < DATAGRAM_ERR_COUNT; i++)
        unseen += !seen[i];
    bool ok = expected != NULL && count == case_count && bad == 0 && unseen == 0;
    printf("%s net-datagram corpus: %d committed cases (%d generated) replayed with their exact refusal, "
           "%d wrong or stale, %d refusals without a case\n",
           ok ? "PASS" : "FAIL", count, case_count, bad, unseen);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    generate();
    if (argc == 3 && strcmp(argv[1], "--write") == 0)
        return write_corpus(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--check") == 0)
        return check_corpus(argv[2]);
    fprintf(stderr, "usage: datagram_corpus --write DIR | --check DIR\n");
    return 2;
}
