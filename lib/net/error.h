/* Every way lib/net refuses a frame, a packet or a request.
 *
 * One enum for the whole of lib/net with one English message per code
 * (net_result_message) and its symbol (net_result_name), which the corpora
 * in tests/corpus/net/ name. Codes are never reused or renumbered: new ones
 * go before NET_ERR_COUNT. Decoders return the first problem they find and
 * write nothing the caller may use on failure; the stack counts every
 * refused frame under its code (struct net_counters). */
#ifndef NONOS_NET_ERROR_H
#define NONOS_NET_ERROR_H

enum net_result {
    NET_OK = 0,
    /* shared by the codecs */
    NET_ERR_TRUNCATED,          /* shorter than its header or its length field */
    NET_ERR_BUFFER,             /* the output buffer is too small */
    NET_ERR_TOO_LARGE,          /* larger than the link MTU allows */
    /* Ethernet II (lib/net/ethernet.c) */
    NET_ERR_ETH_LENGTH_FIELD,   /* an IEEE 802.3 length, not an EtherType */
    NET_ERR_ETH_VLAN,           /* 802.1Q / 802.1ad tagged frame */
    NET_ERR_ETH_SOURCE,         /* source address is multicast or broadcast */
    /* ARP (lib/net/arp.c) */
    NET_ERR_ARP_HARDWARE,       /* hardware type or length is not Ethernet */
    NET_ERR_ARP_PROTOCOL,       /* protocol type or length is not IPv4 */
    NET_ERR_ARP_OPERATION,      /* neither request nor reply */
    NET_ERR_ARP_SENDER,         /* sender hardware address multicast or broadcast */
    /* IPv4 (lib/net/ipv4.c) */
    NET_ERR_IP_VERSION,         /* version field is not 4 */
    NET_ERR_IP_HEADER_LENGTH,   /* IHL below 5 or beyond the packet */
    NET_ERR_IP_TOTAL_LENGTH,    /* total length below the header or beyond the frame */
    NET_ERR_IP_CHECKSUM,        /* header checksum mismatch */
    NET_ERR_IP_FRAGMENT,        /* a fragment (MF set or offset non-zero): not reassembled */
    NET_ERR_IP_FLAGS,           /* the reserved flag bit is set */
    NET_ERR_IP_OPTION,          /* malformed option list */
    NET_ERR_IP_SOURCE,          /* source address is multicast, broadcast or 0.0.0.0 misused */
    NET_ERR_IP_TTL,             /* time to live 0 */
    /* UDP (lib/net/udp.c) */
    NET_ERR_UDP_LENGTH,         /* length field does not match the IP payload */
    NET_ERR_UDP_CHECKSUM,       /* checksum mismatch */
    NET_ERR_UDP_PORT,           /* port 0 */
    /* ICMP (lib/net/icmp.c) */
    NET_ERR_ICMP_CHECKSUM,
    NET_ERR_ICMP_TYPE,          /* not an echo request or reply */
    NET_ERR_ICMP_CODE,          /* echo with a non-zero code */
    /* DHCP (lib/net/dhcp.c) */
    NET_ERR_DHCP_OP,            /* op is neither BOOTREQUEST nor BOOTREPLY */
    NET_ERR_DHCP_HARDWARE,      /* htype/hlen not Ethernet */
    NET_ERR_DHCP_MAGIC,         /* magic cookie missing */
    NET_ERR_DHCP_OPTION_TRUNCATED, /* an option runs past the message */
    NET_ERR_DHCP_OPTION_LENGTH, /* a known option with a wrong length */
    NET_ERR_DHCP_OPTION_DUPLICATE, /* a known option given twice */
    NET_ERR_DHCP_NO_END,        /* no end option */
    NET_ERR_DHCP_MESSAGE_TYPE,  /* option 53 missing or unknown */
    NET_ERR_DHCP_OVERLOAD,      /* option 52 (file/sname overload): not supported */
    NET_ERR_DHCP_LEASE,         /* an ACK without a usable address or lease time */
    /* the stack (lib/net/stack*.c) */
    NET_ERR_ETHERTYPE,          /* neither IPv4 nor ARP */
    NET_ERR_NOT_FOR_US,         /* addressed to another host */
    NET_ERR_PROTOCOL,           /* IP protocol other than ICMP and UDP */
    NET_ERR_NO_ROUTE,           /* no route to the destination in this scope */
    NET_ERR_NO_ADDRESS,         /* no address to send from yet */
    NET_ERR_PORT_UNBOUND,       /* no socket on the destination port */
    NET_ERR_PORT_IN_USE,
    NET_ERR_QUEUE_FULL,         /* a bounded queue is full */
    NET_ERR_TABLE_FULL,         /* no free socket */
    NET_ERR_EMPTY,              /* nothing to receive */
    NET_ERR_PARAMETER,          /* a caller's argument is out of range */
    NET_ERR_SEND,               /* the frame-send function failed */
    NET_ERR_UNEXPECTED,         /* valid but not expected now (a DHCP reply to no request) */
    NET_ERR_COUNT
};

/* "ok", or one sentence; never NULL, also for out-of-range values. */
const char *net_result_message(enum net_result result);

/* The symbol ("NET_ERR_IP_CHECKSUM"); "NET_ERR_?" for out-of-range values. */
const char *net_result_name(enum net_result result);

#endif
