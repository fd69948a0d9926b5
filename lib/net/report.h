/* The stack's state as text: what the shell's `ip` command prints.
 *
 *   mac 02:00:00:00:00:42
 *   link-local 169.254.55.250 (bound)
 *   dhcp 10.0.77.50/24 router 10.0.77.1 server 10.0.77.1 (bound, lease ends in 590 s)
 *   routes
 *     169.254.0.0/16 on the link (mesh)
 *     10.0.77.0/24 on the link (clearnet)
 *     0.0.0.0/0 via 10.0.77.1 (clearnet)
 *   arp
 *     10.0.77.1 02:00:00:00:00:77 expires in 52 s
 *   counters
 *    frames-in 12 frames-out 20 ...   (every struct net_counters field)
 *    refused NET_ERR_ETHERTYPE 2     (one line per refusal code seen)
 *
 * Lines end with '\n'. The link-local line shows the candidate while
 * probing; "dhcp none (selecting)" when no lease is held. */
#ifndef NONOS_NET_REPORT_H
#define NONOS_NET_REPORT_H

#include <stdbool.h>

#include "base/bytes.h"
#include "net/stack.h"

/* Appends the report to out; false when it did not fit (out then holds the
 * report up to the last whole piece that fitted). */
bool net_stack_report(const struct net_stack *stack, struct byte_buffer *out);

#endif
