/* virtio-client: the test client of the driver capsules (docs/drivers.md,
 * "Tests"; suite 55-virtio checks its lines).
 *
 * 1. Entropy: looks up nonos.entropy, reads 32 bytes twice; they must not
 *    be all zero nor equal. "virtio-client: entropy ok ..."
 * 2. Frames: attaches to nonos.netif (OPEN, DOORBELL, HOLD in a second
 *    thread), then sends test frames (EtherType 0x88b5, the IEEE's local
 *    experimental type: no IP address at all) of 64 and 1,514 bytes, up to
 *    IN_FLIGHT at a time, to the host program of the suite, which echoes
 *    each one back with the MAC addresses swapped. Every echo is checked
 *    byte for byte. After ECHOES_REPORTED good echoes in a session it says
 *    "virtio-client: session N: 16 frames echoed ..." and stops sending
 *    until the next session. It waits only in notification_wait (the
 *    driver's RX and TX events, the HOLD thread's DETACHED), never on a
 *    timer: the kernel wakes a capsule in timer_sleep every 10 ms, and
 *    suite 50's scheduler tests count context switches. A lost frame is
 *    not sent again (loopback loses none; the suite would time out).
 * 3. When the session ends (the HOLD call returns: the driver was killed
 *    or another client opened), it unmaps the old area and attaches again,
 *    "virtio-client: attached (session N, ...)".
 * At boot it looks the services up once: if a driver has not registered
 * yet (or was refused: no IOMMU) it says so and exits; suite 55 then
 * starts it again with the shell's `run`. After a session ended it retries
 * for 10 s (the driver restarts), then exits. */
#include <stddef.h>
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/capsule.h>
#include <nonos/entropy.h>
#include <nonos/error.h>
#include <nonos/names.h>
#include <nonos/netif.h>
#include <nonos/syscall.h>

#include "netif_client.h"

#define ENTROPY_SLOT 8
#define NETIF_SLOT 9
#define EVENTS_SLOT 10
#define EVENTS_COPY_SLOT 11
#define AREA_SLOT 12
#define DOORBELL_SLOT 13
#define HOLD_GO_SLOT 14
#define HOLD_THREAD_SLOT 15
#define AREA_ADDRESS 0x300000000000ull

#define ETHERTYPE_TEST 0x88b5
#define MAGIC "NONOSNETIF"
#define MAGIC_BYTES 10
#define IN_FLIGHT 8
#define ECHOES_REPORTED 16
#define TICK_NS 10000000ull          /* 10 ms */
#define FIRST_ATTACH_TRIES 1  /* at boot: once */
#define ATTACH_TRIES 100      /* 10 s after a session ended */

/* The compiler's own calls (struct copies, __builtin_mem*): a test capsule
 * links no library. */
void *memcpy(void *destination, const void *source, size_t length);
void *memset(void *destination, int value, size_t length);
int memcmp(const void *a, const void *b, size_t length);

void *memcpy(void *destination, const void *source, size_t length)
{
    volatile uint8_t *to = destination;
    const uint8_t *from = source;
    for (size_t i = 0; i < length; i++)
        to[i] = from[i];
    return destination;
}

void *memset(void *destination, int value, size_t length)
{
    volatile uint8_t *to = destination;
    for (size_t i = 0; i < length; i++)
        to[i] = (uint8_t)value;
    return destination;
}

int memcmp(const void *a, const void *b, size_t length)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < length; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

static void *area; /* netif.area of the session running */
static uint32_t attach_count;
static _Alignas(16) uint8_t hold_stack[8192];

/* ---- output ---- */

struct line {
    char text[160];
    uint32_t length;
};

static void put_text(struct line *line, const char *text)
{
    while (*text != '\0' && line->length < sizeof line->text - 1)
        line->text[line->length++] = *text++;
}

static void put_number(struct line *line, uint64_t value)
{
    char digits[20];
    int count = 0;
    do
        digits[count++] = (char)('0' + value % 10);
    while ((value /= 10) != 0);
    while (count > 0 && line->length < sizeof line->text - 1)
        line->text[line->length++] = digits[--count];
}

static void put_hex(struct line *line, uint8_t byte)
{
    static const char hex[] = "0123456789abcdef";
    put_text(line, (char[]){ hex[byte >> 4], hex[byte & 15], 0 });
}

static void say(struct line *line)
{
    line->text[line->length++] = '\n';
    nonos_console_write(NONOS_SLOT_CONSOLE, line->text, line->length);
}

static void say_error(const char *what, long error)
{
    struct line line = { .length = 0 };
    put_text(&line, "virtio-client: ");
    put_text(&line, what);
    put_text(&line, ": ");
    put_text(&line, nonos_error_message(error));
    say(&line);
}

/* ---- entropy ---- */

/* False when nonos.entropy is not registered (yet): the caller gives up. */
static bool entropy_check(void)
{
    uint8_t first[32], second[32];
    long result = nonos_names_lookup(NONOS_ENTROPY_SERVICE, sizeof NONOS_ENTROPY_SERVICE - 1, ENTROPY_SLOT);
    if (result == -NONOS_ERROR_NOT_FOUND)
        return false;
    if (result >= 0)
        result = nonos_entropy_read(ENTROPY_SLOT, first, sizeof first);
    if (result >= 0)
        result = nonos_entropy_read(ENTROPY_SLOT, second, sizeof second);
    if (result < 0) {
        say_error("entropy", result);
        return true;
    }
    uint32_t zero = 0, same = 0;
    for (uint32_t i = 0; i < sizeof first; i++) {
        zero += first[i] == 0;
        same += first[i] == second[i];
    }
    struct line line = { .length = 0 };
    put_text(&line, zero == sizeof first || same == sizeof first ? "virtio-client: entropy BAD: "
                                                                  : "virtio-client: entropy ok: ");
    for (uint32_t i = 0; i < 8; i++)
        put_hex(&line, first[i]);
    put_text(&line, "... and ");
    for (uint32_t i = 0; i < 8; i++)
        put_hex(&line, second[i]);
    put_text(&line, "... from nonos.entropy");
    say(&line);
    return true;
}

/* ---- attaching (user/lib/netif_client.c) ---- */

static struct netif_client netif = { .endpoint_slot = NETIF_SLOT, .events_slot = EVENTS_SLOT,
                                     .events_copy_slot = EVENTS_COPY_SLOT, .area_slot = AREA_SLOT,
                                     .doorbell_slot = DOORBELL_SLOT, .hold_go_slot = HOLD_GO_SLOT,
                                     .area_address = AREA_ADDRESS };

static void attached_say(void)
{
    const struct netif_header *header = area;
    struct line line = { .length = 0 };
    put_text(&line, "virtio-client: attached (session ");
    put_number(&line, attach_count);
    put_text(&line, ", mac ");
    for (int i = 0; i < 6; i++) {
        put_hex(&line, header->mac[i]);
        if (i < 5)
            put_text(&line, ":");
    }
    put_text(&line, header->link ? ", link up)" : ", link down)");
    say(&line);
}

/* Attaches, retrying while a driver may be starting or restarting: every
 * 100 ms, for at most `tries_max` tries in a row; then the client exits (a boot
 * without the driver, suite 50's without an IOMMU, is not kept busy: the
 * kernel wakes a sleeping capsule every 10 ms). False: give up. */
static bool attach(int tries_max)
{
    for (int tries = 0;; tries++) {
        if (tries == tries_max) {
            struct line line = { .length = 0 };
            put_text(&line, "virtio-client: no nonos.netif driver answers; giving up (run virtio-client again)");
            say(&line);
            return false;
        }
        if (tries > 0)
            nonos_timer_sleep(NONOS_SLOT_TIMER, 10 * TICK_NS);
        netif_client_forget(&netif);
        long result = netif_client_open(&netif);
        if (result >= 0)
            break;
        if (result != -NONOS_ERROR_NOT_FOUND && result != -NONOS_ERROR_OBJECT_GONE)
            say_error("attach", result);
    }
    attach_count++;
    area = netif.area;
    netif_client_started(&netif);
    attached_say();
    return true;
}

/* ---- frames ---- */

struct traffic {
    uint32_t sequence;   /* next to send */
    uint32_t echoed;     /* good echoes this session */
    uint32_t bad;        /* echoes that did not match */
    uint32_t in_flight;
    uint64_t last_send_ns, last_echo_ns;
};

static uint32_t frame_length(uint32_t sequence)
{
    return sequence % 2 == 0 ? 64 : NETIF_FRAME_MAX;
}

static uint8_t pattern(uint32_t sequence, uint32_t at)
{
    return (uint8_t)(sequence * 7 + at);
}

/* Writes test frame `sequence` to out (length bytes); the destination is
 * broadcast: the host program answers whatever it receives. */
static void frame_build(uint8_t *out, uint32_t length, uint32_t sequence)
{
    const struct netif_header *header = area;
    for (int i = 0; i < 6; i++) {
        out[i] = 0xff;
        out[6 + i] = header->mac[i];
    }
    out[12] = ETHERTYPE_TEST >> 8;
    out[13] = ETHERTYPE_TEST & 0xff;
    __builtin_memcpy(out + 14, MAGIC, MAGIC_BYTES);
    __builtin_memcpy(out + 24, &attach_count, 4);
    __builtin_memcpy(out + 28, &sequence, 4);
    for (uint32_t at = 32; at < length; at++)
        out[at] = pattern(sequence, at);
}

/* An echo: to our MAC, the test type, the magic, this session, the
 * pattern of its sequence number over its whole length. */
static bool echo_valid(const uint8_t *frame, uint32_t length)
{
    const struct netif_header *header = area;
    uint32_t attach_number, sequence;
    if (length < 32 || length > NETIF_FRAME_MAX || frame[12] != ETHERTYPE_TEST >> 8 ||
        frame[13] != (ETHERTYPE_TEST & 0xff) || __builtin_memcmp(frame, header->mac, 6) != 0 ||
        __builtin_memcmp(frame + 14, MAGIC, MAGIC_BYTES) != 0)
        return false;
    __builtin_memcpy(&attach_number, frame + 24, 4);
    __builtin_memcpy(&sequence, frame + 28, 4);
    if (attach_number != attach_count || length != frame_length(sequence))
        return false;
    for (uint32_t at = 32; at < length; at++) {
        if (frame[at] != pattern(sequence, at))
            return false;
    }
    return true;
}

static bool frames_receive(struct traffic *traffic)
{
    uint32_t index, length;
    bool released = false;
    while (netif_rx_next(area, &index, &length)) {
        if (echo_valid(netif_rx_slot(area, index), length)) {
            traffic->echoed++;
            traffic->in_flight -= traffic->in_flight > 0;
            traffic->last_echo_ns = (uint64_t)nonos_clock_read();
        } else if (length != 0) {
            traffic->bad++;
        }
        netif_rx_release(area, index);
        released = true;
    }
    return released;
}

static bool frames_send(struct traffic *traffic, uint64_t now)
{
    bool sent = false;
    while (traffic->in_flight < IN_FLIGHT && traffic->echoed + traffic->in_flight < ECHOES_REPORTED) {
        uint32_t index;
        if (!netif_tx_reserve(area, &index))
            break;
        uint32_t length = frame_length(traffic->sequence);
        frame_build(netif_tx_slot(area, index), length, traffic->sequence++);
        netif_tx_commit(area, index, length);
        traffic->in_flight++;
        traffic->last_send_ns = now;
        sent = true;
    }
    return sent;
}

static void session_report(const struct traffic *traffic)
{
    const struct netif_header *header = area;
    struct line line = { .length = 0 };
    put_text(&line, "virtio-client: session ");
    put_number(&line, attach_count);
    put_text(&line, ": 16 frames echoed (64 and 1514 bytes, up to 8 in flight), bad ");
    put_number(&line, traffic->bad);
    put_text(&line, ", device tx ");
    put_number(&line, header->tx_frames);
    put_text(&line, " rx ");
    put_number(&line, header->rx_frames);
    say(&line);
}

/* Runs one session until it ends. */
static void session_run(void)
{
    struct traffic traffic = { 0 };
    bool reported = false;
    for (;;) {
        if (__atomic_load_n(&netif.detached, __ATOMIC_ACQUIRE) != 0 ||
            ((const struct netif_header *)area)->state != NETIF_STATE_ATTACHED)
            return;
        uint64_t now = (uint64_t)nonos_clock_read();
        bool kick = frames_receive(&traffic);
        kick |= frames_send(&traffic, now);
        if (kick)
            nonos_notification_signal(DOORBELL_SLOT, 1);
        if (!reported && traffic.echoed >= ECHOES_REPORTED) {
            session_report(&traffic);
            reported = true;
        }
        nonos_notification_wait(EVENTS_SLOT); /* RX, TX or DETACHED */
    }
}

int main(void)
{
    if (!entropy_check()) {
        struct line line = { .length = 0 };
        put_text(&line, "virtio-client: nonos.entropy not registered yet; giving up (run virtio-client again)");
        say(&line);
        return 0;
    }
    if (nonos_notification_create(EVENTS_SLOT) < 0 || nonos_notification_create(HOLD_GO_SLOT) < 0 ||
        nonos_thread_create((uint64_t)(uintptr_t)netif_client_hold,
                            (uint64_t)(uintptr_t)(hold_stack + sizeof hold_stack - 8), (uint64_t)(uintptr_t)&netif,
                            HOLD_THREAD_SLOT) < 0) {
        say_error("setup", -NONOS_ERROR_NO_MEMORY);
        return 1;
    }
    for (int tries = FIRST_ATTACH_TRIES;; tries = ATTACH_TRIES) {
        if (!attach(tries))
            return 0;
        session_run();
        struct line line = { .length = 0 };
        put_text(&line, "virtio-client: session ");
        put_number(&line, attach_count);
        put_text(&line, " ended; attaching again");
        say(&line);
    }
}
