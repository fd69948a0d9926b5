/* Waking datagram clients (NONOS_NET_UDP_NOTIFY, nonos/net.h; docs/net.md
 * "Waiting for events"): a client hands over a notification for one of its
 * sockets, and the frame loop signals it whenever datagrams are queued
 * there, so the client waits on its notification instead of polling
 * NONOS_NET_UDP_RECEIVE. */
#ifndef NONOS_USER_NET_DATAGRAM_WAKE_H
#define NONOS_USER_NET_DATAGRAM_WAKE_H

#include <stdint.h>

#include <nonos/abi.h>

#include "net/stack.h"

/* The capability slots the notifications are kept in: WAKE_FIRST_SLOT and
 * the WAKE_SLOTS - 1 after it. */
#define WAKE_SLOTS 6

/* Sets where the notifications are kept (the caller's free slots). */
void datagram_wake_init(uint32_t first_slot);

/* Answers NONOS_NET_UDP_NOTIFY from the service thread: the reply's label.
 * Takes the request's capability (sets message->capability to NONE) when
 * it keeps it. */
uint64_t datagram_wake_answer(struct net_stack *stack, struct nonos_message *message);

/* After input: signals every client whose socket has datagrams queued,
 * when the stack queued any since the last call. Under the lock. */
void datagram_wake_raise(struct net_stack *stack);

#endif
