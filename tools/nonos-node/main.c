/* nonos-node: start (fresh identity, link, overlay, control socket), the
 * poll loop, and a clean stop on SIGINT/SIGTERM (every secret wiped, exit
 * 0). node.h describes the program. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "tools/nonos-node/node.h"

volatile sig_atomic_t node_stop_requested, node_status_requested;

static void on_stop(int signal_number)
{
    (void)signal_number;
    node_stop_requested = 1;
}

static void on_status(int signal_number)
{
    (void)signal_number;
    node_status_requested = 1;
}

uint64_t node_clock_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

uint64_t node_wall_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

/* getrandom(2); a failure is fatal (no key may come from a broken source). */
void node_random(void *context, uint8_t *out, size_t len)
{
    (void)context;
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(out + done, len - done, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "nonos-node: getrandom failed: %s\n", strerror(errno));
            _exit(2);
        }
        done += (size_t)n;
    }
}

void node_address_text(char *out, size_t cap, const struct dht_address *address)
{
    snprintf(out, cap, "%u.%u.%u.%u:%u", address->bytes[0], address->bytes[1],
             address->bytes[2], address->bytes[3], address->port);
}

static int node_identity_make(struct node *node)
{
    uint8_t random[MESH_IDENTITY_RANDOM_SIZE];
    node_random(NULL, random, sizeof random);
    enum mesh_result result = mesh_identity_create(&node->identity, random,
                                                   node->options.overlay.dht.difficulty,
                                                   UINT64_MAX);
    crypto_wipe(random, sizeof random);
    if (result != MESH_OK) {
        fprintf(stderr, "nonos-node: identity: %s\n", mesh_result_message(result));
        return -1;
    }
    return 0;
}

int node_overlay_start(struct node *node, const struct dht_address *self,
                              const struct mesh_overlay_io *io)
{
    uint64_t now = node_clock_ms();
    uint64_t offset = node->options.overlay.adopt_clock ? 0 : node_wall_ms() - now;
    if (mesh_overlay_init(node->overlay, &node->identity, &node->options.overlay, io, self, offset,
                          now) != 0) {
        fprintf(stderr, "nonos-node: the overlay refused its configuration\n");
        return -1;
    }
    node->overlay_ready = true;
    char id[2 * MESH_NODE_ID_SIZE + 1], text[32];
    for (int i = 0; i < MESH_NODE_ID_SIZE; i++)
        snprintf(id + 2 * i, 3, "%02x", node->identity.public_part.id[i]);
    node_address_text(text, sizeof text, self);
    fprintf(stderr, "nonos-node: id %s at %s (%s link)\n", id, text,
            node->options.frame ? "frame" : "udp");
    return 0;
}

static int node_start(struct node *node)
{
    node->session_fd = node->beacon_fd = node->frame_fd = node->control_fd = -1;
    for (int i = 0; i < NODE_CONTROL_CLIENTS; i++)
        node->clients[i].fd = -1;
    node->started_ms = node_clock_ms();
    node->overlay = calloc(1, sizeof *node->overlay);
    if (node->overlay == NULL || node_identity_make(node) != 0)
        return -1;
    if (node->options.control_path != NULL && node_control_open(node) != 0)
        return -1;
    if (node->options.frame)
        return node_frame_open(node); /* the overlay starts after the link-local claim */
    struct dht_address self;
    if (node_udp_open(node, &self) != 0)
        return -1;
    struct mesh_overlay_io io = node_udp_io_template;
    io.context = node;
    return node_overlay_start(node, &self, &io);
}

static int node_poll_timeout(const struct node *node)
{
    uint64_t now = node_clock_ms(), deadline = now + MESH_OVERLAY_TICK_MS;
    if (node->options.frame) {
        uint64_t frame = node_frame_deadline(node);
        if (frame < deadline)
            deadline = frame;
    }
    return deadline > now ? (int)(deadline - now) : 0;
}

static void node_run(struct node *node)
{
    uint64_t last_tick = 0;
    while (!node_stop_requested) {
        struct pollfd fds[4 + NODE_CONTROL_CLIENTS];
        unsigned count = 0, control_first;
        if (node->options.frame)
            node_frame_poll_fds(node, fds, &count);
        else
            node_udp_poll_fds(node, fds, &count);
        control_first = count;
        node_control_poll_fds(node, fds, &count);
        int ready = poll(fds, count, node_poll_timeout(node));
        if (ready < 0 && errno != EINTR)
            break;
        if (ready > 0) {
            if (node->options.frame)
                node_frame_input(node, fds, 0);
            else
                node_udp_input(node, fds, 0);
            node_control_input(node, fds, control_first, count - control_first);
        }
        uint64_t now = node_clock_ms();
        if (node->options.frame)
            node_frame_tick(node);
        if (node->overlay_ready && now - last_tick >= MESH_OVERLAY_TICK_MS / 2) {
            mesh_overlay_tick(node->overlay, now);
            last_tick = now;
        }
        if (node_status_requested) {
            node_status_requested = 0;
            if (node->options.json)
                node_status_json(node, stdout);
        }
    }
}

static void node_finish(struct node *node)
{
    if (node->options.json && node->overlay_ready)
        node_status_json(node, stdout);
    node_control_close(node);
    if (node->overlay != NULL) {
        if (node->overlay_ready)
            mesh_overlay_wipe(node->overlay);
        crypto_wipe(node->overlay, sizeof *node->overlay);
        free(node->overlay);
    }
    mesh_identity_wipe(&node->identity);
    for (int fd_index = 0; fd_index < 3; fd_index++) {
        int fd = fd_index == 0 ? node->session_fd : fd_index == 1 ? node->beacon_fd : node->frame_fd;
        if (fd >= 0)
            close(fd);
    }
    if (node->stack != NULL) {
        crypto_wipe(node->stack, sizeof *node->stack);
        free(node->stack);
    }
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "ctl") == 0)
        return node_control_client(argc - 2, argv + 2);
    static struct node node;
    int parsed = node_options_parse(&node.options, argc, argv);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    action.sa_handler = on_status;
    sigaction(SIGUSR1, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
    int status = node_start(&node) == 0 ? 0 : 1;
    if (status == 0)
        node_run(&node);
    node_finish(&node);
    if (status == 0)
        fprintf(stderr, "nonos-node: stopped, secrets wiped\n");
    return status;
}
