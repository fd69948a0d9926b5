/* virtio-rng: the driver capsule of the virtio entropy device (virtio 1.x,
 * "Entropy Device"; docs/drivers.md).
 *
 * The device has one queue: the driver gives it a buffer, the device
 * fills it with random bytes and returns it. The capsule feeds those bytes
 * to the kernel's generator (random_add, through its device capability:
 * only a driver of an entropy device may) at start, every FEED_INTERVAL_NS
 * (60 s) after that, and with every NONOS_ENTROPY_READ request it answers
 * (nonos/entropy.h) for capsules the name service lets reach it.
 *
 * Two threads: the main one serves requests; the feeder sleeps in one
 * timer_sleep per interval (the kernel wakes it once, at the deadline: no
 * wake-ups in between) and feeds. On a device error at start the capsule
 * resets the device and exits with status 1; init restarts it (restart =
 * "always"). The lock (a notification bit: wait takes it, signal gives it
 * back) keeps one request on the queue at a time, whichever thread makes
 * it, so its interrupt can only be for it. */
#include <stdint.h>

#include "console.h"
#include "nonos/abi.h"
#include "nonos/capsule.h"
#include "nonos/entropy.h"
#include "nonos/error.h"
#include "nonos/names.h"
#include "nonos/syscall.h"
#include "virtio.h"

#define DEVICE_SLOT NONOS_SLOT_DEVICE
#define IRQ_SLOT (NONOS_SLOT_FIRST_FREE + 0)
#define LOCK_SLOT (NONOS_SLOT_FIRST_FREE + 1)
#define ENDPOINT_SLOT (NONOS_SLOT_FIRST_FREE + 2)
#define PUBLISHED_SLOT (NONOS_SLOT_FIRST_FREE + 3) /* write only: what clients get */
#define REPLY_SLOT (NONOS_SLOT_FIRST_FREE + 4)
#define FEEDER_SLOT (NONOS_SLOT_FIRST_FREE + 5) /* the feeder thread's capability */
#define DMA_FIRST_SLOT 16
#define SLOT_LIMIT 32

#define REQUEST_QUEUE 0
#define QUEUE_VECTOR 0
#define QUEUE_BIT 1u
#define QUEUE_SIZE_MAX 4
#define FEED_BYTES 64
#define FEED_INTERVAL_NS (60ull * 1000000000ull) /* docs/drivers.md, "virtio-rng" */
#define FEEDER_STACK_BYTES 8192

static struct virtio_device device;
static struct virtio_queue queue;
static struct virtio_dma buffer; /* one page the device writes into */
static _Alignas(16) uint8_t feeder_stack[FEEDER_STACK_BYTES];

static void lock(void)
{
    nonos_notification_wait(LOCK_SLOT);
}

static void unlock(void)
{
    nonos_notification_signal(LOCK_SLOT, 1);
}

/* Reads up to `length` (<= one page) device bytes into out, under the
 * lock; returns the count, or -1 when the device misbehaved. */
static long entropy_read(uint8_t *out, uint32_t length)
{
    struct virtqueue_buffer request = { .address = buffer.device_address, .length = length,
                                        .device_writes = true };
    lock();
    long result = -1;
    if (virtqueue_add(&queue.ring, &request, 1) >= 0) {
        virtio_queue_notify(&queue);
        uint16_t head;
        uint32_t written = 0;
        int taken;
        while ((taken = virtqueue_take(&queue.ring, &head, &written)) == 0) {
            if (nonos_notification_wait(IRQ_SLOT) < 0)
                break;
            virtio_interrupt_acknowledge(&device);
        }
        if (taken == 1 && written <= length) {
            for (uint32_t i = 0; i < written; i++)
                out[i] = buffer.address[i];
            result = written;
        }
    }
    unlock();
    return result;
}

/* Fills out with `length` device bytes (the device may return fewer per
 * request); false if it fails or returns nothing. */
static bool entropy_fill(uint8_t *out, uint32_t length)
{
    uint32_t have = 0;
    while (have < length) {
        long got = entropy_read(out + have, length - have);
        if (got <= 0)
            return false;
        have += (uint32_t)got;
    }
    return true;
}

static bool generator_feed(void)
{
    uint8_t bytes[FEED_BYTES];
    bool fed = entropy_fill(bytes, sizeof bytes) &&
               nonos_random_add(DEVICE_SLOT, bytes, sizeof bytes) >= 0;
    for (size_t i = 0; i < sizeof bytes; i++)
        ((volatile uint8_t *)bytes)[i] = 0; /* not left on the stack */
    return fed;
}

/* The feeder thread: one sleep per interval, then a feed. A failed feed
 * is reported and tried again next interval (the main thread finds a
 * broken device with the next request). */
static _Noreturn void feeder_loop(uint64_t argument)
{
    (void)argument;
    for (;;) {
        nonos_timer_sleep(NONOS_SLOT_TIMER, FEED_INTERVAL_NS);
        if (!generator_feed())
            console_printf("virtio-rng: the periodic feed failed\n");
    }
}

static bool feeder_start(void)
{
    uint64_t stack_top = (uint64_t)(uintptr_t)(feeder_stack + FEEDER_STACK_BYTES - 8);
    return nonos_thread_create((uint64_t)(uintptr_t)feeder_loop, stack_top, 0, FEEDER_SLOT) >= 0;
}

static virtio_result device_start(void)
{
    virtio_result error = virtio_open(&device, DEVICE_SLOT, DMA_FIRST_SLOT, SLOT_LIMIT);
    if (error == NULL)
        error = virtio_negotiate(&device, 0, 0);
    if (error == NULL && nonos_notification_create(IRQ_SLOT) < 0)
        error = "cannot create the interrupt notification";
    if (error == NULL)
        error = virtio_irq_bind(&device, QUEUE_VECTOR, IRQ_SLOT, QUEUE_BIT);
    if (error == NULL)
        error = virtio_queue_start(&device, &queue, REQUEST_QUEUE, QUEUE_SIZE_MAX, QUEUE_VECTOR);
    if (error == NULL)
        error = virtio_dma_allocate(&device, 1, &buffer);
    if (error == NULL)
        error = virtio_ready(&device);
    return error;
}

/* The answer to one request, written over it. */
static void request_answer(struct nonos_message *message)
{
    uint32_t length = 0;
    for (int i = 0; i < 4 && i < (int)message->length; i++)
        length |= (uint32_t)message->data[i] << (8 * i);
    message->capability = NONOS_SLOT_NONE;
    if (message->label != NONOS_ENTROPY_READ || message->length != 4 || length == 0 ||
        length > NONOS_ENTROPY_MAX) {
        message->label = NONOS_ERROR_INVALID_ARGUMENT;
        message->length = 0;
        return;
    }
    bool filled = entropy_fill(message->data, length);
    if (filled && !generator_feed())
        console_printf("virtio-rng: feeding the kernel generator failed\n");
    message->label = filled ? 0 : NONOS_ERROR_BUSY;
    message->length = filled ? length : 0;
}

static _Noreturn void serve(void)
{
    static struct nonos_message message;
    for (;;) {
        long result = nonos_ipc_receive(ENDPOINT_SLOT, &message, REPLY_SLOT, NONOS_SLOT_NONE);
        if (result < 0) {
            console_printf("virtio-rng: receive: %s\n", nonos_error_message(result));
            nonos_timer_sleep(NONOS_SLOT_TIMER, 1000000000ull);
            continue;
        }
        request_answer(&message);
        if (nonos_ipc_reply(REPLY_SLOT, &message) < 0)
            nonos_cap_delete(REPLY_SLOT); /* a sender that did not call, or is gone */
    }
}

static bool service_register(void)
{
    const char *name = NONOS_ENTROPY_SERVICE;
    long result = nonos_endpoint_create(ENDPOINT_SLOT);
    if (result >= 0)
        result = nonos_cap_copy(ENDPOINT_SLOT, PUBLISHED_SLOT, NONOS_RIGHT_WRITE);
    if (result >= 0)
        result = nonos_names_register(name, sizeof NONOS_ENTROPY_SERVICE - 1, PUBLISHED_SLOT);
    if (result < 0)
        console_printf("virtio-rng: cannot register %s: %s\n", name, nonos_error_message(result));
    return result >= 0;
}

static int fail(const char *what)
{
    console_printf("virtio-rng: %s\n", what);
    virtio_stop(&device);
    return 1;
}

int main(void)
{
    virtio_result error = device_start();
    if (error != NULL)
        return fail(error);
    if (nonos_notification_create(LOCK_SLOT) < 0)
        return fail("cannot create the lock");
    unlock();
    if (!generator_feed())
        return fail("the device returned no entropy");
    if (!feeder_start())
        return fail("cannot start the feeder thread");
    console_printf("virtio-rng: %02x:%02x.%x: fed %d bytes to the kernel generator, again every "
                   "%llu s\n",
                   device.info.bus, device.info.device, device.info.function, FEED_BYTES,
                   FEED_INTERVAL_NS / 1000000000ull);
    if (!service_register())
        return fail("no service");
    serve();
}
