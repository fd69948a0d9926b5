/* DHCP messages (RFC 2131) and their options (RFC 2132), as a client uses
 * them; the encoder also writes server replies (the tests' DHCP server).
 *
 * Message (big endian): op 1 BOOTREQUEST / 2 BOOTREPLY (1), htype 1 (1),
 * hlen 6 (1), hops (1), xid (4), secs (2), flags (2, bit 15 broadcast),
 * ciaddr (4), yiaddr (4), siaddr (4), giaddr (4), chaddr (16, the MAC then
 * zeros), sname (64), file (128), magic cookie 99.130.83.99 (4), options
 * (type, length, data; 0 pad and 255 end have no length). The fixed part
 * and the cookie are 240 bytes; sent messages are padded to 300 (RFC 1542).
 *
 * Options interpreted, with the lengths required: 1 subnet mask (4),
 * 3 router (a multiple of 4, the first is used), 50 requested address (4),
 * 51 lease time (4), 52 overload (refused: the sname and file fields are
 * never read as options), 53 message type (1, values 1..8), 54 server
 * identifier (4), 58 renewal T1 (4), 59 rebinding T2 (4). Each may appear
 * once: RFC 3396 concatenation of split options is not supported and a
 * repeated interpreted option is refused. Any other option is skipped after
 * its length is checked. The options must end with 255 (bytes after it are
 * padding); a message without option 53 (plain BOOTP) is refused. */
#ifndef NONOS_NET_DHCP_H
#define NONOS_NET_DHCP_H

#include <stdint.h>

#include "base/bytes.h"
#include "net/error.h"
#include "net/ethernet.h"

#define DHCP_FIXED_SIZE 240 /* through the magic cookie */
#define DHCP_MESSAGE_MIN 300 /* what the encoder pads to */
#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

#define DHCP_OP_REQUEST 1
#define DHCP_OP_REPLY 2
#define DHCP_FLAG_BROADCAST 0x8000

enum dhcp_message_type {
    DHCP_DISCOVER = 1,
    DHCP_OFFER = 2,
    DHCP_REQUEST = 3,
    DHCP_DECLINE = 4,
    DHCP_ACK = 5,
    DHCP_NAK = 6,
    DHCP_RELEASE = 7,
    DHCP_INFORM = 8,
};

/* Bits of struct dhcp_message.present: which optional fields are set. */
#define DHCP_HAS_SUBNET_MASK (1u << 0)
#define DHCP_HAS_ROUTER (1u << 1)
#define DHCP_HAS_REQUESTED_IP (1u << 2)
#define DHCP_HAS_LEASE_TIME (1u << 3)
#define DHCP_HAS_SERVER_ID (1u << 4)
#define DHCP_HAS_RENEWAL_TIME (1u << 5)
#define DHCP_HAS_REBINDING_TIME (1u << 6)

struct dhcp_message {
    uint8_t op;
    uint32_t xid;
    uint16_t seconds;
    uint16_t flags;
    uint32_t client_ip; /* ciaddr */
    uint32_t your_ip;   /* yiaddr */
    uint32_t server_ip; /* siaddr */
    uint32_t relay_ip;  /* giaddr */
    struct eth_address client_hardware;
    uint8_t message_type; /* enum dhcp_message_type */
    uint32_t present;     /* DHCP_HAS_* */
    uint32_t subnet_mask;
    uint32_t router;
    uint32_t requested_ip;
    uint32_t lease_seconds;
    uint32_t server_id;
    uint32_t renewal_seconds;
    uint32_t rebinding_seconds;
};

enum net_result dhcp_decode(struct bytes message, struct dhcp_message *out);

/* Appends a message: the fixed part, option 53, each option whose
 * DHCP_HAS_ bit is set, for a BOOTREQUEST a parameter request list (1, 3,
 * 51, 54, 58, 59), the end option, and zero padding to DHCP_MESSAGE_MIN. */
enum net_result dhcp_encode(struct byte_buffer *out, const struct dhcp_message *message);

#endif
