/* DHCP messages and options, RFC 2131 and RFC 2132 (see dhcp.h). */
#include "net/dhcp.h"

#include <stdbool.h>

#include "base/endian.h"
#include "net/buffer.h"

#define DHCP_HARDWARE_ETHERNET 1
#define DHCP_MAGIC 0x63825363u

#define OPTION_PAD 0
#define OPTION_SUBNET_MASK 1
#define OPTION_ROUTER 3
#define OPTION_REQUESTED_IP 50
#define OPTION_LEASE_TIME 51
#define OPTION_OVERLOAD 52
#define OPTION_MESSAGE_TYPE 53
#define OPTION_SERVER_ID 54
#define OPTION_PARAMETER_LIST 55
#define OPTION_RENEWAL_TIME 58
#define OPTION_REBINDING_TIME 59
#define OPTION_END 255

/* The 4-byte address or time options: option code, DHCP_HAS_ bit and the
 * field it fills (an offset, so one table serves decoder and encoder). */
struct word_option {
    uint8_t code;
    uint32_t bit;
    size_t offset;
};

static const struct word_option word_options[] = {
    { OPTION_SUBNET_MASK, DHCP_HAS_SUBNET_MASK, __builtin_offsetof(struct dhcp_message, subnet_mask) },
    { OPTION_ROUTER, DHCP_HAS_ROUTER, __builtin_offsetof(struct dhcp_message, router) },
    { OPTION_REQUESTED_IP, DHCP_HAS_REQUESTED_IP, __builtin_offsetof(struct dhcp_message, requested_ip) },
    { OPTION_LEASE_TIME, DHCP_HAS_LEASE_TIME, __builtin_offsetof(struct dhcp_message, lease_seconds) },
    { OPTION_SERVER_ID, DHCP_HAS_SERVER_ID, __builtin_offsetof(struct dhcp_message, server_id) },
    { OPTION_RENEWAL_TIME, DHCP_HAS_RENEWAL_TIME, __builtin_offsetof(struct dhcp_message, renewal_seconds) },
    { OPTION_REBINDING_TIME, DHCP_HAS_REBINDING_TIME, __builtin_offsetof(struct dhcp_message, rebinding_seconds) },
};
#define WORD_OPTION_COUNT (sizeof word_options / sizeof word_options[0])

static uint32_t *word_field(struct dhcp_message *message, const struct word_option *option)
{
    return (uint32_t *)((uint8_t *)message + option->offset);
}

static uint32_t word_get(const struct dhcp_message *message, const struct word_option *option)
{
    uint32_t value;
    net_copy(&value, (const uint8_t *)message + option->offset, sizeof value);
    return value;
}

static const struct word_option *word_option_find(uint8_t code)
{
    for (size_t i = 0; i < WORD_OPTION_COUNT; i++)
        if (word_options[i].code == code)
            return &word_options[i];
    return NULL;
}

/* One option with its data inside the message: fills out, or refuses. */
static enum net_result option_apply(struct dhcp_message *out, bool *seen_type, uint8_t code,
                                    const uint8_t *data, uint8_t len)
{
    const struct word_option *word = word_option_find(code);
    if (word != NULL) {
        if (out->present & word->bit)
            return NET_ERR_DHCP_OPTION_DUPLICATE;
        if (len < 4 || (code == OPTION_ROUTER ? len % 4 != 0 : len != 4))
            return NET_ERR_DHCP_OPTION_LENGTH;
        out->present |= word->bit;
        *word_field(out, word) = load32_be(data);
        return NET_OK;
    }
    if (code == OPTION_OVERLOAD)
        return NET_ERR_DHCP_OVERLOAD;
    if (code == OPTION_MESSAGE_TYPE) {
        if (*seen_type)
            return NET_ERR_DHCP_OPTION_DUPLICATE;
        if (len != 1)
            return NET_ERR_DHCP_OPTION_LENGTH;
        if (data[0] < DHCP_DISCOVER || data[0] > DHCP_INFORM)
            return NET_ERR_DHCP_MESSAGE_TYPE;
        *seen_type = true;
        out->message_type = data[0];
    }
    return NET_OK;
}

static enum net_result options_decode(const uint8_t *p, size_t len, struct dhcp_message *out)
{
    bool seen_type = false;
    size_t i = 0;
    while (i < len) {
        uint8_t code = p[i];
        if (code == OPTION_END)
            return seen_type ? NET_OK : NET_ERR_DHCP_MESSAGE_TYPE;
        if (code == OPTION_PAD) {
            i++;
            continue;
        }
        if (len - i < 2 || p[i + 1] > len - i - 2)
            return NET_ERR_DHCP_OPTION_TRUNCATED;
        enum net_result result = option_apply(out, &seen_type, code, p + i + 2, p[i + 1]);
        if (result != NET_OK)
            return result;
        i += 2 + (size_t)p[i + 1];
    }
    return NET_ERR_DHCP_NO_END;
}

enum net_result dhcp_decode(struct bytes message, struct dhcp_message *out)
{
    const uint8_t *p = message.data;
    if (message.len < DHCP_FIXED_SIZE)
        return NET_ERR_TRUNCATED;
    if (p[0] != DHCP_OP_REQUEST && p[0] != DHCP_OP_REPLY)
        return NET_ERR_DHCP_OP;
    if (p[1] != DHCP_HARDWARE_ETHERNET || p[2] != ETH_ADDRESS_SIZE)
        return NET_ERR_DHCP_HARDWARE;
    if (load32_be(p + 236) != DHCP_MAGIC)
        return NET_ERR_DHCP_MAGIC;
    struct dhcp_message decoded = { 0 };
    decoded.op = p[0];
    decoded.xid = load32_be(p + 4);
    decoded.seconds = load16_be(p + 8);
    decoded.flags = load16_be(p + 10);
    decoded.client_ip = load32_be(p + 12);
    decoded.your_ip = load32_be(p + 16);
    decoded.server_ip = load32_be(p + 20);
    decoded.relay_ip = load32_be(p + 24);
    net_copy(decoded.client_hardware.bytes, p + 28, ETH_ADDRESS_SIZE);
    enum net_result result =
        options_decode(p + DHCP_FIXED_SIZE, message.len - DHCP_FIXED_SIZE, &decoded);
    if (result != NET_OK)
        return result;
    *out = decoded;
    return NET_OK;
}

static void fixed_encode(uint8_t *p, const struct dhcp_message *message)
{
    net_zero(p, DHCP_FIXED_SIZE);
    p[0] = message->op;
    p[1] = DHCP_HARDWARE_ETHERNET;
    p[2] = ETH_ADDRESS_SIZE;
    store32_be(p + 4, message->xid);
    store16_be(p + 8, message->seconds);
    store16_be(p + 10, message->flags);
    store32_be(p + 12, message->client_ip);
    store32_be(p + 16, message->your_ip);
    store32_be(p + 20, message->server_ip);
    store32_be(p + 24, message->relay_ip);
    net_copy(p + 28, message->client_hardware.bytes, ETH_ADDRESS_SIZE);
    store32_be(p + 236, DHCP_MAGIC);
}

static bool options_encode(struct byte_buffer *out, const struct dhcp_message *message)
{
    static const uint8_t parameters[] = { OPTION_PARAMETER_LIST, 6, OPTION_SUBNET_MASK, OPTION_ROUTER,
                                          OPTION_LEASE_TIME, OPTION_SERVER_ID, OPTION_RENEWAL_TIME,
                                          OPTION_REBINDING_TIME };
    uint8_t type[3] = { OPTION_MESSAGE_TYPE, 1, message->message_type };
    if (!net_buffer_append(out, type, sizeof type))
        return false;
    for (size_t i = 0; i < WORD_OPTION_COUNT; i++) {
        if (!(message->present & word_options[i].bit))
            continue;
        uint8_t option[6] = { word_options[i].code, 4 };
        store32_be(option + 2, word_get(message, &word_options[i]));
        if (!net_buffer_append(out, option, sizeof option))
            return false;
    }
    if (message->op == DHCP_OP_REQUEST && !net_buffer_append(out, parameters, sizeof parameters))
        return false;
    uint8_t end = OPTION_END;
    return net_buffer_append(out, &end, 1);
}

enum net_result dhcp_encode(struct byte_buffer *out, const struct dhcp_message *message)
{
    size_t start = out->len;
    uint8_t *p = net_buffer_reserve(out, DHCP_FIXED_SIZE);
    if (p == NULL)
        return NET_ERR_BUFFER;
    fixed_encode(p, message);
    if (!options_encode(out, message)) {
        out->len = start;
        return NET_ERR_BUFFER;
    }
    size_t written = out->len - start;
    if (written < DHCP_MESSAGE_MIN) {
        uint8_t *pad = net_buffer_reserve(out, DHCP_MESSAGE_MIN - written);
        if (pad == NULL) {
            out->len = start;
            return NET_ERR_BUFFER;
        }
        net_zero(pad, DHCP_MESSAGE_MIN - written);
    }
    return NET_OK;
}
