/* What the parts of the stack (stack.c, stack_arp.c, stack_link_local.c,
 * stack_dhcp.c, stack_transport.c) share. Not part of the API. */
#ifndef NONOS_NET_STACK_INTERNAL_H
#define NONOS_NET_STACK_INTERNAL_H

#include "net/arp.h"
#include "net/ipv4.h"
#include "net/stack.h"
#include "net/udp.h"

/* stack.c */
uint32_t stack_random_below(struct net_stack *stack, uint32_t bound);
bool stack_is_own_address(const struct net_stack *stack, uint32_t address);
/* Sends stack->frame[0..length): counts it, or counts the failure. */
enum net_result stack_send_frame(struct net_stack *stack, size_t length);
/* Starts an IP packet in stack->frame (room for the Ethernet header, then
 * the IP header for transport_length bytes that the caller appends to out). */
enum net_result stack_ip_begin(struct net_stack *stack, struct byte_buffer *out, uint32_t source,
                               uint32_t destination, uint8_t protocol, size_t transport_length);
/* Resolves next_hop (IPV4_BROADCAST: the broadcast MAC), then sends the
 * packet built in out, or queues it behind an ARP request. */
enum net_result stack_ip_finish(struct net_stack *stack, struct byte_buffer *out, uint32_t next_hop);
void stack_routes_set_clearnet(struct net_stack *stack, uint32_t address, uint32_t mask,
                               uint32_t router);
void stack_routes_clear_clearnet(struct net_stack *stack);

/* stack_arp.c */
enum net_result stack_arp_input(struct net_stack *stack, const struct arp_packet *arp);
void stack_arp_tick(struct net_stack *stack);
/* Sends an ARP packet from this host, broadcast unless to is given. */
enum net_result stack_arp_send(struct net_stack *stack, uint16_t operation, uint32_t sender_ip,
                               const struct eth_address *target_mac, uint32_t target_ip,
                               const struct eth_address *to);
/* Finds next_hop's MAC (*resolved true); otherwise queues packet (an IP
 * packet, sent when the answer comes) and asks (*resolved false). An error
 * when the packet can be neither sent nor queued. */
enum net_result stack_arp_resolve(struct net_stack *stack, uint32_t next_hop, struct bytes packet,
                                  struct eth_address *mac, bool *resolved);
uint64_t stack_arp_next_deadline(const struct net_stack *stack);

/* stack_link_local.c */
void stack_link_local_start(struct net_stack *stack);
void stack_link_local_tick(struct net_stack *stack);
/* Conflict detection and defence for one ARP packet from another host;
 * true when it concerned our (candidate) address. */
bool stack_link_local_arp(struct net_stack *stack, const struct arp_packet *arp);

/* stack_dhcp.c */
void stack_dhcp_start(struct net_stack *stack);
void stack_dhcp_tick(struct net_stack *stack);
enum net_result stack_dhcp_input(struct net_stack *stack, const struct udp_datagram *udp);

/* stack_transport.c */
enum net_result stack_udp_input(struct net_stack *stack, const struct ipv4_packet *ip);
enum net_result stack_icmp_input(struct net_stack *stack, const struct ipv4_packet *ip);

#endif
