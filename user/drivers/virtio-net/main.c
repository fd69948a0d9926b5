/* virtio-net: the driver capsule of the virtio network device (virtio
 * 1.x, "Network Device"; docs/drivers.md). It serves raw Ethernet frames
 * to one client at a time through the netif protocol (nonos/netif.h).
 *
 * Two threads. The main thread answers the client's IPC requests (OPEN,
 * DOORBELL, HOLD). The data thread waits on EVENTS_SLOT, where the
 * device's interrupts (MSI-X: configuration change, RX, TX) and the
 * client's doorbell signal, and moves frames (datapath.c). Whoever touches
 * the device or the session holds LOCK_SLOT's bit (wait takes it, signal
 * gives it back).
 *
 * The device runs only while a client is attached: OPEN ends the previous
 * session (device reset, so no buffer of the old area is in flight; its
 * area and doorbell revoked; its held HOLD call answered) and starts the
 * device again over a new area. When the driver itself ends (killed,
 * crashed), the kernel deletes its capabilities: the client's HOLD call
 * fails with OBJECT_GONE, init restarts the driver, and the client attaches
 * to the new one. */
#include <stdint.h>

#include "console.h"
#include "datapath.h"
#include "netif_wire.h"
#include "nonos/abi.h"
#include "nonos/capsule.h"
#include "nonos/error.h"
#include "nonos/names.h"
#include "nonos/netif.h"
#include "nonos/syscall.h"
#include "virtio.h"

#define DEVICE_SLOT NONOS_SLOT_DEVICE
#define EVENTS_SLOT (NONOS_SLOT_FIRST_FREE + 0)
#define LOCK_SLOT (NONOS_SLOT_FIRST_FREE + 1)
#define ENDPOINT_SLOT (NONOS_SLOT_FIRST_FREE + 2)
#define PUBLISHED_SLOT (NONOS_SLOT_FIRST_FREE + 3) /* write + grant: what clients get */
#define REPLY_SLOT (NONOS_SLOT_FIRST_FREE + 4)
#define RECEIVE_SLOT (NONOS_SLOT_FIRST_FREE + 5)
#define HOLD_SLOT (NONOS_SLOT_FIRST_FREE + 6)     /* the client's parked HOLD call */
#define CLIENT_SLOT (NONOS_SLOT_FIRST_FREE + 7)   /* the client's notification */
#define DOORBELL_SLOT (NONOS_SLOT_FIRST_FREE + 8) /* EVENTS minted for the client */
#define DATA_THREAD_SLOT (NONOS_SLOT_FIRST_FREE + 9)
#define DMA_FIRST_SLOT 24
#define SLOT_LIMIT 48

/* virtio-net feature bits and configuration. */
#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_STATUS (1ull << 16)
#define NET_CONFIG_MAC 0
#define NET_CONFIG_STATUS 6
#define NET_STATUS_LINK_UP 1
#define RX_QUEUE 0
#define TX_QUEUE 1
#define QUEUE_SIZE_MAX 64 /* 32 two-descriptor chains */

/* Notification bits on EVENTS_SLOT. */
#define CONFIG_BIT 1u
#define RX_BIT 2u
#define TX_BIT 4u
#define KICK_BIT 8u /* the badge of the client's doorbell */
#define CONFIG_VECTOR 0
#define RX_VECTOR 1
#define TX_VECTOR 2

#define AREA_PAGES (NETIF_AREA_BYTES / 4096)
#define DATA_STACK_BYTES 16384

static struct virtio_device device;
static struct virtio_queue rx_queue, tx_queue;
static struct virtio_dma headers; /* virtio-net headers, for the device */
static struct virtio_dma area;    /* the current session's shared area */
static struct datapath path;
static bool attached, running, holding, doorbell_given;
static uint64_t session, sessions;
static uint8_t mac[6];
static _Alignas(16) uint8_t data_stack[DATA_STACK_BYTES];

static void lock(void)
{
    nonos_notification_wait(LOCK_SLOT);
}

static void unlock(void)
{
    nonos_notification_signal(LOCK_SLOT, 1);
}

static uint32_t link_read(void)
{
    if ((device.features & VIRTIO_NET_F_STATUS) == 0)
        return 1; /* without the status field the link is always up */
    return (virtio_config_read16(&device, NET_CONFIG_STATUS) & NET_STATUS_LINK_UP) != 0;
}

static void mac_read(void)
{
    for (uint32_t i = 0; i < sizeof mac; i++)
        mac[i] = (device.features & VIRTIO_NET_F_MAC) != 0 ? virtio_config_read8(&device, NET_CONFIG_MAC + i) : 0;
}

/* Reset, then negotiate; MAC and link status when offered, nothing else
 * (no checksum or segmentation offload: nothing here would use them). */
static virtio_result device_negotiate(void)
{
    virtio_result error = virtio_negotiate(&device, 0, VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS);
    if (error == NULL)
        error = virtio_config_vector_set(&device, CONFIG_VECTOR);
    return error;
}

/* Starts the device over the current area. */
static virtio_result device_run(void)
{
    virtio_result error = device_negotiate();
    if (error == NULL)
        error = virtio_queue_start(&device, &rx_queue, RX_QUEUE, QUEUE_SIZE_MAX, RX_VECTOR);
    if (error == NULL)
        error = virtio_queue_start(&device, &tx_queue, TX_QUEUE, QUEUE_SIZE_MAX, TX_VECTOR);
    if (error != NULL)
        return error;
    running = true;
    datapath_begin(&path, area.address, area.device_address);
    error = virtio_ready(&device);
    bool broken;
    if (error == NULL)
        datapath_run(&path, &broken); /* posts the RX buffers (no notification before DRIVER_OK) */
    return error;
}

static void device_halt(void)
{
    virtio_stop(&device); /* no DMA after this */
    if (running) {
        virtio_queue_free(&device, &rx_queue);
        virtio_queue_free(&device, &tx_queue);
    }
    running = false;
}

static void header_init(struct netif_header *header)
{
    *header = (struct netif_header){ .magic = NETIF_MAGIC, .version = NETIF_VERSION, .slots = NETIF_SLOTS,
                                     .slot_bytes = NETIF_SLOT_BYTES, .area_bytes = NETIF_AREA_BYTES,
                                     .frame_max = NETIF_FRAME_MAX, .link = link_read(),
                                     .state = NETIF_STATE_ATTACHED, .session = session };
    for (uint32_t i = 0; i < sizeof mac; i++)
        header->mac[i] = mac[i];
}

/* Answers the parked HOLD call, if any (its caller may be gone: then the
 * reply fails and the slot is emptied). */
static void hold_release(void)
{
    if (!holding)
        return;
    struct nonos_message answer = { .label = 0, .capability = NONOS_SLOT_NONE };
    if (nonos_ipc_reply(HOLD_SLOT, &answer) < 0)
        nonos_cap_delete(HOLD_SLOT);
    holding = false;
}

/* Ends the current session: the device stops, the client is told and
 * loses the area and the doorbell. Under the lock. */
static void session_end(void)
{
    if (!attached)
        return;
    device_halt();
    ((struct netif_header *)area.address)->state = NETIF_STATE_DETACHED;
    nonos_notification_signal(CLIENT_SLOT, NETIF_EVENT_DETACHED);
    hold_release();
    if (doorbell_given) {
        nonos_cap_revoke(DOORBELL_SLOT); /* the client's copy */
        nonos_cap_delete(DOORBELL_SLOT);
        doorbell_given = false;
    }
    nonos_cap_delete(CLIENT_SLOT);
    nonos_cap_revoke(area.slot); /* the client's copy; its mapping stays, unused */
    virtio_dma_free(&device, &area);
    attached = false;
}

/* Starts a session for the client whose notification is in RECEIVE_SLOT.
 * Under the lock. Returns 0 or a NONOS_ERROR_* label. */
static uint64_t session_begin(void)
{
    if (virtio_dma_allocate(&device, AREA_PAGES, &area) != NULL)
        return NONOS_ERROR_NO_MEMORY;
    nonos_cap_move(RECEIVE_SLOT, CLIENT_SLOT);
    session = (++sessions << 32) ^ (uint64_t)nonos_clock_read();
    header_init((struct netif_header *)area.address);
    attached = true;
    virtio_result error = device_run();
    if (error != NULL) {
        console_printf("virtio-net: the device did not start: %s\n", error);
        session_end();
        return NONOS_ERROR_BUSY;
    }
    return 0;
}

static bool notification_writable(uint32_t slot)
{
    struct nonos_cap_info info = { 0 };
    return nonos_cap_identify(slot, &info) >= 0 &&
           info.type == NONOS_OBJECT_NOTIFICATION && (info.rights & NONOS_RIGHT_WRITE) != 0;
}

/* A decoded OPEN: its capability is in RECEIVE_SLOT. */
static uint64_t request_open(struct nonos_message *message)
{
    if (!notification_writable(RECEIVE_SLOT))
        return NONOS_ERROR_INVALID_ARGUMENT;
    lock();
    session_end();
    uint64_t verdict = session_begin();
    unlock();
    if (verdict != 0)
        return verdict;
    struct netif_open_reply reply = { .session = session, .area_bytes = NETIF_AREA_BYTES,
                                      .version = NETIF_VERSION };
    __builtin_memcpy(message->data, &reply, sizeof reply);
    message->length = sizeof reply;
    message->capability = area.slot;
    console_printf("virtio-net: client attached (session %llu)\n", (unsigned long long)sessions);
    return 0;
}

/* A DOORBELL quoting the current session. */
static uint64_t request_doorbell(struct nonos_message *message)
{
    if (!doorbell_given && nonos_cap_mint(EVENTS_SLOT, DOORBELL_SLOT, NONOS_RIGHT_WRITE, KICK_BIT) < 0)
        return NONOS_ERROR_NO_MEMORY;
    doorbell_given = true;
    message->length = 0;
    message->capability = DOORBELL_SLOT;
    return 0;
}

/* Parks a HOLD quoting the current session in HOLD_SLOT (an older
 * parked call is answered first). False: answer it now. */
static bool request_hold(void)
{
    hold_release();
    holding = nonos_cap_move(REPLY_SLOT, HOLD_SLOT) >= 0;
    return holding;
}

/* Every request is decoded and checked first (netif_wire.c); a refused
 * one is answered with its error label and changes nothing (a capability
 * it carried is deleted). */
static void request_handle(struct nonos_message *message)
{
    bool carried = message->capability != NONOS_SLOT_NONE;
    struct netif_request request;
    enum netif_refusal refusal =
        netif_wire_decode(message->label, (const uint8_t *)message->data, message->length, carried, &request);
    if (refusal == NETIF_WIRE_OK)
        refusal = netif_wire_session_check(&request, attached, session);
    if (refusal == NETIF_WIRE_OK && request.label == NETIF_HOLD && request_hold())
        return; /* answered when the session ends */
    uint64_t label = netif_wire_error(refusal);
    message->capability = NONOS_SLOT_NONE;
    if (label == 0 && request.label == NETIF_OPEN)
        label = request_open(message);
    else if (label == 0 && request.label == NETIF_DOORBELL)
        label = request_doorbell(message);
    else if (label == 0)
        label = NONOS_ERROR_NOT_FOUND; /* a HOLD that could not be parked */
    if (label != 0) {
        message->length = 0;
        message->capability = NONOS_SLOT_NONE;
    }
    message->label = label;
    if (nonos_ipc_reply(REPLY_SLOT, message) < 0)
        nonos_cap_delete(REPLY_SLOT);
    if (carried && label != 0)
        nonos_cap_delete(RECEIVE_SLOT); /* a refused request's capability */
}

static _Noreturn void serve(void)
{
    static struct nonos_message message;
    for (;;) {
        long result = nonos_ipc_receive(ENDPOINT_SLOT, &message, REPLY_SLOT, RECEIVE_SLOT);
        if (result < 0) {
            console_printf("virtio-net: receive: %s\n", nonos_error_message(result));
            nonos_timer_sleep(NONOS_SLOT_TIMER, 1000000000ull);
            continue;
        }
        request_handle(&message);
    }
}

/* One wake-up of the data thread, under the lock. */
static void events_handle(uint64_t bits)
{
    if (device.irq_kind == NONOS_IRQ_INTX)
        virtio_interrupt_acknowledge(&device);
    if (!attached || !running)
        return;
    struct netif_header *header = (struct netif_header *)area.address;
    bool broken;
    uint32_t events = datapath_run(&path, &broken);
    if ((bits & CONFIG_BIT) != 0 || device.irq_kind != NONOS_IRQ_MSIX) {
        uint32_t link = link_read();
        if (link != header->link) {
            header->link = link;
            events |= NETIF_EVENT_LINK;
            console_printf("virtio-net: link %s\n", link ? "up" : "down");
        }
    }
    if (broken) {
        console_printf("virtio-net: the device returned a buffer it was not given; detaching\n");
        session_end();
        return;
    }
    if (events != 0)
        nonos_notification_signal(CLIENT_SLOT, events);
}

static _Noreturn void data_loop(uint64_t argument)
{
    (void)argument;
    for (;;) {
        long bits = nonos_notification_wait(EVENTS_SLOT);
        if (bits < 0) {
            nonos_timer_sleep(NONOS_SLOT_TIMER, 1000000000ull);
            continue;
        }
        lock();
        events_handle((uint64_t)bits);
        unlock();
    }
}

/* Interrupts: configuration change, RX and TX on MSI-X entries 0-2; with
 * fewer entries (or none) everything on the first. */
static virtio_result interrupts_bind(void)
{
    bool separate = device.info.msix_vectors >= 3;
    virtio_result error = virtio_irq_bind(&device, CONFIG_VECTOR, EVENTS_SLOT,
                                          separate ? CONFIG_BIT : CONFIG_BIT | RX_BIT | TX_BIT);
    if (error == NULL && separate && device.irq_kind == NONOS_IRQ_MSIX)
        error = virtio_irq_bind(&device, RX_VECTOR, EVENTS_SLOT, RX_BIT);
    if (error == NULL && separate && device.irq_kind == NONOS_IRQ_MSIX)
        error = virtio_irq_bind(&device, TX_VECTOR, EVENTS_SLOT, TX_BIT);
    return error;
}

/* Opens the device, reads its MAC address and link, binds interrupts and
 * leaves it reset until a client attaches. */
static virtio_result device_prepare(void)
{
    virtio_result error = virtio_open(&device, DEVICE_SLOT, DMA_FIRST_SLOT, SLOT_LIMIT);
    if (error == NULL && nonos_notification_create(EVENTS_SLOT) < 0)
        error = "cannot create the event notification";
    if (error == NULL)
        error = interrupts_bind();
    if (error == NULL)
        error = device_negotiate();
    if (error == NULL)
        error = virtio_dma_allocate(&device, 1, &headers);
    if (error != NULL)
        return error;
    path.rx_queue = &rx_queue;
    path.tx_queue = &tx_queue;
    path.headers = headers.address;
    path.headers_device = headers.device_address;
    mac_read();
    uint32_t link = link_read();
    virtio_stop(&device);
    console_printf("virtio-net: %02x:%02x.%x: mac %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", device.info.bus,
                   device.info.device, device.info.function, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
                   link ? "up" : "down");
    return NULL;
}

static bool service_register(void)
{
    const char *name = NETIF_SERVICE;
    long result = nonos_endpoint_create(ENDPOINT_SLOT);
    if (result >= 0)
        result = nonos_cap_copy(ENDPOINT_SLOT, PUBLISHED_SLOT, NONOS_RIGHT_WRITE | NONOS_RIGHT_GRANT);
    if (result >= 0)
        result = nonos_names_register(name, sizeof NETIF_SERVICE - 1, PUBLISHED_SLOT);
    if (result < 0)
        console_printf("virtio-net: cannot register %s: %s\n", name, nonos_error_message(result));
    return result >= 0;
}

static int fail(const char *what)
{
    console_printf("virtio-net: %s\n", what);
    virtio_stop(&device);
    return 1;
}

int main(void)
{
    virtio_result error = device_prepare();
    if (error != NULL)
        return fail(error);
    if (nonos_notification_create(LOCK_SLOT) < 0)
        return fail("cannot create the lock");
    unlock();
    if (nonos_thread_create((uint64_t)(uintptr_t)data_loop,
                            (uint64_t)(uintptr_t)(data_stack + DATA_STACK_BYTES - 8), 0, DATA_THREAD_SLOT) < 0)
        return fail("cannot start the data thread");
    if (!service_register())
        return fail("no service");
    serve();
}
