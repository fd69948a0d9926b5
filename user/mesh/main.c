/* mesh: the in-OS mesh node (docs/mesh.md, "The in-OS node").
 *
 * At each boot a fresh identity (ZeroState: random from nonos.entropy,
 * proof of work at MESH_ID_DIFFICULTY) and lib/mesh's overlay (Noise
 * sessions, the Kademlia DHT, LAN beacons), the same code and wire as the
 * hosted node's frame link: sessions on UDP port 4978 of the link-local
 * address, beacons from and to port 4977 at 255.255.255.255. Every
 * datagram goes through nonos.net's datagram API (nonos/net.h), where this
 * capsule's policy (allow_mesh only) gives sockets in the mesh scope.
 *
 * The mesh clock (records expire at absolute times, beacons more than 30 s
 * off are refused) is adopted from the first authentic beacon (the
 * overlay's adopt_clock); with none within MESH_CLOCK_WAIT_MS of the start,
 * the capsule stops waiting and the monotonic clock is the mesh clock. A second thread serves nonos.mesh (nonos/mesh.h)
 * for the shell's `mesh`; a lock keeps it and the overlay loop apart. What
 * other processes send is decoded before use: the command line by
 * command.c, nonos.net's replies by net_reply.c.
 *
 * The overlay loop waits on one notification, with a bound: the net
 * capsule signals it when datagrams are queued on either port
 * (NONOS_NET_UDP_NOTIFY), the service thread when it started a DHT
 * operation, and the wait ends by itself at the overlay's next timer
 * (mesh_overlay_next_deadline: DHT refresh and requests, beacons, peer
 * exchange, the session timers while sessions exist) or the mesh-clock
 * wait, so an idle node wakes only for those. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/capsule.h>
#include <nonos/entropy.h>
#include <nonos/error.h>
#include <nonos/mesh.h>
#include <nonos/names.h>
#include <nonos/net.h>
#include <nonos/syscall.h>

#include "command.h"
#include "console.h"
#include "kernel/lib/print.h"
#include "mesh/overlay.h"
#include "net_reply.h"
#include "service.h"

#define ENTROPY_SLOT 8
#define NET_SLOT 9
#define SERVICE_SLOT 10
#define PUBLISHED_SLOT 11
#define SERVICE_THREAD_SLOT 12
#define REPLY_SLOT 13
#define EVENTS_SLOT 14      /* the loop's notification */
#define EVENTS_COPY_SLOT 15 /* scratch: the write-only copy nonos.net keeps */
#define EVENT_DATAGRAM 1u   /* from nonos.net: datagrams queued on a port */
#define EVENT_KICK 2u       /* from the service thread: a DHT operation started */
#define WAIT_MAX_MS 60000ull /* a backstop only: beacons come every second */
#define SESSION_PORT 4978
#define BEACON_PORT 4977
#define TICK_NS 10000000ull
#define MESH_CLOCK_WAIT_MS 15000
#define PUT_LIFETIME_MS (60ull * 60 * 1000)

static struct mesh_identity identity;
static struct mesh_overlay overlay;
static uint32_t mesh_lock_word;
static uint8_t datagram[NONOS_NET_UDP_MAX];

static void lock(void)
{
    while (__atomic_exchange_n(&mesh_lock_word, 1, __ATOMIC_ACQUIRE) != 0)
        nonos_timer_sleep(NONOS_SLOT_TIMER, 1000000);
}

static void unlock(void)
{
    __atomic_store_n(&mesh_lock_word, 0, __ATOMIC_RELEASE);
}

static uint64_t clock_ms(void)
{
    return (uint64_t)nonos_clock_read() / 1000000;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

/* ---- nonos.net's datagram API (nonos/net.h) ---- */

static long net_call_with(uint64_t label, struct nonos_message *message, uint32_t capability)
{
    message->label = label;
    message->capability = capability;
    long result = nonos_ipc_call(NET_SLOT, message, NONOS_SLOT_NONE);
    if (result < 0)
        return result;
    return message->label == 0 ? 0 : -(long)message->label;
}

static long net_call(uint64_t label, struct nonos_message *message)
{
    return net_call_with(label, message, NONOS_SLOT_NONE);
}

/* Asks nonos.net to signal EVENT_DATAGRAM on our notification whenever
 * datagrams are queued on port (the copy in EVENTS_COPY_SLOT). */
static long net_notify(uint16_t port)
{
    static struct nonos_message message;
    message.length = 10;
    put16(message.data, port);
    uint64_t bits = EVENT_DATAGRAM;
    for (int i = 0; i < 8; i++)
        message.data[2 + i] = (uint8_t)(bits >> (8 * i));
    return net_call_with(NONOS_NET_UDP_NOTIFY, &message, EVENTS_COPY_SLOT);
}

/* Binds port; *address gets the link-local address (0 while unclaimed). */
static long net_bind(uint16_t port, uint32_t *address)
{
    static struct nonos_message message;
    message.length = 2;
    put16(message.data, port);
    long result = net_call(NONOS_NET_UDP_BIND, &message);
    struct net_reply reply = { 0 };
    if (result == 0 && net_reply_decode(NONOS_NET_UDP_BIND, message.data, message.length, 0, 0, &reply) != NET_REPLY_OK)
        result = -NONOS_ERROR_INVALID_ARGUMENT;
    if (result == 0)
        *address = reply.address;
    return result;
}

/* Sends one datagram in chunks; the lib/net result (0: sent) or -error. */
static long net_send(uint16_t port, uint32_t to, uint16_t to_port, const uint8_t *data, size_t len)
{
    static struct nonos_message message;
    const size_t chunk_max = NONOS_MESSAGE_DATA_MAX - NONOS_NET_UDP_SEND_HEADER;
    size_t offset = 0;
    long result = 0;
    do {
        size_t chunk = len - offset < chunk_max ? len - offset : chunk_max;
        put16(message.data, port);
        put32(message.data + 2, to);
        put16(message.data + 6, to_port);
        put16(message.data + 8, (uint16_t)len);
        put16(message.data + 10, (uint16_t)offset);
        __builtin_memcpy(message.data + NONOS_NET_UDP_SEND_HEADER, data + offset, chunk);
        message.length = (uint32_t)(NONOS_NET_UDP_SEND_HEADER + chunk);
        result = net_call(NONOS_NET_UDP_SEND, &message);
        offset += chunk;
    } while (result == 0 && offset < len);
    struct net_reply reply = { 0 };
    if (result == 0 && net_reply_decode(NONOS_NET_UDP_SEND, message.data, message.length, 0, 0, &reply) != NET_REPLY_OK)
        return NONOS_NET_SENT_FAILED;
    return result < 0 ? result : reply.sent;
}

/* One queued datagram of port into `datagram`: its length, 0 when none
 * (or when nonos.net's replies do not add up: net_reply_decode). */
static size_t net_receive(uint16_t port, uint32_t *from, uint16_t *from_port)
{
    static struct nonos_message message;
    struct net_reply reply;
    uint16_t total = 0, got = 0;
    do {
        message.length = 4;
        put16(message.data, port);
        put16(message.data + 2, got);
        if (net_call(NONOS_NET_UDP_RECEIVE, &message) < 0 ||
            net_reply_decode(NONOS_NET_UDP_RECEIVE, message.data, message.length, got, total, &reply) != NET_REPLY_OK)
            return 0;
        if (reply.total == 0)
            return 0; /* none queued, or an empty datagram: nothing for the overlay */
        *from = reply.address;
        *from_port = reply.port;
        total = reply.total;
        __builtin_memcpy(datagram + got, reply.chunk, reply.chunk_length);
        got = (uint16_t)(got + reply.chunk_length);
    } while (got < total);
    return total;
}

/* ---- the overlay's environment ---- */

static uint32_t address_number(const struct dht_address *a)
{
    return (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 | (uint32_t)a->bytes[2] << 8 | a->bytes[3];
}

static void address_make(struct dht_address *out, uint32_t ip, uint16_t port)
{
    *out = (struct dht_address){ .family = DHT_ADDRESS_IPV4,
                                 .bytes = { (uint8_t)(ip >> 24), (uint8_t)(ip >> 16), (uint8_t)(ip >> 8), (uint8_t)ip },
                                 .port = port };
}

static void overlay_send(void *context, const struct dht_address *to, const uint8_t *data, size_t len)
{
    (void)context;
    (void)net_send(SESSION_PORT, address_number(to), to->port, data, len);
}

static void overlay_broadcast(void *context, const uint8_t *data, size_t len)
{
    (void)context;
    (void)net_send(BEACON_PORT, 0xffffffffu, BEACON_PORT, data, len);
}

static void random_fill(void *context, uint8_t *out, size_t len)
{
    (void)context;
    while (len > 0) {
        size_t part = len < 64 ? len : 64;
        if (nonos_entropy_read(ENTROPY_SLOT, out, part) < 0) {
            console_printf("mesh: nonos.entropy failed; stopping (no identity without randomness)\n");
            nonos_exit(1);
        }
        out += part;
        len -= part;
    }
}

static long lookup_retrying(const char *name, uint32_t slot)
{
    long result = -NONOS_ERROR_NOT_FOUND;
    uint32_t length = 0;
    while (name[length] != 0)
        length++;
    for (int i = 0; i < 500 && result == -NONOS_ERROR_NOT_FOUND; i++) {
        result = nonos_names_lookup(name, length, slot);
        if (result == -NONOS_ERROR_NOT_FOUND)
            nonos_timer_sleep(NONOS_SLOT_TIMER, 10 * TICK_NS);
    }
    return result;
}

/* ---- start ---- */

/* Binds both ports; waits for the link-local address. */
static uint32_t sockets_open(void)
{
    uint32_t address = 0, unused;
    long result;
    while ((result = net_bind(BEACON_PORT, &unused)) < 0 || (result = net_bind(SESSION_PORT, &address)) < 0 ||
           address == 0) {
        if (result < 0 && result != -NONOS_ERROR_EXISTS) {
            console_printf("mesh: nonos.net refused a socket: %s\n", nonos_error_message(result));
            nonos_exit(1);
        }
        nonos_timer_sleep(NONOS_SLOT_TIMER, 50 * TICK_NS);
    }
    /* The policy's promise, checked once: no route beyond the mesh. */
    uint8_t probe = 0;
    long clearnet = net_send(SESSION_PORT, 0x0a000001u, 9, &probe, 1);
    console_printf("mesh: send to 10.0.0.1 (clearnet) from the mesh scope: %s\n",
                   clearnet == NONOS_NET_SENT_NO_ROUTE ? "no route, as the policy says" : "ROUTED: policy not enforced");
    return address;
}

static void overlay_start(uint32_t address)
{
    static struct mesh_overlay_config config;
    uint8_t random[MESH_IDENTITY_RANDOM_SIZE];
    mesh_overlay_config_default(&config);
    config.session.handshake_retry_ms = 1000; /* frames wait for ARP: as the hosted frame link */
    config.adopt_clock = true;                /* no wall clock here: the mesh's, from a beacon */
    random_fill(NULL, random, sizeof random);
    enum mesh_result made = mesh_identity_create(&identity, random, config.dht.difficulty, UINT64_MAX);
    crypto_wipe(random, sizeof random);
    if (made != MESH_OK) {
        console_printf("mesh: identity: %s\n", mesh_result_message(made));
        nonos_exit(1);
    }
    struct dht_address self;
    address_make(&self, address, SESSION_PORT);
    struct mesh_overlay_io io = { NULL, overlay_send, overlay_broadcast, random_fill };
    if (mesh_overlay_init(&overlay, &identity, &config, &io, &self, 0, clock_ms()) != 0) {
        console_printf("mesh: the overlay refused its configuration\n");
        nonos_exit(1);
    }
    const uint8_t *id = identity.public_part.id;
    console_printf("mesh: node %02x%02x%02x%02x%02x%02x%02x%02x... at %u.%u.%u.%u:%u\n", id[0], id[1], id[2], id[3],
                   id[4], id[5], id[6], id[7], address >> 24, (address >> 16) & 255, (address >> 8) & 255,
                   address & 255, SESSION_PORT);
}

/* Hands every queued datagram of one port to the overlay (under the lock). */
static void deliver(uint16_t port)
{
    for (int i = 0; i < 32; i++) {
        uint32_t from;
        uint16_t from_port;
        size_t len = net_receive(port, &from, &from_port);
        if (len == 0)
            return;
        struct dht_address source;
        address_make(&source, from, from_port);
        if (port == BEACON_PORT)
            (void)mesh_overlay_beacon_receive(&overlay, &source, datagram, len, clock_ms());
        else
            (void)mesh_overlay_receive(&overlay, &source, datagram, len, clock_ms());
    }
}

/* ---- nonos.mesh (nonos/mesh.h) ---- */

static volatile bool lookup_finished;
static struct dht_lookup_result lookup_answer;

static void lookup_done(void *context, const struct dht_lookup_result *result)
{
    (void)context;
    lookup_answer = *result;
    lookup_finished = true;
}

static size_t status_text(char *out, size_t cap)
{
    unsigned neighbours = 0, records = 0;
    for (size_t i = 0; i < MESH_OVERLAY_NEIGHBOURS; i++)
        neighbours += overlay.neighbours[i].used;
    for (size_t i = 0; i < MESH_OVERLAY_RECORDS; i++)
        records += overlay.records[i].used;
    const uint8_t *id = identity.public_part.id;
    return ksnprintf(out, cap, "node %02x%02x%02x%02x%02x%02x%02x%02x... neighbours %u sessions %u table %u records %u",
                     id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7], neighbours,
                     mesh_overlay_session_count(&overlay), dht_table_size(&overlay.dht), records);
}

/* Starts a decoded put or get under the lock, then waits for its callback. */
static size_t lookup_text(const struct mesh_command *command, char *out, size_t cap)
{
    bool put = command->verb == MESH_COMMAND_PUT;
    uint8_t key[DHT_ID_SIZE];
    mesh_overlay_key(key, command->key, command->key_length);
    lock();
    lookup_finished = false;
    uint64_t now = mesh_overlay_mesh_time(&overlay, clock_ms());
    enum dht_error error = put ? dht_node_put(&overlay.dht, key, command->value, command->value_length, now,
                                              now + PUT_LIFETIME_MS, lookup_done, NULL, now)
                               : dht_node_find_value(&overlay.dht, key, DHT_RECORD_VALUE, NULL, lookup_done, NULL, now);
    unlock();
    nonos_notification_signal(EVENTS_SLOT, EVENT_KICK); /* the loop's next deadline moved */
    if (error != DHT_OK)
        return ksnprintf(out, cap, "error %s", dht_error_message(error));
    for (uint32_t waited = 0; !lookup_finished && waited < NONOS_MESH_WAIT_MS; waited += 10)
        nonos_timer_sleep(NONOS_SLOT_TIMER, TICK_NS);
    if (!lookup_finished)
        return ksnprintf(out, cap, "error no answer within %u ms", NONOS_MESH_WAIT_MS);
    if (put)
        return lookup_answer.found && lookup_answer.stores_sent > 0
                   ? ksnprintf(out, cap, "stored %u", lookup_answer.stores_sent)
                   : ksnprintf(out, cap, "error no node took the record");
    if (!lookup_answer.found)
        return ksnprintf(out, cap, "not-found");
    size_t n = ksnprintf(out, cap, "found ");
    for (unsigned i = 0; i < lookup_answer.record.value_len && n + 1 < cap; i++) {
        uint8_t c = lookup_answer.record.value[i];
        out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    return n;
}

/* A line refused by mesh_command_decode changes nothing: it is answered
 * with its error text before the lock is taken. */
static uint64_t command_answer(struct nonos_message *message)
{
    static char out[NONOS_MESSAGE_DATA_MAX + 1];
    struct mesh_command command;
    enum mesh_command_refusal refusal = mesh_command_decode(message->label, message->data, message->length, &command);
    if (mesh_command_error(refusal) != 0)
        return mesh_command_error(refusal);
    size_t n;
    if (refusal != MESH_COMMAND_OK) {
        n = ksnprintf(out, sizeof out, "%s", mesh_command_message(refusal));
    } else if (command.verb == MESH_COMMAND_STATUS) {
        lock();
        n = status_text(out, sizeof out);
        unlock();
    } else {
        n = lookup_text(&command, out, sizeof out);
    }
    if (n > NONOS_MESSAGE_DATA_MAX)
        n = NONOS_MESSAGE_DATA_MAX;
    __builtin_memcpy(message->data, out, n);
    message->length = (uint32_t)n;
    return 0;
}

/* A put's value is at most a message less "put K ": always a record's. */
_Static_assert(NONOS_MESSAGE_DATA_MAX - 6 <= DHT_VALUE_MAX, "a mesh put value fits a DHT record");

static _Alignas(16) uint8_t service_stack[16384];
static struct service service = { .name = NONOS_MESH_SERVICE, .badged = false, .endpoint_slot = SERVICE_SLOT,
                                  .published_slot = PUBLISHED_SLOT, .thread_slot = SERVICE_THREAD_SLOT,
                                  .reply_slot = REPLY_SLOT, .receive_slot = NONOS_SLOT_NONE,
                                  .stack = service_stack, .stack_size = sizeof service_stack,
                                  .answer = command_answer };

/* ---- the overlay loop ---- */

/* Both ports' datagrams wake the loop. Without it (an older nonos.net, a
 * refusal) the loop still drains both ports at every timer. */
static void wakeups_ask(void)
{
    long result = nonos_notification_create(EVENTS_SLOT);
    if (result >= 0)
        result = nonos_cap_copy(EVENTS_SLOT, EVENTS_COPY_SLOT, NONOS_RIGHT_WRITE);
    if (result >= 0) {
        result = net_notify(BEACON_PORT);
        if (result >= 0)
            result = net_notify(SESSION_PORT);
        nonos_cap_delete(EVENTS_COPY_SLOT);
    }
    if (result < 0)
        console_printf("mesh: nonos.net will not wake us: %s; datagrams wait for our timers\n",
                       nonos_error_message(result));
}

/* Until the overlay's next timer or the end of the mesh-clock wait (at
 * least 1 ms, so a timer kept due cannot make the loop spin). Under the
 * lock. */
static uint64_t wait_bound(uint64_t started, bool clock_said)
{
    uint64_t now = clock_ms(), next = mesh_overlay_next_deadline(&overlay, now);
    if (!clock_said && started + MESH_CLOCK_WAIT_MS < next)
        next = started + MESH_CLOCK_WAIT_MS;
    uint64_t ms = next > now ? next - now : 1;
    return (ms < WAIT_MAX_MS ? ms : WAIT_MAX_MS) * 1000000;
}

int main(void)
{
    if (lookup_retrying(NONOS_ENTROPY_SERVICE, ENTROPY_SLOT) < 0 || lookup_retrying(NONOS_NET_SERVICE, NET_SLOT) < 0) {
        console_printf("mesh: nonos.entropy or nonos.net is not there; no mesh node\n");
        return 1;
    }
    uint32_t address = sockets_open();
    overlay_start(address);
    wakeups_ask();
    if (!service_start(&service))
        console_printf("mesh: cannot offer %s\n", NONOS_MESH_SERVICE);
    uint64_t started = clock_ms();
    bool clock_said = false;
    for (;;) {
        lock();
        deliver(BEACON_PORT);
        deliver(SESSION_PORT);
        mesh_overlay_tick(&overlay, clock_ms());
        if (!clock_said && !overlay.clock_adopted && clock_ms() - started >= MESH_CLOCK_WAIT_MS) {
            /* Nobody with a clock answered: ours (offset 0) is the mesh's,
             * and beacons start (the overlay waits for this flag). */
            overlay.clock_adopted = true;
            console_printf("mesh: no beacon heard in %u s; the monotonic clock is the mesh clock\n",
                           MESH_CLOCK_WAIT_MS / 1000);
            clock_said = true;
        }
        if (!clock_said && overlay.clock_adopted) {
            console_printf("mesh: mesh clock adopted from a beacon\n");
            clock_said = true;
        }
        uint64_t wait_ns = wait_bound(started, clock_said);
        unlock();
        /* A datagram queued since the pass above has signalled already:
         * the wait returns at once. */
        nonos_notification_wait_timeout(EVENTS_SLOT, wait_ns);
    }
}
