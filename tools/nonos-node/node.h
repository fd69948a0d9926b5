/* nonos-node: a mesh node for Linux (docs/mesh.md, "Hosted node").
 *
 * lib/mesh/overlay does the mesh (sessions, DHT, beacons); this program
 * gives it a clock, randomness and a link, and answers a control socket.
 * Two links:
 *   udp    Linux UDP sockets: sessions on --bind, beacons to a multicast
 *          group (--beacon) on the interface of --beacon-interface;
 *   frame  the node is its own host on an Ethernet segment: lib/net's stack
 *          (ARP, RFC 3927 link-local address) over raw frames carried one per
 *          UDP datagram to --hub (nonos-hub, or QEMU's socket backend);
 *          beacons go to the limited broadcast 255.255.255.255.
 * One thread, one poll loop; signals only set flags. */
#ifndef NONOS_TOOLS_NODE_H
#define NONOS_TOOLS_NODE_H

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mesh/overlay.h"
#include "net/stack.h"

#define NODE_CONTROL_CLIENTS 16
#define NODE_CONTROL_LINE 512
#define NODE_FRAME_SESSION_PORT 4978 /* frame mode: every node's session port */
#define NODE_FRAME_BEACON_PORT 4977  /* frame mode: the beacon port (broadcast) */

struct node_options {
    bool frame;                      /* --hub given */
    struct sockaddr_in bind;         /* udp: sessions */
    struct sockaddr_in beacon_group; /* udp: beacons */
    struct in_addr beacon_interface;
    struct sockaddr_in hub;          /* frame: where frames go */
    struct sockaddr_in frame_local;  /* frame: our end of the wire */
    bool mac_given;
    uint8_t mac[6];
    uint16_t session_port;           /* frame */
    const char *control_path;
    bool json;
    struct mesh_overlay_config overlay;
};

struct node_client {
    int fd;                          /* -1: free */
    unsigned generation;             /* bumped when the slot is reused */
    bool waiting;                    /* a put/get lookup is running for it */
    size_t len;
    char line[NODE_CONTROL_LINE];
};

struct node {
    struct node_options options;
    struct mesh_identity identity;
    struct mesh_overlay *overlay;
    bool overlay_ready;              /* frame mode: after the link-local claim */
    uint64_t started_ms;
    /* udp link */
    int session_fd, beacon_fd;
    /* frame link */
    int frame_fd;
    struct net_stack *stack;
    /* control */
    int control_fd;
    struct node_client clients[NODE_CONTROL_CLIENTS];
    uint64_t link_refused;           /* datagrams not from where they may come */
};

extern volatile sig_atomic_t node_stop_requested, node_status_requested;

uint64_t node_clock_ms(void);
uint64_t node_wall_ms(void);
void node_random(void *context, uint8_t *out, size_t len);
void node_address_text(char *out, size_t cap, const struct dht_address *address);

/* Starts the overlay once the node's own address is known (main.c). */
int node_overlay_start(struct node *node, const struct dht_address *self,
                       const struct mesh_overlay_io *io);

int node_options_parse(struct node_options *options, int argc, char **argv);
void node_usage(FILE *out);

/* udp link (link_udp.c) */
int node_udp_open(struct node *node, struct dht_address *self);
void node_udp_poll_fds(struct node *node, struct pollfd *fds, unsigned *count);
void node_udp_input(struct node *node, const struct pollfd *fds, unsigned first);
extern const struct mesh_overlay_io node_udp_io_template;

/* frame link (link_frame.c) */
int node_frame_open(struct node *node);
void node_frame_poll_fds(struct node *node, struct pollfd *fds, unsigned *count);
void node_frame_input(struct node *node, const struct pollfd *fds, unsigned first);
void node_frame_tick(struct node *node);
uint64_t node_frame_deadline(const struct node *node);

/* control socket (control.c) */
int node_control_open(struct node *node);
void node_control_poll_fds(struct node *node, struct pollfd *fds, unsigned *count);
void node_control_input(struct node *node, const struct pollfd *fds, unsigned first,
                        unsigned count);
void node_control_close(struct node *node);
void node_status_json(struct node *node, FILE *out);
int node_control_client(int argc, char **argv);

#endif
