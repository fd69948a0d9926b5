/* libFuzzer target for the shell's reading of nonos.net's replies: any
 * reply to any label (tests/user/request_replay.h: the label, then the
 * data) through user/shell/stack_reply.c as `ip` and `ping` decode it, a
 * SEND reply through user/lib/net_reply.c as `udp` does, and every
 * accepted text through text_append_escaped (user/lib/text.c) as the shell
 * shows it. Checked with abort(): a refusal leaves nothing decoded; an
 * accepted REPORT is the whole reply as text, a PING 9 bytes when echoed
 * and its reason the rest when not, both within one message; the shown
 * text holds no byte that steers a terminal (only printable ASCII, and
 * '\n' for REPORT's lines), reads back to a prefix of the text (the whole
 * text when it fit), never exceeds its buffer (a heap block of the exact
 * size, so ASan sees an overrun) and leaves no escape half written. The
 * exact refusal of each bad reply is in tests/corpus/shell-net-reply/expected
 * (shell_net_reply_corpus.c). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nonos/abi.h"
#include "nonos/net.h"
#include "tests/user/request_replay.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool condition)
{
    if (!condition)
        abort();
}

static int hex_value(uint8_t c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Reads shown[0..length) back against text: true when it is the escaping
 * of text[0..*read) exactly; *read says how much it covers. */
static bool shown_reads_back(const uint8_t *shown, size_t length, const uint8_t *text, size_t text_length,
                             bool lines, size_t *read)
{
    size_t i = 0, n = 0;
    while (i < length) {
        uint8_t c = shown[i];
        require((c >= 0x20 && c <= 0x7e) || (lines && c == '\n'));
        int byte = c, width = 1;
        if (c == '\\' && i + 1 < length && shown[i + 1] == '\\')
            width = 2;
        else if (c == '\\' && i + 3 < length && shown[i + 1] == 'x' && hex_value(shown[i + 2]) >= 0 &&
                 hex_value(shown[i + 3]) >= 0) {
            byte = hex_value(shown[i + 2]) << 4 | hex_value(shown[i + 3]);
            width = 4;
            require(!((byte >= 0x20 && byte <= 0x7e) || (lines && byte == '\n'))); /* escaped only when needed */
        } else if (c == '\\')
            return false; /* a lone or half-written escape */
        if (n >= text_length || text[n] != byte)
            return false;
        i += (size_t)width;
        n++;
    }
    *read = n;
    return true;
}

/* text as the shell shows it, into a buffer of exactly cap bytes. */
static void show_check(const uint8_t *text, size_t text_length, bool lines, size_t cap)
{
    char *storage = malloc(cap > 0 ? cap : 1);
    require(storage != NULL);
    struct byte_buffer out = text_buffer(storage, cap);
    bool whole = text_append_escaped(&out, text, text_length, lines);
    size_t read = 0;
    require(out.len <= cap && out.len <= 4 * text_length);
    require(shown_reads_back(out.data, out.len, text, text_length, lines, &read));
    require(whole == (read == text_length));
    if (!whole) /* what stopped it did not fit: 1, 2 or 4 bytes */
        require(cap - out.len < 4 && (cap - out.len < 1 || text[read] < 0x20 || text[read] > 0x7e ||
                                      text[read] == '\\'));
    free(storage);
}

static void stack_check(uint16_t label, const uint8_t *data, size_t length, const struct stack_reply *reply)
{
    require(length <= NONOS_MESSAGE_DATA_MAX);
    if (label == NONOS_NET_REPORT) {
        require(reply->echoed == 0 && reply->round_trip == 0 && reply->text_length == length);
        require(length == 0 ? reply->text == NULL : reply->text == data);
    } else {
        require(label == NONOS_NET_PING && length >= 9 && reply->echoed <= 1 && reply->echoed == data[0]);
        uint64_t round_trip = 0;
        for (int i = 8; i >= 1; i--)
            round_trip = round_trip << 8 | data[i];
        require(reply->round_trip == round_trip);
        require(reply->echoed == 0 || length == 9);
        require(reply->text_length == length - 9 && (length == 9 ? reply->text == NULL : reply->text == data + 9));
    }
    show_check(reply->text, reply->text_length, label == NONOS_NET_REPORT, 4 * (size_t)reply->text_length);
    show_check(reply->text, reply->text_length, label == NONOS_NET_REPORT, reply->text_length * 3 / 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *reply_data;
    size_t length;
    uint16_t label = request_replay_split(data, size, &reply_data, &length);
    struct stack_reply reply;
    enum stack_reply_refusal refusal = stack_reply_replay(data, size, &reply);
    require((unsigned)refusal < STACK_REPLY_ERR_COUNT);
    require((stack_reply_message(refusal) == NULL) == (refusal == STACK_REPLY_OK));
    if (refusal == STACK_REPLY_OK)
        stack_check(label, reply_data, length, &reply);
    else
        require(reply.echoed == 0 && reply.round_trip == 0 && reply.text == NULL && reply.text_length == 0);
    if (label == NONOS_NET_UDP_SEND) { /* udp's reading, the shared decoder */
        struct net_reply sent;
        if (net_reply_decode(label, reply_data, length, 0, 0, &sent) == NET_REPLY_OK) {
            require(sent.sent <= NONOS_NET_SENT_FAILED && sent.text_length == length - 1);
            show_check(sent.text, sent.text_length, false, 4 * (size_t)sent.text_length);
            show_check(sent.text, sent.text_length, false, sent.text_length);
        }
    }
    return 0;
}
