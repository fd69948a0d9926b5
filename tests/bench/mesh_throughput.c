/* `make bench-mesh`, session throughput part (tests/bench/mesh.sh): two
 * processes on loopback, each with its own lib/mesh session endpoint (the
 * code nonos-node runs) and its own UDP socket. The sender completes an
 * XX handshake with the receiver, then sends COUNT DATA packets of a
 * 1,406-byte payload (1,440-byte datagrams) as fast as it can; the receiver
 * opens them (tag, replay window) and counts. Then the same two processes
 * send COUNT plain 1,440-byte UDP datagrams the same way. Throughput is
 * what the receiver took in per second of wall time (first to last packet);
 * the ratio compares session payload bytes with plain datagram bytes, so
 * the headers and tags count against the session. Rounds alternate the two
 * modes; best of ROUNDS each. Loss (the sender outrunning the receiver's
 * socket) is printed with each figure. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mesh/session.h"
#include "tests/host/random_linux.h"

#define COUNT 100000
#define ROUNDS 5
#define PAYLOAD 1406
#define DATAGRAM 1440
#define END_MARKS 32

struct side {
    int fd;
    struct sockaddr_in peer;
    struct mesh_identity identity;
    struct mesh_endpoint endpoint;
    struct mesh_peer peers[2];
};

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t now_ms(void)
{
    return (uint64_t)(wall() * 1000);
}

static int socket_open(struct sockaddr_in *bound)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0), size = 8 << 20;
    memset(bound, 0, sizeof *bound);
    bound->sin_family = AF_INET;
    bound->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof *bound;
    if (fd < 0 || bind(fd, (struct sockaddr *)bound, sizeof *bound) != 0 ||
        getsockname(fd, (struct sockaddr *)bound, &len) != 0) {
        perror("mesh_throughput: socket");
        exit(2);
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    return fd;
}

static void side_init(struct side *side)
{
    uint8_t random[MESH_IDENTITY_RANDOM_SIZE];
    struct random_source source = random_linux_source();
    struct mesh_config config;
    mesh_config_default(&config);
    if (source.read(NULL, random, sizeof random) != CRYPTO_OK ||
        mesh_identity_create(&side->identity, random, MESH_ID_DIFFICULTY, UINT64_MAX) != MESH_OK ||
        mesh_endpoint_init(&side->endpoint, &side->identity, &config, &source, side->peers, 2) != MESH_OK) {
        fprintf(stderr, "mesh_throughput: endpoint setup failed\n");
        exit(2);
    }
}

static struct mesh_address peer_address(const struct side *side)
{
    struct mesh_address address;
    memset(&address, 0, sizeof address);
    memcpy(address.bytes, &side->peer, sizeof side->peer);
    return address;
}

static void side_send(const struct side *side, const uint8_t *data, size_t len)
{
    while (send(side->fd, data, len, 0) < 0)
        ; /* ENOBUFS: the local queue is full; try again */
}

/* One datagram into the endpoint; replies go back to the peer. */
static enum mesh_event_kind side_receive(struct side *side, int timeout_ms, size_t *data_len)
{
    static struct mesh_event event;
    uint8_t datagram[2048];
    struct pollfd p = { side->fd, POLLIN, 0 };
    if (poll(&p, 1, timeout_ms) <= 0)
        return MESH_EVENT_NONE;
    ssize_t n = recv(side->fd, datagram, sizeof datagram, 0);
    struct mesh_address from = peer_address(side);
    if (n <= 0 || mesh_endpoint_receive(&side->endpoint, &from, datagram, (size_t)n, now_ms(), &event) != MESH_OK)
        return MESH_EVENT_NONE;
    if (event.reply_len > 0)
        side_send(side, event.reply, event.reply_len);
    *data_len = event.data_len;
    return event.kind;
}

/* Receiver: counts full-size packets until an end mark or 1 s of silence
 * (so it always ends); writes "count seconds" to the pipe. */
static void receive_round(struct side *side, int session, int report)
{
    uint8_t datagram[2048];
    long count = 0;
    int ends = 0;
    double first = 0, last = 0;
    while (ends == 0) {
        size_t len = 0;
        int full = 0;
        struct pollfd p = { side->fd, POLLIN, 0 };
        if (poll(&p, 1, 1000) <= 0)
            break; /* a second of silence ends the round, whatever came before */
        if (session) {
            enum mesh_event_kind kind = side_receive(side, 0, &len);
            full = kind == MESH_EVENT_DATA && len == PAYLOAD;
            ends += kind == MESH_EVENT_DATA && len == 1;
        } else {
            ssize_t n = recv(side->fd, datagram, sizeof datagram, 0);
            full = n == DATAGRAM;
            ends += n == 1;
        }
        if (full) {
            last = wall();
            if (count++ == 0)
                first = last;
        }
    }
    char line[64];
    int len = snprintf(line, sizeof line, "%ld %.6f\n", count, last - first);
    if (write(report, line, (size_t)len) != len)
        exit(2);
}

static void send_round(struct side *side, int session)
{
    static uint8_t payload[PAYLOAD], packet[MESH_MAX_PACKET];
    size_t len = 0;
    struct mesh_address to;
    for (long i = 0; i < COUNT + END_MARKS; i++) {
        size_t size = i < COUNT ? PAYLOAD : 1;
        if (session) {
            if (mesh_endpoint_send(&side->endpoint, 0, payload, size, now_ms(), packet, sizeof packet,
                                   &len, &to) != MESH_OK)
                exit(2);
        } else {
            len = i < COUNT ? DATAGRAM : 1;
        }
        side_send(side, packet, len);
        if (i >= COUNT)
            usleep(1000); /* the end marks come after the data has drained */
    }
}

/* Sender side of the handshake: INIT, RESPONSE, FINISH, keepalive.
 * Returns 0, or -1 when it did not complete within 10 s. */
static int handshake(struct side *side)
{
    uint8_t init[MESH_INIT_SIZE];
    size_t len = 0, peer = 0, data_len = 0;
    struct mesh_address to = peer_address(side);
    if (mesh_endpoint_connect(&side->endpoint, &to, NULL, now_ms(), init, sizeof init, &len, &peer) != MESH_OK)
        return -1;
    side_send(side, init, len);
    for (int i = 0; i < 100 && !side->peers[0].current.valid; i++)
        (void)side_receive(side, 100, &data_len);
    if (!side->peers[0].current.valid) {
        fprintf(stderr, "mesh_throughput: handshake failed\n");
        return -1;
    }
    return 0;
}

static int read_result(FILE *report, long *count, double *seconds)
{
    return fscanf(report, "%ld %lf", count, seconds) == 2 && *count > 0 && *seconds > 0 ? 0 : -1;
}

int main(void)
{
    static struct side sender, receiver;
    struct sockaddr_in a, b;
    sender.fd = socket_open(&a);
    receiver.fd = socket_open(&b);
    sender.peer = b;
    receiver.peer = a;
    if (connect(sender.fd, (struct sockaddr *)&b, sizeof b) != 0 ||
        connect(receiver.fd, (struct sockaddr *)&a, sizeof a) != 0)
        return 2;
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        return 2;
    pid_t child = fork();
    if (child == 0) {
        close(pipe_fds[0]);
        side_init(&receiver);
        size_t data_len = 0;
        for (int i = 0; i < 100 && side_receive(&receiver, 100, &data_len) != MESH_EVENT_ESTABLISHED; i++)
            ;
        for (int round = 0; round < ROUNDS; round++)
            for (int session = 0; session < 2; session++)
                receive_round(&receiver, session, pipe_fds[1]);
        _exit(0);
    }
    close(pipe_fds[1]);
    FILE *report = fdopen(pipe_fds[0], "r");
    side_init(&sender);
    if (handshake(&sender) != 0) {
        kill(child, SIGTERM); /* the receiver would wait for rounds that never come */
        waitpid(child, NULL, 0);
        return 1;
    }
    double best[2] = { 0, 0 };
    long delivered[2] = { 0, 0 };
    int status = 0;
    for (int round = 0; round < ROUNDS; round++)
        for (int session = 0; session < 2; session++) {
            usleep(100000);
            send_round(&sender, session);
            long count = 0;
            double seconds = 0;
            if (read_result(report, &count, &seconds) != 0) {
                fprintf(stderr, "mesh_throughput: round %d %s: nothing received\n", round,
                        session ? "session" : "udp");
                status = 1;
                continue;
            }
            double rate = (double)count * (session ? PAYLOAD : DATAGRAM) / seconds;
            if (rate > best[session]) {
                best[session] = rate;
                delivered[session] = count;
            }
        }
    waitpid(child, NULL, 0);
    printf("command: build/host/tests/bench/mesh_throughput (two processes on 127.0.0.1, %d packets "
           "per round, best of %d)\n", COUNT, ROUNDS);
    printf("plain UDP, %d-byte datagrams        %8.1f MB/s  (%ld of %d delivered)\n", DATAGRAM,
           best[0] / 1e6, delivered[0], COUNT);
    printf("session DATA, %d-byte payload in %d-byte datagrams %8.1f MB/s of payload  (%ld of %d delivered)\n",
           PAYLOAD, DATAGRAM, best[1] / 1e6, delivered[1], COUNT);
    double ratio = best[0] > 0 ? best[1] / best[0] : 0;
    printf("session / plain UDP throughput: %.2f (target >= 0.5)\n", ratio);
    mesh_endpoint_wipe(&sender.endpoint);
    return status;
}
