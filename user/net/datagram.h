/* The datagram API of nonos.net (nonos/net.h, docs/net.md "Datagrams"):
 * UDP sockets for other capsules, each owned by the process that bound it,
 * in the scope its verified manifest allows. */
#ifndef NONOS_USER_NET_DATAGRAM_H
#define NONOS_USER_NET_DATAGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include <nonos/abi.h>

#include "net/stack.h"

/* The lock the frame loop and the service thread share (main.c). */
void net_lock(void);
void net_unlock(void);

/* Answers one UDP_* request from process `client` (the message's badge):
 * the reply's label, the reply in *message. `stack` is used under the lock. */
uint64_t datagram_answer(struct net_stack *stack, struct nonos_message *message);

/* After the stack was set up again (a new driver session): binds every
 * port that clients hold. Called under the lock. */
void datagram_rebind(struct net_stack *stack);

/* True when `client` holds `port` (for datagram_wake.c). Service thread. */
bool datagram_port_owned(uint16_t port, uint64_t client);

#endif
