/* nonos-hub: an Ethernet segment on loopback (docs/mesh.md, "One segment").
 *
 * Every port of the segment is a UDP address on 127.0.0.0/8 that sends the
 * hub Ethernet frames, one per datagram: the encapsulation of QEMU's socket
 * network backend (-netdev socket,udp=HUB,localaddr=PORT) and of nonos-node
 * --hub. A port joins by sending its first frame (or is named with --port
 * in advance, for a guest that may stay silent). The hub is a learning
 * switch: a frame to a known unicast MAC goes to the port it was last seen
 * from; broadcast, multicast and unknown destinations go to every other
 * port. It refuses datagrams from outside loopback, frames shorter than an
 * Ethernet header or longer than 1518 bytes, and more than HUB_PORTS ports.
 * Counters go to stderr at exit (SIGINT/SIGTERM) or after --seconds. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HUB_PORTS 64
#define HUB_MACS 256
#define HUB_FRAME_MIN 14
#define HUB_FRAME_MAX 1518

struct hub_mac {
    bool used;
    uint8_t mac[6];
    unsigned port;
    uint64_t seen;
};

struct hub {
    int fd;
    unsigned port_count;
    struct sockaddr_in ports[HUB_PORTS];
    struct hub_mac macs[HUB_MACS];
    uint64_t frames, forwarded, flooded, refused, clock;
};

static volatile sig_atomic_t hub_stop;

static void on_stop(int signal_number)
{
    (void)signal_number;
    hub_stop = 1;
}

static int parse_endpoint(const char *text, struct sockaddr_in *out)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    if (colon == NULL || (size_t)(colon - text) >= sizeof host)
        return -1;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    char *end = NULL;
    unsigned long port = strtoul(colon + 1, &end, 10);
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    out->sin_port = htons((uint16_t)port);
    if (end == colon + 1 || *end != '\0' || port > 65535 ||
        inet_pton(AF_INET, host, &out->sin_addr) != 1)
        return -1;
    return (ntohl(out->sin_addr.s_addr) >> 24 == 127) ? 0 : -1;
}

/* The port index of a source address, adding it when new; HUB_PORTS when full. */
static unsigned hub_port(struct hub *hub, const struct sockaddr_in *from)
{
    for (unsigned i = 0; i < hub->port_count; i++)
        if (hub->ports[i].sin_addr.s_addr == from->sin_addr.s_addr &&
            hub->ports[i].sin_port == from->sin_port)
            return i;
    if (hub->port_count == HUB_PORTS)
        return HUB_PORTS;
    hub->ports[hub->port_count] = *from;
    return hub->port_count++;
}

static struct hub_mac *hub_mac_find(struct hub *hub, const uint8_t mac[6])
{
    for (unsigned i = 0; i < HUB_MACS; i++)
        if (hub->macs[i].used && memcmp(hub->macs[i].mac, mac, 6) == 0)
            return &hub->macs[i];
    return NULL;
}

/* Remembers where a unicast source MAC lives (the oldest entry gives way). */
static void hub_learn(struct hub *hub, const uint8_t mac[6], unsigned port)
{
    if (mac[0] & 1)
        return;
    struct hub_mac *entry = hub_mac_find(hub, mac);
    if (entry == NULL) {
        entry = &hub->macs[0];
        for (unsigned i = 0; i < HUB_MACS && entry->used; i++)
            if (!hub->macs[i].used || hub->macs[i].seen < entry->seen)
                entry = &hub->macs[i];
    }
    entry->used = true;
    memcpy(entry->mac, mac, 6);
    entry->port = port;
    entry->seen = ++hub->clock;
}

static void hub_send(struct hub *hub, unsigned port, const uint8_t *frame, size_t len)
{
    (void)sendto(hub->fd, frame, len, MSG_DONTWAIT, (const struct sockaddr *)&hub->ports[port],
                 sizeof hub->ports[port]);
}

static void hub_frame(struct hub *hub, const struct sockaddr_in *from, const uint8_t *frame,
                      size_t len)
{
    unsigned port;
    if (ntohl(from->sin_addr.s_addr) >> 24 != 127 || len < HUB_FRAME_MIN || len > HUB_FRAME_MAX ||
        (frame[6] & 1) || (port = hub_port(hub, from)) == HUB_PORTS) {
        hub->refused++;
        return;
    }
    hub->frames++;
    hub_learn(hub, frame + 6, port);
    const struct hub_mac *destination = (frame[0] & 1) ? NULL : hub_mac_find(hub, frame);
    if (destination != NULL) {
        if (destination->port != port) {
            hub->forwarded++;
            hub_send(hub, destination->port, frame, len);
        }
        return;
    }
    hub->flooded++;
    for (unsigned i = 0; i < hub->port_count; i++)
        if (i != port)
            hub_send(hub, i, frame, len);
}

static void usage(FILE *out)
{
    fputs("usage: nonos-hub --listen 127.0.0.1:PORT [--port ADDR:PORT]... [--seconds N]\n"
          "  an Ethernet segment over UDP on loopback: each datagram is one frame;\n"
          "  ports join by sending (or are named with --port); runs until SIGINT/SIGTERM\n"
          "  or for N seconds, then prints its counters\n",
          out);
}

static int hub_options(struct hub *hub, int argc, char **argv, struct sockaddr_in *listen_address,
                       unsigned long *seconds)
{
    bool listening = false;
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        struct sockaddr_in address;
        char *end = NULL;
        if (i + 1 < argc && strcmp(argv[i], "--listen") == 0 &&
            parse_endpoint(argv[i + 1], listen_address) == 0)
            listening = true;
        else if (i + 1 < argc && strcmp(argv[i], "--port") == 0 &&
                 parse_endpoint(argv[i + 1], &address) == 0 && hub_port(hub, &address) < HUB_PORTS)
            ;
        else if (i + 1 < argc && strcmp(argv[i], "--seconds") == 0 &&
                 (*seconds = strtoul(argv[i + 1], &end, 10), end != argv[i + 1] && *end == '\0'))
            ;
        else {
            fprintf(stderr, "nonos-hub: bad option or argument: %s (loopback addresses only)\n",
                    argv[i]);
            usage(stderr);
            return -1;
        }
    }
    if (!listening)
        usage(stderr);
    return listening ? 0 : -1;
}

static uint64_t clock_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec;
}

int main(int argc, char **argv)
{
    static struct hub hub;
    struct sockaddr_in listen_address;
    unsigned long seconds = 0;
    if (hub_options(&hub, argc, argv, &listen_address, &seconds) != 0)
        return 2;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    hub.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int size = 4 << 20;
    if (hub.fd < 0 || bind(hub.fd, (struct sockaddr *)&listen_address, sizeof listen_address) != 0) {
        fprintf(stderr, "nonos-hub: %s\n", strerror(errno));
        return 1;
    }
    (void)setsockopt(hub.fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    uint64_t end = seconds > 0 ? clock_seconds() + seconds : UINT64_MAX;
    uint8_t frame[HUB_FRAME_MAX + 1];
    while (!hub_stop && clock_seconds() < end) {
        struct pollfd fd = { hub.fd, POLLIN, 0 };
        if (poll(&fd, 1, 200) <= 0)
            continue;
        struct sockaddr_in from;
        socklen_t from_len = sizeof from;
        ssize_t n = recvfrom(hub.fd, frame, sizeof frame, MSG_DONTWAIT, (struct sockaddr *)&from,
                             &from_len);
        if (n >= 0)
            hub_frame(&hub, &from, frame, (size_t)n);
    }
    fprintf(stderr, "nonos-hub: ports %u frames %llu forwarded %llu flooded %llu refused %llu\n",
            hub.port_count, (unsigned long long)hub.frames, (unsigned long long)hub.forwarded,
            (unsigned long long)hub.flooded, (unsigned long long)hub.refused);
    close(hub.fd);
    return 0;
}
