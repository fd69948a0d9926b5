/* In-kernel tests of IPC (kernel/ipc/, docs/ipc.md), driven through the
 * kernel-level API with capability tables built by hand and kernel
 * threads: call/reply carrying data and the badge, FIFO order of senders,
 * capability transfer with and without grant, the one-shot reply, objects
 * destroyed under waiters, notifications, cancel of a blocked thread, and
 * the cost of a call+reply round trip between two address spaces. */
#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/time.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/ipc/ipc.h"
#include "kernel/lib/print.h"
#include "kernel/mm/vm.h"
#include "kernel/sched/thread.h"
#include "kernel/test/test.h"

#include <stddef.h>

#define TABLE_SLOTS 16
#define ENDPOINT_SLOT 0
#define REPLY_SLOT 1
#define RECEIVE_SLOT 2

/* A client table whose slot 0 is a copy of the server's endpoint with
 * `rights` (minted with `badge` when non-zero). */
struct tables {
    struct cap_table *server, *client;
};

static bool tables_make(struct tables *tables, uint32_t rights, uint64_t badge)
{
    tables->server = cap_table_create(TABLE_SLOTS);
    tables->client = cap_table_create(TABLE_SLOTS);
    TEST_REQUIRE(tables->server && tables->client, "cap_table_create failed");
    int error = endpoint_create(NULL, tables->server, ENDPOINT_SLOT);
    TEST_REQUIRE(!error, "endpoint_create: error %d", error);
    bool was_enabled = interrupts_save();
    if (badge) {
        error = cap_mint_check(tables->server, ENDPOINT_SLOT, tables->client, ENDPOINT_SLOT, badge);
        if (!error)
            cap_mint_apply(tables->server, ENDPOINT_SLOT, tables->client, ENDPOINT_SLOT, rights,
                           badge);
    } else {
        error = cap_copy_check(tables->server, ENDPOINT_SLOT, tables->client, ENDPOINT_SLOT);
        if (!error)
            cap_copy_apply(tables->server, ENDPOINT_SLOT, tables->client, ENDPOINT_SLOT, rights);
    }
    interrupts_restore(was_enabled);
    TEST_REQUIRE(!error, "copying the endpoint capability: error %d", error);
    return true;
}

static void tables_destroy(struct tables *tables)
{
    if (tables->client)
        cap_table_destroy(tables->client);
    if (tables->server)
        cap_table_destroy(tables->server);
}

static bool slot_holds(struct cap_table *table, uint32_t slot, enum object_type type)
{
    struct capability *cap;
    bool was_enabled = interrupts_save();
    bool found = cap_lookup(table, slot, type, 0, &cap) == 0;
    interrupts_restore(was_enabled);
    return found;
}

static void message_fill(struct nonos_message *message, uint64_t label, uint32_t length,
                         uint8_t seed)
{
    message->label = label;
    message->badge = 0;
    message->length = length;
    message->capability = CAP_SLOT_NONE;
    for (uint32_t i = 0; i < length; i++)
        message->data[i] = (uint8_t)(seed + i);
}

static bool data_is(const struct nonos_message *message, uint32_t length, uint8_t seed)
{
    if (message->length != length)
        return false;
    for (uint32_t i = 0; i < length; i++)
        if (message->data[i] != (uint8_t)(seed + i))
            return false;
    return true;
}

/* The thread on the other side: one operation, its result and message. */
struct peer {
    struct cap_table *caps;
    int operation; /* PEER_* */
    uint32_t slot, reply_slot, receive_slot;
    struct nonos_message message;
    int result;
    uint64_t bits;
    uint64_t timeout_ns; /* PEER_WAIT_TIMED */
};

enum { PEER_SEND, PEER_CALL, PEER_RECEIVE, PEER_ECHO, PEER_WAIT, PEER_WAIT_TIMED };

/* PEER_ECHO: receive one call and answer it with label + 1 and the data
 * reversed in seed (seed + 100). */
static void peer_main(void *argument)
{
    struct peer *peer = argument;
    struct ipc_buffer buffer = ipc_buffer_kernel(&peer->message);
    switch (peer->operation) {
    case PEER_SEND:
        peer->result = ipc_send(peer->caps, peer->slot, &buffer);
        break;
    case PEER_CALL:
        peer->result = ipc_call(peer->caps, peer->slot, &buffer, peer->receive_slot);
        break;
    case PEER_RECEIVE:
        peer->result = ipc_receive(peer->caps, peer->slot, &buffer, peer->reply_slot,
                                   peer->receive_slot);
        break;
    case PEER_ECHO:
        peer->result = ipc_receive(peer->caps, peer->slot, &buffer, peer->reply_slot,
                                   peer->receive_slot);
        if (!peer->result) {
            struct nonos_message answer = { 0 };
            message_fill(&answer, peer->message.label + 1, peer->message.length, 100);
            struct ipc_buffer reply = ipc_buffer_kernel(&answer);
            peer->result = ipc_reply(peer->caps, peer->reply_slot, &reply);
        }
        break;
    case PEER_WAIT:
        peer->result = notification_wait(peer->caps, peer->slot, &peer->bits);
        break;
    case PEER_WAIT_TIMED:
        peer->result = notification_wait_timeout(peer->caps, peer->slot, peer->timeout_ns, &peer->bits);
        break;
    }
}

static struct thread *peer_start(struct peer *peer, int operation, struct cap_table *caps,
                                 uint32_t slot)
{
    peer->caps = caps;
    peer->operation = operation;
    peer->slot = slot;
    peer->reply_slot = REPLY_SLOT;
    peer->receive_slot = CAP_SLOT_NONE;
    peer->result = -1;
    return thread_create("ipc-peer", peer_main, peer);
}

/* Lets a started peer run until it blocks (it waits in IPC). */
static bool peer_wait_blocked(struct thread *thread)
{
    for (int i = 0; i < 100 && thread_state(thread) != THREAD_BLOCKED; i++)
        thread_yield();
    return thread_state(thread) == THREAD_BLOCKED;
}

static bool call_reply_checks(struct tables *tables, struct peer *server)
{
    struct thread *thread = peer_start(server, PEER_ECHO, tables->server, ENDPOINT_SLOT);
    TEST_REQUIRE(thread && peer_wait_blocked(thread), "the server did not block in receive");
    struct nonos_message message = { 0 };
    message_fill(&message, 7, 40, 1);
    struct ipc_buffer buffer = ipc_buffer_kernel(&message);
    int error = ipc_call(tables->client, ENDPOINT_SLOT, &buffer, CAP_SLOT_NONE);
    thread_join(thread);
    TEST_REQUIRE(!error && server->result == 0, "call %d, server %d", error, server->result);
    TEST_REQUIRE(server->message.label == 7 && data_is(&server->message, 40, 1),
                 "server got label %lu, length %u", server->message.label,
                 server->message.length);
    TEST_REQUIRE(server->message.badge == 0x5eed && server->message.capability == CAP_SLOT_NONE,
                 "server got badge 0x%lx, capability %u", server->message.badge,
                 server->message.capability);
    TEST_REQUIRE(message.label == 8 && data_is(&message, 40, 100) && message.badge == 0,
                 "reply label %lu, length %u, badge %lu", message.label, message.length,
                 message.badge);
    TEST_REQUIRE(!slot_holds(tables->server, REPLY_SLOT, OBJECT_NONE),
                 "the reply capability is still in its slot after the reply");
    return true;
}

/* A call's data goes to the receiver with the badge of the caller's
 * capability; the reply comes back; the reply capability is consumed. */
static bool test_ipc_call_reply_round_trip(void)
{
    static struct peer server;
    struct tables tables = { 0 };
    bool ok = tables_make(&tables, RIGHT_WRITE, 0x5eed) && call_reply_checks(&tables, &server);
    tables_destroy(&tables);
    return ok;
}

static bool fifo_checks(struct tables *tables, struct peer *senders, struct thread **threads)
{
    for (int i = 0; i < 3; i++) {
        message_fill(&senders[i].message, 10 + (uint64_t)i, (uint32_t)i, 0);
        threads[i] = peer_start(&senders[i], PEER_SEND, tables->client, 3 + (uint32_t)i);
        TEST_REQUIRE(threads[i] && peer_wait_blocked(threads[i]), "sender %d did not block", i);
    }
    for (int i = 0; i < 3; i++) {
        struct nonos_message message = { 0 };
        struct ipc_buffer buffer = ipc_buffer_kernel(&message);
        int error = ipc_receive(tables->server, ENDPOINT_SLOT, &buffer, REPLY_SLOT,
                                CAP_SLOT_NONE);
        TEST_REQUIRE(!error, "receive %d: error %d", i, error);
        TEST_REQUIRE(message.label == 10 + (uint64_t)i && message.badge == 100 + (uint64_t)i &&
                         message.length == (uint32_t)i,
                     "receive %d got label %lu badge %lu (FIFO order broken)", i, message.label,
                     message.badge);
    }
    for (int i = 0; i < 3; i++) {
        thread_join(threads[i]);
        threads[i] = NULL;
        TEST_REQUIRE(senders[i].result == 0, "sender %d: error %d", i, senders[i].result);
    }
    return true;
}

/* Three senders queued in order are received in that order, each with its
 * own badge (slots 3, 4, 5 of the client, badges 100, 101, 102). */
static bool test_ipc_senders_fifo_badges(void)
{
    static struct peer senders[3];
    struct thread *threads[3] = { 0 };
    struct tables tables = { 0 };
    bool ok = tables_make(&tables, RIGHT_WRITE, 0);
    for (uint32_t i = 0; ok && i < 3; i++) {
        bool was_enabled = interrupts_save();
        int error = cap_mint_check(tables.server, ENDPOINT_SLOT, tables.client, 3 + i, 100 + i);
        if (!error)
            cap_mint_apply(tables.server, ENDPOINT_SLOT, tables.client, 3 + i, RIGHT_WRITE,
                           100 + i);
        interrupts_restore(was_enabled);
        if (error) {
            test_fail("mint %u: error %d", i, error);
            ok = false;
        }
    }
    ok = ok && fifo_checks(&tables, senders, threads);
    tables_destroy(&tables); /* wakes any sender left waiting */
    for (int i = 0; i < 3; i++)
        if (threads[i])
            thread_join(threads[i]);
    return ok;
}

/* With grant: the capability lands in the receiver's receive slot, derived
 * from the sender's (same rights), and revoking the original removes it. */
static bool transfer_checks(struct tables *tables, struct peer *server)
{
    int error = notification_create(NULL, tables->client, 6);
    TEST_REQUIRE(!error, "notification_create: %d", error);
    struct thread *thread = peer_start(server, PEER_RECEIVE, tables->server, ENDPOINT_SLOT);
    server->receive_slot = RECEIVE_SLOT;
    TEST_REQUIRE(thread && peer_wait_blocked(thread), "the server did not block");
    struct nonos_message message = { 0 };
    message_fill(&message, 1, 0, 0);
    message.capability = 6;
    struct ipc_buffer buffer = ipc_buffer_kernel(&message);
    error = ipc_send(tables->client, ENDPOINT_SLOT, &buffer);
    thread_join(thread);
    TEST_REQUIRE(!error && server->result == 0, "send %d, receive %d", error, server->result);
    TEST_REQUIRE(server->message.capability == RECEIVE_SLOT, "landed in %u",
                 server->message.capability);
    struct capability *landed;
    bool was_enabled = interrupts_save();
    error = cap_lookup(tables->server, RECEIVE_SLOT, OBJECT_NOTIFICATION, RIGHT_ALL, &landed);
    interrupts_restore(was_enabled);
    TEST_REQUIRE(!error, "no notification with every right in the receive slot: %d", error);
    TEST_REQUIRE(slot_holds(tables->client, 6, OBJECT_NOTIFICATION), "the sender lost its copy");
    was_enabled = interrupts_save();
    uint32_t revoked = cap_revoke_apply(tables->client, 6);
    interrupts_restore(was_enabled);
    TEST_REQUIRE(revoked == 1 && !slot_holds(tables->server, RECEIVE_SLOT, OBJECT_NONE),
                 "revoke deleted %u, the transferred copy %s", revoked,
                 slot_holds(tables->server, RECEIVE_SLOT, OBJECT_NONE) ? "stayed" : "went");
    return true;
}

static bool test_ipc_transfer_with_grant(void)
{
    static struct peer server;
    struct tables tables = { 0 };
    bool ok = tables_make(&tables, RIGHT_WRITE | RIGHT_GRANT, 0) &&
              transfer_checks(&tables, &server);
    tables_destroy(&tables);
    return ok;
}

/* Without grant the send fails with NO_RIGHT before anything is queued; a
 * receiver that accepts no capability refuses a transfer with DENIED and
 * goes on to take the next message. */
static bool refusal_checks(struct tables *tables, struct peer *granting, struct peer *server)
{
    TEST_REQUIRE(!notification_create(NULL, tables->client, 6), "notification_create failed");
    struct nonos_message message = { 0 };
    message_fill(&message, 1, 4, 0);
    message.capability = 6;
    struct ipc_buffer buffer = ipc_buffer_kernel(&message);
    int error = ipc_send(tables->client, 3, &buffer); /* slot 3: write only */
    TEST_REQUIRE(error == ERROR_NO_RIGHT, "send without grant: %d, expected NO_RIGHT", error);
    message_fill(&granting->message, 2, 4, 0);
    granting->message.capability = 6;
    struct thread *sender = peer_start(granting, PEER_SEND, tables->client, ENDPOINT_SLOT);
    TEST_REQUIRE(sender && peer_wait_blocked(sender), "the granting sender did not block");
    struct thread *receiver = peer_start(server, PEER_RECEIVE, tables->server, ENDPOINT_SLOT);
    TEST_REQUIRE(receiver, "thread_create failed");
    thread_join(sender);
    TEST_REQUIRE(granting->result == ERROR_DENIED, "transfer to a receiver without slot: %d",
                 granting->result);
    TEST_REQUIRE(peer_wait_blocked(receiver), "the receiver did not keep waiting");
    message_fill(&message, 3, 4, 9);
    error = ipc_send(tables->client, 3, &buffer);
    thread_join(receiver);
    TEST_REQUIRE(!error && server->result == 0 && server->message.label == 3 &&
                     data_is(&server->message, 4, 9),
                 "after the refusals the receiver got label %lu (send %d, receive %d)",
                 server->message.label, error, server->result);
    for (uint32_t slot = 7; slot < TABLE_SLOTS; slot++)
        TEST_REQUIRE(!slot_holds(tables->server, slot, OBJECT_NONE), "slot %u filled", slot);
    TEST_REQUIRE(!slot_holds(tables->server, RECEIVE_SLOT, OBJECT_NONE), "slot 2 filled");
    return true;
}

static bool test_ipc_transfer_refused(void)
{
    static struct peer granting, server;
    struct tables tables = { 0 };
    bool ok = tables_make(&tables, RIGHT_WRITE | RIGHT_GRANT, 0);
    if (ok) {
        bool was_enabled = interrupts_save();
        int error = cap_copy_check(tables.server, ENDPOINT_SLOT, tables.client, 3);
        if (!error)
            cap_copy_apply(tables.server, ENDPOINT_SLOT, tables.client, 3, RIGHT_WRITE);
        interrupts_restore(was_enabled);
        ok = !error;
    }
    ok = ok && refusal_checks(&tables, &granting, &server);
    tables_destroy(&tables);
    return ok;
}

/* A reply capability answers once: a copy made before the reply then says
 * NO_CALLER, and the emptied slot INVALID_CAPABILITY. */
static bool reply_once_checks(struct tables *tables, struct peer *client)
{
    message_fill(&client->message, 5, 0, 0);
    struct thread *thread = peer_start(client, PEER_CALL, tables->client, ENDPOINT_SLOT);
    TEST_REQUIRE(thread, "thread_create failed");
    struct nonos_message message = { 0 };
    struct ipc_buffer buffer = ipc_buffer_kernel(&message);
    int error = ipc_receive(tables->server, ENDPOINT_SLOT, &buffer, REPLY_SLOT, CAP_SLOT_NONE);
    TEST_REQUIRE(!error && slot_holds(tables->server, REPLY_SLOT, OBJECT_REPLY),
                 "receive %d, or no reply capability", error);
    bool was_enabled = interrupts_save();
    error = cap_copy_check(tables->server, REPLY_SLOT, tables->server, 9);
    if (!error)
        cap_copy_apply(tables->server, REPLY_SLOT, tables->server, 9, RIGHT_WRITE);
    interrupts_restore(was_enabled);
    TEST_REQUIRE(!error, "copying the reply capability: %d", error);
    message_fill(&message, 6, 0, 0);
    int first = ipc_reply(tables->server, REPLY_SLOT, &buffer);
    int second = ipc_reply(tables->server, 9, &buffer);
    int emptied = ipc_reply(tables->server, REPLY_SLOT, &buffer);
    thread_join(thread);
    TEST_REQUIRE(first == 0 && client->result == 0 && client->message.label == 6,
                 "first reply %d, call %d, label %lu", first, client->result,
                 client->message.label);
    TEST_REQUIRE(second == ERROR_NO_CALLER, "second reply: %d, expected NO_CALLER", second);
    TEST_REQUIRE(emptied == ERROR_INVALID_CAPABILITY, "reply through the emptied slot: %d",
                 emptied);
    return true;
}

static bool test_ipc_reply_twice_no_caller(void)
{
    static struct peer client;
    struct tables tables = { 0 };
    bool ok = tables_make(&tables, RIGHT_WRITE, 0) && reply_once_checks(&tables, &client);
    tables_destroy(&tables);
    return ok;
}

/* Deleting the last capability to an endpoint wakes its waiting receivers
 * and senders with OBJECT_GONE (not before: a's receiver and b's sender). */
static bool test_ipc_destroyed_objects_wake_waiters(void)
{
    static struct peer peers[3];
    struct tables a = { 0 }, b = { 0 };
    bool ok = tables_make(&a, RIGHT_WRITE, 0) && tables_make(&b, RIGHT_WRITE, 0);
    if (ok) {
        /* A receiver waiting on a's endpoint, a sender on b's. */
        struct thread *receiver = peer_start(&peers[0], PEER_RECEIVE, a.server, ENDPOINT_SLOT);
        message_fill(&peers[1].message, 1, 0, 0);
        struct thread *sender = peer_start(&peers[1], PEER_SEND, b.client, ENDPOINT_SLOT);
        ok = receiver && sender && peer_wait_blocked(receiver) && peer_wait_blocked(sender);
        bool was_enabled = interrupts_save();
        cap_delete_apply(a.server, ENDPOINT_SLOT);
        cap_delete_apply(a.client, ENDPOINT_SLOT);
        cap_delete_apply(b.server, ENDPOINT_SLOT);
        bool sender_still_blocked = sender && thread_state(sender) == THREAD_BLOCKED;
        cap_delete_apply(b.client, ENDPOINT_SLOT);
        interrupts_restore(was_enabled);
        if (receiver)
            thread_join(receiver);
        if (sender)
            thread_join(sender);
        if (!ok)
            test_fail("the receiver and the sender did not both start and block");
        if (ok && (!sender_still_blocked || peers[0].result != ERROR_OBJECT_GONE ||
                   peers[1].result != ERROR_OBJECT_GONE)) {
            test_fail("receiver %d, sender %d (expected OBJECT_GONE; woken early %d)",
                      peers[0].result, peers[1].result, !sender_still_blocked);
            ok = false;
        }
    }
    tables_destroy(&a);
    tables_destroy(&b);
    return ok;
}

/* The server drops a call: deleting the reply capability wakes the caller
 * with OBJECT_GONE. */
static bool test_ipc_reply_deleted_wakes_caller(void)
{
    static struct peer client;
    struct tables tables = { 0 };
    bool ok = tables_make(&tables, RIGHT_WRITE, 0);
    if (ok) {
        message_fill(&client.message, 5, 0, 0);
        struct thread *thread = peer_start(&client, PEER_CALL, tables.client, ENDPOINT_SLOT);
        struct nonos_message message = { 0 };
        struct ipc_buffer buffer = ipc_buffer_kernel(&message);
        int error = thread ? ipc_receive(tables.server, ENDPOINT_SLOT, &buffer, REPLY_SLOT,
                                         CAP_SLOT_NONE)
                           : -1;
        bool blocked = thread && thread_state(thread) == THREAD_BLOCKED;
        bool was_enabled = interrupts_save();
        cap_delete_apply(tables.server, REPLY_SLOT);
        interrupts_restore(was_enabled);
        if (thread)
            thread_join(thread);
        if (error || !blocked || client.result != ERROR_OBJECT_GONE) {
            test_fail("receive %d, caller blocked %d, caller result %d", error, blocked,
                      client.result);
            ok = false;
        }
    }
    tables_destroy(&tables);
    return ok;
}

/* reply_receive keeps the one-shot rule when it reuses a reply: a copy of
 * the answered reply capability says NO_CALLER although the slot now
 * answers the next caller; a plain send taken by reply_receive leaves the
 * reply slot empty. */
static bool reply_receive_checks(struct tables *tables, struct peer *peers)
{
    struct thread *threads[3];
    message_fill(&peers[0].message, 1, 0, 0);
    threads[0] = peer_start(&peers[0], PEER_CALL, tables->client, ENDPOINT_SLOT);
    struct nonos_message message = { 0 };
    struct ipc_buffer buffer = ipc_buffer_kernel(&message);
    int error = ipc_receive(tables->server, ENDPOINT_SLOT, &buffer, REPLY_SLOT, CAP_SLOT_NONE);
    bool was_enabled = interrupts_save();
    if (!error)
        error = cap_copy_check(tables->server, REPLY_SLOT, tables->server, 9);
    if (!error)
        cap_copy_apply(tables->server, REPLY_SLOT, tables->server, 9, RIGHT_WRITE);
    interrupts_restore(was_enabled);
    TEST_REQUIRE(threads[0] && !error && message.label == 1, "first call: %d", error);
    message_fill(&peers[1].message, 2, 0, 0);
    threads[1] = peer_start(&peers[1], PEER_CALL, tables->client, ENDPOINT_SLOT);
    TEST_REQUIRE(threads[1] && peer_wait_blocked(threads[1]), "the second caller did not queue");
    message_fill(&message, 11, 0, 0);
    error = ipc_reply_receive(tables->server, REPLY_SLOT, &buffer, ENDPOINT_SLOT, CAP_SLOT_NONE);
    TEST_REQUIRE(!error && message.label == 2, "reply_receive %d took label %lu", error,
                 message.label);
    int stale = ipc_reply(tables->server, 9, &buffer);
    TEST_REQUIRE(stale == ERROR_NO_CALLER, "the copy of the answered reply: %d", stale);
    message_fill(&peers[2].message, 3, 0, 0);
    threads[2] = peer_start(&peers[2], PEER_SEND, tables->client, ENDPOINT_SLOT);
    TEST_REQUIRE(threads[2] && peer_wait_blocked(threads[2]), "the sender did not queue");
    message_fill(&message, 12, 0, 0);
    error = ipc_reply_receive(tables->server, REPLY_SLOT, &buffer, ENDPOINT_SLOT, CAP_SLOT_NONE);
    for (int i = 0; i < 3; i++)
        thread_join(threads[i]);
    TEST_REQUIRE(!error && message.label == 3, "reply_receive %d took label %lu", error,
                 message.label);
    TEST_REQUIRE(!slot_holds(tables->server, REPLY_SLOT, OBJECT_NONE),
                 "a reply capability stayed after a plain send");
    TEST_REQUIRE(peers[0].result == 0 && peers[0].message.label == 11 && peers[1].result == 0 &&
                     peers[1].message.label == 12 && peers[2].result == 0,
                 "callers got %d/%lu and %d/%lu, sender %d", peers[0].result,
                 peers[0].message.label, peers[1].result, peers[1].message.label,
                 peers[2].result);
    return true;
}

static bool test_ipc_reply_receive_one_shot(void)
{
    static struct peer peers[3];
    struct tables tables = { 0 };
    bool ok = tables_make(&tables, RIGHT_WRITE, 0) && reply_receive_checks(&tables, peers);
    tables_destroy(&tables);
    return ok;
}

/* Bits OR with the badge of the capability used, poll clears without
 * waiting, a waiter sleeps on 0 and takes the whole word when signalled
 * (also through notification_signal_object), and wakes with OBJECT_GONE
 * when the notification goes. */
static bool notification_checks(struct cap_table *table, struct peer *waiter)
{
    int error = notification_create(NULL, table, 0);
    TEST_REQUIRE(!error, "notification_create: %d", error);
    bool was_enabled = interrupts_save();
    error = cap_mint_check(table, 0, table, 1, 0x100);
    if (!error)
        cap_mint_apply(table, 0, table, 1, RIGHT_WRITE, 0x100);
    interrupts_restore(was_enabled);
    TEST_REQUIRE(!error, "mint: %d", error);
    uint64_t bits = 99;
    TEST_REQUIRE(!notification_poll(table, 0, &bits) && bits == 0, "fresh poll gave %lu", bits);
    TEST_REQUIRE(!notification_signal(table, 1, 0x1) && !notification_signal(table, 0, 0x4),
                 "signal failed");
    TEST_REQUIRE(!notification_poll(table, 0, &bits) && bits == 0x105,
                 "poll gave 0x%lx, expected 0x105 (bits ORed with the badge)", bits);
    TEST_REQUIRE(!notification_poll(table, 0, &bits) && bits == 0, "not cleared: 0x%lx", bits);
    TEST_REQUIRE(notification_poll(table, 1, &bits) == ERROR_NO_RIGHT, "poll without read");
    TEST_REQUIRE(notification_signal(table, 0, 1ull << 63) == ERROR_INVALID_ARGUMENT,
                 "bit 63 accepted");
    struct thread *thread = peer_start(waiter, PEER_WAIT, table, 0);
    TEST_REQUIRE(thread && peer_wait_blocked(thread), "the waiter did not block on 0");
    struct capability *cap;
    was_enabled = interrupts_save();
    error = cap_lookup(table, 0, OBJECT_NOTIFICATION, 0, &cap);
    if (!error)
        notification_signal_object(cap->object, 0x30);
    interrupts_restore(was_enabled);
    thread_join(thread);
    TEST_REQUIRE(!error && waiter->result == 0 && waiter->bits == 0x30,
                 "waiter: result %d bits 0x%lx", waiter->result, waiter->bits);
    TEST_REQUIRE(!notification_poll(table, 0, &bits) && bits == 0, "the waiter left 0x%lx", bits);
    thread = peer_start(waiter, PEER_WAIT, table, 0);
    TEST_REQUIRE(thread && peer_wait_blocked(thread), "the second waiter did not block");
    was_enabled = interrupts_save();
    cap_delete_apply(table, 1);
    cap_delete_apply(table, 0);
    interrupts_restore(was_enabled);
    thread_join(thread);
    TEST_REQUIRE(waiter->result == ERROR_OBJECT_GONE, "waiter on a deleted notification: %d",
                 waiter->result);
    return true;
}

static bool test_ipc_notification_bits(void)
{
    static struct peer waiter;
    struct cap_table *table = cap_table_create(TABLE_SLOTS);
    TEST_REQUIRE(table, "cap_table_create failed");
    bool ok = notification_checks(table, &waiter);
    cap_table_destroy(table);
    return ok;
}

/* Lets a started peer run until it sleeps (a timed wait). */
static bool peer_wait_sleeping(struct thread *thread)
{
    for (int i = 0; i < 100 && thread_state(thread) != THREAD_SLEEPING; i++)
        thread_yield();
    return thread_state(thread) == THREAD_SLEEPING;
}

/* One timed wait on slot 0: started, left to sleep, then `act` (0: nothing,
 * 1: a signal of 0x8, 2: a cancel); joined. Its time in *elapsed_ns. */
static struct thread *timed_wait_run(struct peer *waiter, struct cap_table *table, uint64_t ns, int act,
                                     uint64_t *elapsed_ns)
{
    uint64_t start = timer_uptime_ns();
    waiter->timeout_ns = ns;
    waiter->bits = 99;
    struct thread *thread = peer_start(waiter, PEER_WAIT_TIMED, table, 0);
    if (!thread || !peer_wait_sleeping(thread))
        return NULL;
    if (act == 1)
        (void)notification_signal(table, 0, 0x8);
    if (act == 2)
        (void)ipc_thread_cancel(thread);
    thread_join(thread);
    *elapsed_ns = timer_uptime_ns() - start;
    return thread;
}

/* notification_wait_timeout: 0 bits after the time without a signal (never
 * early), and the waiter gone from the queue (a later signal stays in the
 * word); a signal ends a long wait at once with its bits; a cancel with
 * OBJECT_GONE; 0 ns is a poll. A thread left on the sleep list after a
 * signal or cancel would be found by a later tick after it was freed. */
static bool timed_wait_checks(struct cap_table *table, struct peer *waiter)
{
    int error = notification_create(NULL, table, 0);
    TEST_REQUIRE(!error, "notification_create: %d", error);
    uint64_t elapsed = 0, bits = 99;
    TEST_REQUIRE(timed_wait_run(waiter, table, 20000000, 0, &elapsed), "the timed waiter did not sleep");
    TEST_REQUIRE(waiter->result == 0 && waiter->bits == 0 && elapsed >= 20000000,
                 "timeout: result %d bits 0x%lx after %lu ns", waiter->result, waiter->bits, elapsed);
    TEST_REQUIRE(!notification_signal(table, 0, 0x2) && !notification_poll(table, 0, &bits) && bits == 0x2,
                 "a signal after the timeout went to %s (poll 0x%lx)", bits ? "the word" : "a gone waiter", bits);
    TEST_REQUIRE(timed_wait_run(waiter, table, 10000000000ull, 1, &elapsed), "the second waiter did not sleep");
    TEST_REQUIRE(waiter->result == 0 && waiter->bits == 0x8 && elapsed < 1000000000,
                 "signalled: result %d bits 0x%lx after %lu ns", waiter->result, waiter->bits, elapsed);
    TEST_REQUIRE(timed_wait_run(waiter, table, 10000000000ull, 2, &elapsed), "the third waiter did not sleep");
    TEST_REQUIRE(waiter->result == ERROR_OBJECT_GONE && elapsed < 1000000000,
                 "cancelled: result %d after %lu ns", waiter->result, elapsed);
    thread_sleep_ms(50); /* ticks pass the cancelled and signalled waiters' deadlines' list positions */
    TEST_REQUIRE(!notification_wait_timeout(table, 0, 0, &bits) && bits == 0, "0 ns: 0x%lx", bits);
    bool was_enabled = interrupts_save();
    cap_delete_apply(table, 0);
    interrupts_restore(was_enabled);
    return true;
}

static bool test_ipc_notification_wait_timeout(void)
{
    static struct peer waiter;
    struct cap_table *table = cap_table_create(TABLE_SLOTS);
    TEST_REQUIRE(table, "cap_table_create failed");
    bool ok = timed_wait_checks(table, &waiter);
    cap_table_destroy(table);
    return ok;
}

/* A thread cancelled while it waits to receive leaves the queue (the next
 * sender is not handed to it) and wakes with OBJECT_GONE; a caller
 * cancelled while it waits for its reply makes the reply answer NO_CALLER. */
static bool cancel_checks(struct tables *tables, struct peer *peers)
{
    struct thread *receiver = peer_start(&peers[0], PEER_RECEIVE, tables->server, ENDPOINT_SLOT);
    TEST_REQUIRE(receiver && peer_wait_blocked(receiver), "the receiver did not block");
    bool cancelled = ipc_thread_cancel(receiver);
    bool again = ipc_thread_cancel(receiver);
    thread_join(receiver);
    TEST_REQUIRE(cancelled && !again && peers[0].result == ERROR_OBJECT_GONE,
                 "cancel %d, second cancel %d, receiver result %d", cancelled, again,
                 peers[0].result);
    message_fill(&peers[1].message, 4, 0, 0);
    struct thread *caller = peer_start(&peers[1], PEER_CALL, tables->client, ENDPOINT_SLOT);
    TEST_REQUIRE(caller && peer_wait_blocked(caller), "the caller did not queue (a cancelled "
                 "receiver still waiting?)");
    struct nonos_message message = { 0 };
    struct ipc_buffer buffer = ipc_buffer_kernel(&message);
    int error = ipc_receive(tables->server, ENDPOINT_SLOT, &buffer, REPLY_SLOT, CAP_SLOT_NONE);
    TEST_REQUIRE(!error && message.label == 4, "receive %d, label %lu", error, message.label);
    cancelled = ipc_thread_cancel(caller);
    thread_join(caller);
    error = ipc_reply(tables->server, REPLY_SLOT, &buffer);
    TEST_REQUIRE(cancelled && peers[1].result == ERROR_OBJECT_GONE && error == ERROR_NO_CALLER,
                 "cancel %d, caller %d, reply %d", cancelled, peers[1].result, error);
    return true;
}

static bool test_ipc_cancel_blocked_thread(void)
{
    static struct peer peers[2];
    struct tables tables = { 0 };
    bool ok = tables_make(&tables, RIGHT_WRITE, 0) && cancel_checks(&tables, peers);
    tables_destroy(&tables);
    return ok;
}

#define ROUND_TRIPS 2000

struct echo_server {
    struct cap_table *caps;
    int result;
};

/* The servers' loop: reply_receive answers the last call and takes the
 * next; a call labelled 0 ends it. */
static void echo_server_main(void *argument)
{
    struct echo_server *server = argument;
    struct nonos_message message = { 0 };
    struct ipc_buffer buffer = ipc_buffer_kernel(&message);
    int error = ipc_receive(server->caps, ENDPOINT_SLOT, &buffer, REPLY_SLOT, CAP_SLOT_NONE);
    while (!error && message.label != 0) {
        message.label++;
        error = ipc_reply_receive(server->caps, REPLY_SLOT, &buffer, ENDPOINT_SLOT,
                                  CAP_SLOT_NONE);
    }
    if (!error)
        error = ipc_reply(server->caps, REPLY_SLOT, &buffer);
    server->result = error;
}

static bool round_trip_checks(struct tables *tables, struct vm_space *space)
{
    static struct echo_server server;
    server = (struct echo_server){ tables->server, -1 };
    struct thread *thread = thread_create_in(space, "echo", echo_server_main, &server);
    TEST_REQUIRE(thread && peer_wait_blocked(thread), "the echo server did not block");
    struct nonos_message message = { 0 };
    struct ipc_buffer buffer = ipc_buffer_kernel(&message);
    uint64_t switches = sched_switch_count();
    uint64_t start = cpu_cycles();
    int error = 0;
    for (uint64_t i = 1; i <= ROUND_TRIPS && !error; i++) {
        message.label = i;
        message.length = 8;
        message.capability = CAP_SLOT_NONE;
        error = ipc_call(tables->client, ENDPOINT_SLOT, &buffer, CAP_SLOT_NONE);
        if (!error && message.label != i + 1)
            error = -2;
    }
    uint64_t cycles = cpu_cycles() - start;
    switches = sched_switch_count() - switches;
    message.label = 0;
    message.length = 0;
    int stop = error ? 0 : ipc_call(tables->client, ENDPOINT_SLOT, &buffer, CAP_SLOT_NONE);
    thread_join(thread);
    TEST_REQUIRE(!error && !stop && server.result == 0, "call %d, stop %d, server %d", error,
                 stop, server.result);
    TEST_REQUIRE(switches >= 2 * ROUND_TRIPS && switches < 2 * ROUND_TRIPS + 50,
                 "%lu context switches for %d round trips (expected 2 each)", switches,
                 ROUND_TRIPS);
    /* Under QEMU -icount shift=0 the TSC counts instructions (docs/ipc.md). */
    kprintf("ipc: kernel call+reply round trip between two spaces, 8 data bytes: %lu tsc "
            "(%d round trips)\n",
            cycles / ROUND_TRIPS, ROUND_TRIPS);
    return true;
}

/* Many call+reply round trips between a caller in the kernel space and an
 * echo server in a space of its own: each costs exactly two context
 * switches (the hand-offs); the cost per round trip is logged. */
static bool test_ipc_round_trip_two_spaces(void)
{
    struct tables tables = { 0 };
    struct vm_space *space = vm_space_create();
    bool ok = space && tables_make(&tables, RIGHT_WRITE, 0) && round_trip_checks(&tables, space);
    if (!space)
        test_fail("vm_space_create failed");
    tables_destroy(&tables);
    if (space)
        vm_space_destroy(space);
    return ok;
}

static const struct test_case ipc_cases[] = {
    { "ipc_call_reply_round_trip", test_ipc_call_reply_round_trip },
    { "ipc_senders_fifo_badges", test_ipc_senders_fifo_badges },
    { "ipc_transfer_with_grant", test_ipc_transfer_with_grant },
    { "ipc_transfer_refused", test_ipc_transfer_refused },
    { "ipc_reply_twice_no_caller", test_ipc_reply_twice_no_caller },
    { "ipc_reply_receive_one_shot", test_ipc_reply_receive_one_shot },
    { "ipc_destroyed_objects_wake_waiters", test_ipc_destroyed_objects_wake_waiters },
    { "ipc_reply_deleted_wakes_caller", test_ipc_reply_deleted_wakes_caller },
    { "ipc_notification_bits", test_ipc_notification_bits },
    { "ipc_notification_wait_timeout", test_ipc_notification_wait_timeout },
    { "ipc_cancel_blocked_thread", test_ipc_cancel_blocked_thread },
    { "ipc_round_trip_two_spaces", test_ipc_round_trip_two_spaces },
};
TEST_TABLE(ipc_cases);
