/* net: the network-stack capsule, the first step of issue 13 item 1
 * (docs/net.md, "The capsule").
 *
 * It attaches to the virtio-net driver's frame rings (nonos.netif,
 * nonos/netif.h) and runs lib/net's stack over them: every received frame is
 * copied out of the shared slot (the driver could change it while it is
 * parsed) and given to net_stack_input; frames the stack sends go into TX
 * slots and the driver's doorbell is rung. The stack's clock is the kernel's
 * monotonic clock; its random source a xorshift generator seeded from the
 * entropy service (virtio-rng) when one answers, else from the clock alone
 * (lib/net uses randomness only for timing jitter, DHCP transaction ids, IP
 * identification and link-local candidates, which the MAC seeds as well).
 * The frame loop waits on one notification, with a bound: the driver's
 * events (RX frames, DETACHED from the HOLD thread) and the service thread's
 * NET_EVENT_KICK (it changed the stack: a send, a bind) arrive there, and
 * the wait ends by itself at the stack's next timer (ARP, DHCP, link-local;
 * net_stack_next_deadline), so an idle stack wakes only for its timers.
 * It prints nothing until a driver answers, then
 * its link-local address once claimed and its DHCP lease once bound:
 * "net: link-local 169.254.x.y (mac ..., random from nonos.entropy)".
 * When the session ends (the driver restarts) it attaches again with a fresh
 * stack. A second thread serves nonos.net (nonos/net.h): the stack's report
 * for the shell's `ip` and one ping at a time for its `ping`, every request
 * decoded first by request.c; a lock keeps it and the frame loop apart. The same thread serves the datagram API
 * (datagram.c): UDP sockets for capsules whose policy allows the mesh or
 * the clearnet, whose clients the frame loop wakes when datagrams are
 * queued for them (datagram_wake.c). */
#include <stddef.h>
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/capsule.h>
#include <nonos/entropy.h>
#include <nonos/error.h>
#include <nonos/names.h>
#include <nonos/net.h>
#include <nonos/netif.h>
#include <nonos/syscall.h>

#include "console.h"
#include "datagram.h"
#include "datagram_wake.h"
#include "netif_client.h"
#include "request.h"
#include "service.h"
#include "net/report.h"
#include "net/stack.h"

#define ENTROPY_SLOT 8
#define NETIF_SLOT 9
#define EVENTS_SLOT 10
#define EVENTS_COPY_SLOT 11
#define AREA_SLOT 12
#define DOORBELL_SLOT 13
#define HOLD_GO_SLOT 14
#define HOLD_THREAD_SLOT 15
#define SERVICE_SLOT 16
#define PUBLISHED_SLOT 17
#define SERVICE_THREAD_SLOT 18
#define REPLY_SLOT 19
#define RECEIVE_SLOT 20 /* a datagram client's notification (UDP_NOTIFY) */
#define WAKE_FIRST_SLOT 21 /* .. + WAKE_SLOTS - 1: the clients' notifications kept */
#define REPORT_MAX 4096
#define AREA_ADDRESS 0x300000000000ull
#define TICK_NS 10000000ull /* 10 ms */
#define NET_EVENT_KICK (1ull << 16) /* on EVENTS_SLOT: the service thread changed the stack */
#define WAIT_MAX_MS 60000ull /* a backstop only: the stack always has a timer sooner */

static struct netif_client netif = { .endpoint_slot = NETIF_SLOT, .events_slot = EVENTS_SLOT,
                                     .events_copy_slot = EVENTS_COPY_SLOT, .area_slot = AREA_SLOT,
                                     .doorbell_slot = DOORBELL_SLOT, .hold_go_slot = HOLD_GO_SLOT,
                                     .area_address = AREA_ADDRESS };
static void *area; /* netif.area while the stack may use it; changed under the lock */
static bool doorbell_due;
static uint64_t random_state;
static const char *random_origin = "the clock"; /* or the entropy service */
static struct net_stack stack;
static uint32_t stack_lock; /* the frame loop and the service thread share `stack` */
static _Alignas(16) uint8_t hold_stack[8192];
static _Alignas(16) uint8_t service_stack[8192];
static uint64_t service_answer(struct nonos_message *message);
static struct service service = { .name = NONOS_NET_SERVICE, .badged = true, .endpoint_slot = SERVICE_SLOT,
                                  .published_slot = PUBLISHED_SLOT, .thread_slot = SERVICE_THREAD_SLOT,
                                  .reply_slot = REPLY_SLOT, .receive_slot = RECEIVE_SLOT,
                                  .stack = service_stack, .stack_size = sizeof service_stack,
                                  .answer = service_answer };

void net_lock(void)
{
    while (__atomic_exchange_n(&stack_lock, 1, __ATOMIC_ACQUIRE) != 0)
        nonos_timer_sleep(NONOS_SLOT_TIMER, 1000000);
}

void net_unlock(void)
{
    __atomic_store_n(&stack_lock, 0, __ATOMIC_RELEASE);
}

/* ---- the stack's environment ---- */

static uint64_t clock_ms(void *context)
{
    (void)context;
    return (uint64_t)nonos_clock_read() / 1000000;
}

static void random_fill(void *context, uint8_t *out, size_t len)
{
    (void)context;
    for (size_t i = 0; i < len; i++) {
        random_state ^= random_state << 13;
        random_state ^= random_state >> 7;
        random_state ^= random_state << 17;
        out[i] = (uint8_t)(random_state >> 32);
    }
}

static enum net_result frame_send(void *context, const uint8_t *frame, size_t len)
{
    (void)context;
    uint32_t index;
    if (area == NULL || len < NETIF_FRAME_MIN || len > NETIF_FRAME_MAX || !netif_tx_reserve(area, &index))
        return NET_ERR_SEND;
    __builtin_memcpy(netif_tx_slot(area, index), frame, len);
    netif_tx_commit(area, index, (uint32_t)len);
    doorbell_due = true;
    return NET_OK;
}

static void entropy_seed(void)
{
    random_state = (uint64_t)nonos_clock_read() | 1;
    uint8_t seed[8];
    long result = -NONOS_ERROR_NOT_FOUND;
    for (int i = 0; i < 100 && result == -NONOS_ERROR_NOT_FOUND; i++) {
        result = nonos_names_lookup(NONOS_ENTROPY_SERVICE, sizeof NONOS_ENTROPY_SERVICE - 1, ENTROPY_SLOT);
        if (result == -NONOS_ERROR_NOT_FOUND)
            nonos_timer_sleep(NONOS_SLOT_TIMER, 2 * TICK_NS);
    }
    if (result >= 0)
        result = nonos_entropy_read(ENTROPY_SLOT, seed, sizeof seed);
    if (result < 0)
        return; /* said with the address: nothing is printed before a device answers */
    for (int i = 0; i < 8; i++)
        random_state ^= (uint64_t)seed[i] << (8 * i);
    random_state |= 1;
    random_origin = "nonos.entropy";
}

/* ---- attaching (the protocol of nonos/netif.h, netif_client.c) ---- */

/* Forgets the last session. `area` is cleared under the lock first, so the
 * service thread (a ping) never writes into an area being unmapped. */
static void area_forget(void)
{
    net_lock();
    area = NULL;
    net_unlock();
    netif_client_forget(&netif);
}

static void attach(void)
{
    for (;;) {
        area_forget();
        if (netif_client_open(&netif) >= 0)
            break;
        nonos_timer_sleep(NONOS_SLOT_TIMER, 10 * TICK_NS);
    }
    net_lock();
    area = netif.area;
    net_unlock();
    netif_client_started(&netif);
}

/* ---- the frame loop ---- */

static void frames_receive(void)
{
    static uint8_t frame[NETIF_FRAME_MAX];
    uint32_t index, length;
    while (netif_rx_next(area, &index, &length)) {
        if (length >= NETIF_FRAME_MIN && length <= NETIF_FRAME_MAX) {
            __builtin_memcpy(frame, netif_rx_slot(area, index), length);
            (void)net_stack_input(&stack, bytes_make(frame, length));
        }
        netif_rx_release(area, index);
        doorbell_due = true;
    }
}

static void address_say(const char *what, uint32_t address)
{
    const uint8_t *mac = stack.config.mac.bytes;
    console_printf("net: %s %u.%u.%u.%u (mac %02x:%02x:%02x:%02x:%02x:%02x, random from %s)\n", what,
                   address >> 24, (address >> 16) & 255, (address >> 8) & 255, address & 255, mac[0], mac[1],
                   mac[2], mac[3], mac[4], mac[5], random_origin);
}

/* Until the stack's next timer (at least 1 ms, so a timer the stack keeps
 * due cannot make the loop spin; at most WAIT_MAX_MS). Under the lock. */
static uint64_t wait_bound(void)
{
    uint64_t now = clock_ms(NULL), deadline = net_stack_next_deadline(&stack);
    uint64_t ms = deadline > now ? deadline - now : 1;
    return (ms < WAIT_MAX_MS ? ms : WAIT_MAX_MS) * 1000000;
}

static void session_run(void)
{
    const struct netif_header *header = area;
    struct net_config config = { { { 0 } }, true, 0 };
    __builtin_memcpy(config.mac.bytes, header->mac, ETH_ADDRESS_SIZE);
    struct net_environment environment = { clock_ms, random_fill, frame_send, NULL };
    net_lock();
    enum net_result result = net_stack_init(&stack, &environment, &config);
    if (result == NET_OK)
        datagram_rebind(&stack);
    net_unlock();
    if (result != NET_OK) {
        console_printf("net: the device's MAC is not usable\n");
        return;
    }
    uint32_t link_local_said = 0, lease_said = 0;
    while (__atomic_load_n(&netif.detached, __ATOMIC_ACQUIRE) == 0 && header->state == NETIF_STATE_ATTACHED) {
        net_lock();
        frames_receive();
        net_stack_tick(&stack);
        datagram_wake_raise(&stack);
        if (net_link_local_address(&stack) != link_local_said) {
            link_local_said = net_link_local_address(&stack);
            if (link_local_said != 0)
                address_say("link-local", link_local_said);
        }
        if (net_dhcp_address(&stack) != lease_said) {
            lease_said = net_dhcp_address(&stack);
            if (lease_said != 0)
                address_say("dhcp lease", lease_said);
        }
        bool ring = doorbell_due; /* set by frame_send, in either thread, under the lock */
        doorbell_due = false;
        uint64_t wait_ns = wait_bound();
        net_unlock();
        if (ring)
            nonos_notification_signal(DOORBELL_SLOT, 1);
        /* An event that came since the pass above is in the word already:
         * the wait returns at once, nothing is lost. */
        nonos_notification_wait_timeout(EVENTS_SLOT, wait_ns);
    }
}

/* ---- the nonos.net service (nonos/net.h) ---- */

static char report[REPORT_MAX];
static uint32_t report_length;

static void text_put(struct nonos_message *message, const char *text)
{
    while (*text != 0 && message->length < sizeof message->data)
        message->data[message->length++] = (uint8_t)*text++;
}

/* Waits up to NONOS_NET_PING_WAIT_MS for the echo reply; true with its
 * round trip when it came. Other replies are dropped: this service is the
 * stack's only pinger. */
static bool ping_wait(uint32_t address, uint16_t sequence, uint64_t *round_trip)
{
    for (uint32_t waited = 0; waited < NONOS_NET_PING_WAIT_MS; waited += 10) {
        nonos_timer_sleep(NONOS_SLOT_TIMER, TICK_NS);
        struct net_ping_result reply;
        bool found = false;
        net_lock();
        while (!found && net_ping_reply(&stack, &reply) == NET_OK)
            found = reply.source == address && reply.sequence == sequence;
        net_unlock();
        if (found) {
            *round_trip = reply.round_trip_ms;
            return true;
        }
    }
    return false;
}

static uint64_t ping_answer(struct nonos_message *message, uint32_t address, uint16_t sequence)
{
    net_lock();
    enum net_result result = area == NULL ? NET_ERR_NO_ADDRESS
                                          : net_ping(&stack, address, 0x6e73, sequence, NET_SCOPE_CLEARNET);
    net_unlock();
    nonos_notification_signal(EVENTS_SLOT, NET_EVENT_KICK); /* the frame loop rings the doorbell */
    uint64_t round_trip = 0;
    bool answered = result == NET_OK && ping_wait(address, sequence, &round_trip);
    message->data[0] = answered;
    __builtin_memcpy(message->data + 1, &round_trip, sizeof round_trip);
    message->length = 1 + sizeof round_trip;
    if (!answered)
        text_put(message, result == NET_OK ? "no reply within 1 s" : net_result_message(result));
    return 0;
}

static uint64_t report_answer(struct nonos_message *message, uint32_t offset)
{
    if (offset == 0) {
        struct byte_buffer out = { (uint8_t *)report, 0, sizeof report };
        net_lock();
        (void)net_stack_report(&stack, &out); /* a cut report is still worth showing */
        net_unlock();
        report_length = (uint32_t)out.len;
    }
    uint32_t length = offset < report_length ? report_length - offset : 0;
    if (length > NONOS_MESSAGE_DATA_MAX)
        length = NONOS_MESSAGE_DATA_MAX;
    __builtin_memcpy(message->data, report + (offset < report_length ? offset : 0), length);
    message->length = length;
    return 0;
}

/* A request refused by net_request_decode reaches neither the stack nor
 * the report: it is answered with its label alone. */
static uint64_t request_answer(struct nonos_message *message)
{
    struct net_request request;
    enum net_request_refusal refusal = net_request_decode(message->label, message->data, message->length, &request);
    if (refusal != NET_REQUEST_OK)
        return net_request_error(refusal);
    switch (request.kind) {
    case NET_REQUEST_PING: return ping_answer(message, request.address, request.sequence);
    case NET_REQUEST_DATAGRAM: return datagram_answer(&stack, message);
    case NET_REQUEST_NOTIFY: return datagram_wake_answer(&stack, message);
    default: return report_answer(message, request.offset);
    }
}

/* Every request may have changed the stack (a datagram sent, a socket
 * bound): the frame loop is woken to ring the doorbell and to take the
 * stack's new deadlines into its wait. */
static uint64_t service_answer(struct nonos_message *message)
{
    uint64_t label = request_answer(message);
    nonos_notification_signal(EVENTS_SLOT, NET_EVENT_KICK);
    return label;
}

int main(void)
{
    datagram_wake_init(WAKE_FIRST_SLOT);
    if (nonos_notification_create(EVENTS_SLOT) < 0 || nonos_notification_create(HOLD_GO_SLOT) < 0 ||
        nonos_thread_create((uint64_t)(uintptr_t)netif_client_hold,
                            (uint64_t)(uintptr_t)(hold_stack + sizeof hold_stack - 8), (uint64_t)(uintptr_t)&netif,
                            HOLD_THREAD_SLOT) < 0) {
        console_printf("net: setup failed\n");
        return 1;
    }
    entropy_seed();
    if (!service_start(&service))
        console_printf("net: cannot offer %s; running without it\n", NONOS_NET_SERVICE);
    for (;;) {
        attach();
        session_run();
        console_printf("net: the driver's session ended; attaching again\n");
    }
}
