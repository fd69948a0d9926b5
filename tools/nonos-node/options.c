/* nonos-node's command line (docs/mesh.md, "Hosted node", is the manual). */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools/nonos-node/node.h"

void node_usage(FILE *out)
{
    fputs("usage: nonos-node [OPTION]...            run a mesh node until SIGINT or SIGTERM\n"
          "       nonos-node ctl SOCKET COMMAND...  send one command to a running node\n"
          "\n"
          "udp link (default):\n"
          "  --bind ADDR:PORT          sessions on this UDP address (127.0.0.1:0; port 0: any)\n"
          "  --beacon GROUP:PORT       beacons to this multicast group (239.255.77.77:4977)\n"
          "  --beacon-interface ADDR   multicast interface address (the --bind address)\n"
          "frame link (the node speaks Ethernet + IPv4 + UDP itself, lib/net):\n"
          "  --hub ADDR:PORT           frames one per UDP datagram to this hub (loopback only)\n"
          "  --frame-local ADDR:PORT   our end of the frame wire (127.0.0.1:0)\n"
          "  --mac XX:XX:XX:XX:XX:XX   Ethernet address (random, locally administered)\n"
          "  --port PORT               UDP port of sessions on the segment (4978)\n"
          "either link:\n"
          "  --beacon-interval MS      between beacons, jittered 0.75..1.25 (1000; 0: none)\n"
          "  --difficulty BITS         proof of work of node IDs (16)\n"
          "  --per-range N             contacts per address /24 in each bucket (2)\n"
          "  --refresh-ms MS           routing-table refresh interval (900000)\n"
          "  --adopt-clock             no wall clock: take the mesh time from the first authentic\n"
          "                            beacon (as a NONOS guest must; for tests of that case)\n"
          "  --control PATH            control socket (Unix stream): status, put, get\n"
          "  --json                    print the status as JSON on SIGUSR1 and at exit\n"
          "  --help                    this text\n"
          "control commands (one line, one answer line):\n"
          "  status                    the JSON status\n"
          "  put KEY VALUE             store a signed record; answers 'stored N' (N nodes)\n"
          "  get KEY                   look a record up; answers 'found VALUE' or 'not-found'\n",
          out);
}

static int parse_number(const char *text, unsigned long long max, unsigned long long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value > max || text[0] == '-')
        return -1;
    *out = value;
    return 0;
}

/* ADDR:PORT, IPv4 dotted quad. */
static int parse_endpoint(const char *text, struct sockaddr_in *out)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    unsigned long long port = 0;
    if (colon == NULL || (size_t)(colon - text) >= sizeof host ||
        parse_number(colon + 1, 65535, &port) != 0)
        return -1;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    out->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &out->sin_addr) == 1 ? 0 : -1;
}

static int parse_mac(const char *text, uint8_t mac[6])
{
    unsigned parts[6];
    char tail;
    if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &parts[0], &parts[1], &parts[2], &parts[3],
               &parts[4], &parts[5], &tail) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)parts[i];
    return (mac[0] & 1) ? -1 : 0; /* a group address is no host's */
}

static void options_default(struct node_options *options)
{
    memset(options, 0, sizeof *options);
    parse_endpoint("127.0.0.1:0", &options->bind);
    parse_endpoint("239.255.77.77:4977", &options->beacon_group);
    parse_endpoint("127.0.0.1:0", &options->frame_local);
    options->session_port = NODE_FRAME_SESSION_PORT;
    mesh_overlay_config_default(&options->overlay);
}

/* One option with its argument; returns 0, or -1 for a bad argument. */
static int option_apply(struct node_options *options, const char *name, const char *value,
                        bool *interface_given)
{
    unsigned long long number = 0;
    if (strcmp(name, "--bind") == 0)
        return parse_endpoint(value, &options->bind);
    if (strcmp(name, "--beacon") == 0)
        return parse_endpoint(value, &options->beacon_group);
    if (strcmp(name, "--beacon-interface") == 0) {
        *interface_given = true;
        return inet_pton(AF_INET, value, &options->beacon_interface) == 1 ? 0 : -1;
    }
    if (strcmp(name, "--hub") == 0) {
        options->frame = true;
        return parse_endpoint(value, &options->hub);
    }
    if (strcmp(name, "--frame-local") == 0)
        return parse_endpoint(value, &options->frame_local);
    if (strcmp(name, "--mac") == 0) {
        options->mac_given = true;
        return parse_mac(value, options->mac);
    }
    if (strcmp(name, "--control") == 0) {
        options->control_path = value;
        return 0;
    }
    struct mesh_overlay_config *config = &options->overlay;
    if (strcmp(name, "--port") == 0 && parse_number(value, 65535, &number) == 0 && number > 0)
        options->session_port = (uint16_t)number;
    else if (strcmp(name, "--beacon-interval") == 0 && parse_number(value, 3600000, &number) == 0)
        config->beacon_interval_ms = number;
    else if (strcmp(name, "--difficulty") == 0 && parse_number(value, 32, &number) == 0)
        config->dht.difficulty = config->session.id_difficulty = (unsigned)number;
    else if (strcmp(name, "--per-range") == 0 && parse_number(value, DHT_K, &number) == 0 &&
             number > 0)
        config->dht.per_range = (unsigned)number;
    else if (strcmp(name, "--refresh-ms") == 0 && parse_number(value, 86400000, &number) == 0 &&
             number >= 1000)
        config->dht.refresh_interval = number;
    else
        return -1;
    return 0;
}

/* Returns 0 to run, 1 after --help, -1 on a usage error (message printed). */
int node_options_parse(struct node_options *options, int argc, char **argv)
{
    options_default(options);
    bool interface_given = false;
    for (int i = 1; i < argc;) {
        if (strcmp(argv[i], "--help") == 0) {
            node_usage(stdout);
            return 1;
        }
        if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "--adopt-clock") == 0) {
            if (argv[i][2] == 'j')
                options->json = true;
            else
                options->overlay.adopt_clock = true;
            i++;
            continue;
        }
        if (i + 1 >= argc || option_apply(options, argv[i], argv[i + 1], &interface_given) != 0) {
            fprintf(stderr, "nonos-node: bad option or argument: %s%s%s\n", argv[i],
                    i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "");
            node_usage(stderr);
            return -1;
        }
        i += 2;
    }
    if (!interface_given)
        options->beacon_interface = options->bind.sin_addr;
    if (options->frame && !(ntohl(options->hub.sin_addr.s_addr) >> 24 == 127)) {
        fprintf(stderr, "nonos-node: --hub must be a loopback address\n");
        return -1;
    }
    return 0;
}
