/* The control socket (--control PATH, a Unix stream socket): one command
 * line in, one answer line out, then the connection closes. put and get
 * answer when their DHT lookup completes. Also the JSON status and the
 * `nonos-node ctl` client. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tools/nonos-node/control_parse.h"
#include "tools/nonos-node/node.h"

_Static_assert(CONTROL_VALUE_MAX == DHT_VALUE_MAX, "a put value is one DHT record value");
_Static_assert(CONTROL_LINE_MAX == NODE_CONTROL_LINE, "the client buffer holds one line");

#define PUT_LIFETIME_MS (60 * 60 * 1000)

static int control_address(struct sockaddr_un *address, const char *path)
{
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof address->sun_path)
        return -1;
    memcpy(address->sun_path, path, strlen(path));
    return 0;
}

int node_control_open(struct node *node)
{
    struct sockaddr_un address;
    if (control_address(&address, node->options.control_path) != 0) {
        fprintf(stderr, "nonos-node: control path too long\n");
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    unlink(node->options.control_path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0 || listen(fd, 8) != 0) {
        fprintf(stderr, "nonos-node: control socket %s: %s\n", node->options.control_path,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    node->control_fd = fd;
    return 0;
}

void node_control_close(struct node *node)
{
    for (int i = 0; i < NODE_CONTROL_CLIENTS; i++)
        if (node->clients[i].fd >= 0) {
            close(node->clients[i].fd);
            node->clients[i].fd = -1;
        }
    if (node->control_fd >= 0) {
        close(node->control_fd);
        unlink(node->options.control_path);
        node->control_fd = -1;
    }
}

void node_control_poll_fds(struct node *node, struct pollfd *fds, unsigned *count)
{
    if (node->control_fd < 0)
        return;
    fds[(*count)++] = (struct pollfd){ .fd = node->control_fd, .events = POLLIN };
    for (int i = 0; i < NODE_CONTROL_CLIENTS; i++)
        if (node->clients[i].fd >= 0 && !node->clients[i].waiting)
            fds[(*count)++] = (struct pollfd){ .fd = node->clients[i].fd, .events = POLLIN };
}

static void client_answer(struct node_client *client, const char *text, size_t len)
{
    size_t done = 0;
    while (done < len) { /* answers are short; a slow reader gets what fits */
        ssize_t n = send(client->fd, text + done, len - done, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    /* Bytes the client sent past its line (unread) would make close()
     * reset the connection, and the peer could lose the answer: read what
     * has arrived first (bounded; more sent later is the client's loss). */
    char unread[NODE_CONTROL_LINE];
    for (int i = 0; i < 8 && recv(client->fd, unread, sizeof unread, MSG_DONTWAIT) > 0; i++)
        continue;
    close(client->fd);
    client->fd = -1;
    client->waiting = false;
    client->len = 0;
    client->generation++;
}

static void client_answer_text(struct node_client *client, const char *text)
{
    client_answer(client, text, strlen(text));
}

/* Lookup callbacks get the client's index and generation packed in the
 * context pointer, so a client that went away is not answered. */
struct lookup_context {
    struct node *node;
    unsigned index, generation;
};
static struct lookup_context lookup_contexts[NODE_CONTROL_CLIENTS];

static struct node_client *lookup_client(void *context)
{
    struct lookup_context *lookup = context;
    struct node_client *client = &lookup->node->clients[lookup->index];
    if (client->fd < 0 || client->generation != lookup->generation || !client->waiting)
        return NULL;
    return client;
}

static void put_done(void *context, const struct dht_lookup_result *result)
{
    struct node_client *client = lookup_client(context);
    if (client == NULL)
        return;
    char answer[64];
    if (result->found && result->stores_sent > 0)
        snprintf(answer, sizeof answer, "stored %u\n", result->stores_sent);
    else
        snprintf(answer, sizeof answer, "error no node took the record\n");
    client_answer_text(client, answer);
}

static void get_done(void *context, const struct dht_lookup_result *result)
{
    struct node_client *client = lookup_client(context);
    if (client == NULL)
        return;
    if (!result->found) {
        client_answer_text(client, "not-found\n");
        return;
    }
    char answer[16 + DHT_VALUE_MAX];
    memcpy(answer, "found ", 6);
    size_t len = 6;
    for (unsigned i = 0; i < result->record.value_len; i++) {
        uint8_t c = result->record.value[i];
        answer[len++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    answer[len++] = '\n';
    client_answer(client, answer, len);
}

/* put KEY VALUE / get KEY: starts the lookup; the callback answers. */
static void client_lookup(struct node *node, unsigned index, const struct control_request *request)
{
    struct node_client *client = &node->clients[index];
    bool put = request->command == CONTROL_PUT;
    uint8_t key[DHT_ID_SIZE];
    mesh_overlay_key(key, request->key, request->key_len);
    lookup_contexts[index] = (struct lookup_context){ node, index, client->generation };
    client->waiting = true;
    uint64_t mesh_now = mesh_overlay_mesh_time(node->overlay, node_clock_ms());
    enum dht_error error =
        put ? dht_node_put(&node->overlay->dht, key, request->value, request->value_len, mesh_now,
                           mesh_now + PUT_LIFETIME_MS, put_done, &lookup_contexts[index], mesh_now)
            : dht_node_find_value(&node->overlay->dht, key, DHT_RECORD_VALUE, NULL, get_done,
                                  &lookup_contexts[index], mesh_now);
    if (error != DHT_OK && client->fd >= 0 && client->waiting) {
        char answer[96];
        snprintf(answer, sizeof answer, "error %s\n", dht_error_message(error));
        client_answer_text(client, answer);
    }
}

static void client_status(struct node *node, struct node_client *client)
{
    char *text = NULL;
    size_t len = 0;
    FILE *memory = open_memstream(&text, &len);
    if (memory == NULL) {
        client_answer_text(client, "error out of memory\n");
        return;
    }
    node_status_json(node, memory);
    fclose(memory);
    client_answer(client, text, len);
    free(text);
}

/* The line is parsed before anything else (control_parse.c): a malformed
 * one is answered with its error and changes nothing. */
static void client_command(struct node *node, unsigned index)
{
    struct node_client *client = &node->clients[index];
    struct control_request request;
    enum control_error error = control_parse((const uint8_t *)client->line, client->len, &request);
    if (error != CONTROL_OK) {
        char answer[128];
        snprintf(answer, sizeof answer, "error %s\n", control_parse_message(error));
        client_answer_text(client, answer);
    } else if (!node->overlay_ready) {
        client_answer_text(client, "error not ready (no address yet)\n");
    } else if (request.command == CONTROL_STATUS) {
        client_status(node, client);
    } else {
        client_lookup(node, index, &request);
    }
}

/* A command is parsed once its '\n' arrives, the buffer is full, or the
 * peer stops sending (then it has no '\n': an error answer, if it still
 * reads). */
static void client_read(struct node *node, unsigned index)
{
    struct node_client *client = &node->clients[index];
    ssize_t n = recv(client->fd, client->line + client->len, sizeof client->line - client->len,
                     MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n < 0 || (n == 0 && client->len == 0)) {
        close(client->fd);
        client->fd = -1;
        client->generation++;
        return;
    }
    client->len += (size_t)n;
    if (n == 0 || client->len == sizeof client->line || memchr(client->line, '\n', client->len) != NULL)
        client_command(node, index);
}

static void control_accept(struct node *node)
{
    int fd = accept4(node->control_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return;
    for (int i = 0; i < NODE_CONTROL_CLIENTS; i++)
        if (node->clients[i].fd < 0) {
            node->clients[i].fd = fd;
            node->clients[i].len = 0;
            node->clients[i].waiting = false;
            return;
        }
    close(fd); /* all slots busy */
}

void node_control_input(struct node *node, const struct pollfd *fds, unsigned first,
                        unsigned count)
{
    for (unsigned i = first; i < first + count; i++) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (fds[i].fd == node->control_fd) {
            control_accept(node);
            continue;
        }
        for (unsigned c = 0; c < NODE_CONTROL_CLIENTS; c++)
            if (node->clients[c].fd == fds[i].fd && !node->clients[c].waiting)
                client_read(node, c);
    }
}

/* nonos-node ctl SOCKET WORD...: sends the words as one line, prints the answer. */
int node_control_client(int argc, char **argv)
{
    if (argc < 2) {
        node_usage(stderr);
        return 2;
    }
    char line[NODE_CONTROL_LINE];
    size_t len = 0;
    for (int i = 1; i < argc; i++) {
        size_t word = strlen(argv[i]);
        if (len + word + 2 > sizeof line) {
            fprintf(stderr, "nonos-node ctl: command too long\n");
            return 2;
        }
        memcpy(line + len, argv[i], word);
        len += word;
        line[len++] = i + 1 < argc ? ' ' : '\n';
    }
    struct sockaddr_un address;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || control_address(&address, argv[0]) != 0 ||
        connect(fd, (struct sockaddr *)&address, sizeof address) != 0 ||
        send(fd, line, len, MSG_NOSIGNAL) != (ssize_t)len) {
        fprintf(stderr, "nonos-node ctl: %s: %s\n", argv[0], strerror(errno));
        if (fd >= 0)
            close(fd);
        return 1;
    }
    char answer[4096];
    ssize_t n;
    int status = 1;
    while ((n = recv(fd, answer, sizeof answer, 0)) > 0) {
        fwrite(answer, 1, (size_t)n, stdout);
        status = 0;
    }
    close(fd);
    return status;
}
