/* bench-net-client (make bench-net, tests/qemu/bench-net.sh): instructions
 * per Ethernet frame sent and received by a client capsule through the
 * virtio-net driver capsule (nonos/netif.h), for 64- and 1,514-byte frames.
 *
 * Under QEMU -icount shift=0,sleep=off a nanosecond of guest time is one
 * retired instruction, but an idle guest's clock jumps to the next timer
 * (sleep=off), so elapsed time would count idling. The figure is therefore
 * the CPU time the kernel charged to the two processes that do the work,
 * the client and the driver (process_list, microseconds: 1,000
 * instructions each), over BENCH_FRAMES frames: their own code and every
 * system call, IPC, switch and interrupt taken while one of them ran.
 * Interrupts that arrive while the CPU idles are not counted.
 *
 * TX: BENCH_FRAMES frames (EtherType 0x88b5, "NONOSBENCH", kind 1: the host
 * program only counts them), the ring kept full, one doorbell per batch,
 * until the driver has handed every one back. RX: one request (kind 2:
 * count and size) to the host program, which sends that many frames
 * (kind 4) and then end markers (kind 3); the client counts and releases
 * them, one doorbell per batch. Lines:
 *   bench-net nonos: tx64 N instructions per frame (client C, driver D, frames F)
 * and FAILED lines with the reason. */
#include <stddef.h>
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/capsule.h>
#include <nonos/error.h>
#include <nonos/names.h>
#include <nonos/netif.h>
#include <nonos/syscall.h>

#define NETIF_SLOT 8
#define EVENTS_SLOT 9
#define EVENTS_COPY_SLOT 10
#define AREA_SLOT 11
#define DOORBELL_SLOT 12
#define AREA_ADDRESS 0x300000000000ull
#define BENCH_FRAMES 2000u
#define KIND_SINK 1
#define KIND_REQUEST 2
#define KIND_END 3
#define KIND_DATA 4
#define PROCESSES_MAX 64

void *memcpy(void *destination, const void *source, size_t length);
void *memset(void *destination, int value, size_t length);

void *memcpy(void *destination, const void *source, size_t length)
{
    volatile uint8_t *to = destination;
    const uint8_t *from = source;
    for (size_t i = 0; i < length; i++)
        to[i] = from[i];
    return destination;
}

void *memset(void *destination, int value, size_t length)
{
    volatile uint8_t *to = destination;
    for (size_t i = 0; i < length; i++)
        to[i] = (uint8_t)value;
    return destination;
}

static void *area;
static uint64_t session;
static struct nonos_process_info processes[PROCESSES_MAX];

static void print(const char *text)
{
    size_t length = 0;
    while (text[length] != '\0')
        length++;
    nonos_console_write(NONOS_SLOT_CONSOLE, text, length);
}

static void print_number(uint64_t value)
{
    char digits[20];
    size_t count = 0;
    do
        digits[sizeof digits - 1 - count++] = (char)('0' + value % 10);
    while ((value /= 10) != 0);
    nonos_console_write(NONOS_SLOT_CONSOLE, digits + sizeof digits - count, count);
}

static bool name_is(const char *name, const char *want)
{
    size_t i = 0;
    for (; want[i] != '\0'; i++) {
        if (name[i] != want[i])
            return false;
    }
    return name[i] == '\0';
}

/* CPU time (µs) charged so far to this capsule and to the driver. */
static bool cpu_read(uint64_t *client, uint64_t *driver)
{
    long n = nonos_process_list(NONOS_SLOT_SUPERVISOR, processes, sizeof processes);
    bool found_client = false, found_driver = false;
    for (long i = 0; i < n && i < PROCESSES_MAX; i++) {
        if (processes[i].state != NONOS_PROCESS_RUNNING)
            continue;
        if (name_is(processes[i].name, "bench-net-client"))
            *client = processes[i].cpu_used_us, found_client = true;
        if (name_is(processes[i].name, "virtio-net"))
            *driver = processes[i].cpu_used_us, found_driver = true;
    }
    return found_client && found_driver;
}

static long netif_call(uint64_t label, struct nonos_message *message, uint32_t receive_slot)
{
    message->label = label;
    long result = nonos_ipc_call(NETIF_SLOT, message, receive_slot);
    if (result < 0)
        return result;
    return message->label == 0 ? 0 : -(long)(message->label & 0xffff);
}

static long attach(void)
{
    static struct nonos_message message;
    long result = -NONOS_ERROR_NOT_FOUND;
    for (int i = 0; i < 300 && result == -NONOS_ERROR_NOT_FOUND; i++) {
        result = nonos_names_lookup(NETIF_SERVICE, sizeof NETIF_SERVICE - 1, NETIF_SLOT);
        if (result == -NONOS_ERROR_NOT_FOUND)
            nonos_timer_sleep(NONOS_SLOT_TIMER, 100000000ull);
    }
    if (result >= 0)
        result = nonos_notification_create(EVENTS_SLOT);
    if (result >= 0)
        result = nonos_cap_copy(EVENTS_SLOT, EVENTS_COPY_SLOT, NONOS_RIGHT_WRITE);
    message.length = 0;
    message.capability = EVENTS_COPY_SLOT;
    if (result >= 0)
        result = netif_call(NETIF_OPEN, &message, AREA_SLOT);
    if (result < 0)
        return result;
    struct netif_open_reply reply;
    memcpy(&reply, message.data, sizeof reply);
    session = reply.session;
    result = nonos_memory_map(AREA_SLOT, AREA_ADDRESS, NONOS_RIGHT_READ | NONOS_RIGHT_WRITE);
    if (result < 0)
        return result;
    area = (void *)(uintptr_t)AREA_ADDRESS;
    message.length = sizeof session;
    message.capability = NONOS_SLOT_NONE;
    memcpy(message.data, &session, sizeof session);
    return netif_call(NETIF_DOORBELL, &message, DOORBELL_SLOT);
}

static uint8_t payload[NETIF_FRAME_MAX];

/* One `rep movsb`, the copy a C library's memcpy would do for a frame. */
static void bytes_copy(uint8_t *to, const uint8_t *from, size_t length)
{
    __asm__ volatile("rep movsb" : "+D"(to), "+S"(from), "+c"(length) : : "memory");
}

static void frame_build(uint8_t *out, uint32_t length, uint8_t kind, uint32_t a, uint32_t b)
{
    const struct netif_header *header = area;
    for (int i = 0; i < 6; i++) {
        out[i] = 0xff;
        out[6 + i] = header->mac[i];
    }
    out[12] = 0x88;
    out[13] = 0xb5;
    memcpy(out + 14, "NONOSBENCH", 10);
    out[24] = kind;
    memcpy(out + 25, &a, 4);
    memcpy(out + 29, &b, 4);
    /* The payload is copied into the slot once, as a sender's data would
     * be (Linux's sendto copies it into the socket buffer too). */
    if (length > 33)
        bytes_copy(out + 33, payload, length - 33);
}

/* Sends `count` frames of `length` bytes of `kind`, keeping the ring full;
 * returns when the driver has given every slot back. */
static void send_frames(uint32_t count, uint32_t length, uint8_t kind, uint32_t a, uint32_t b)
{
    struct netif_ring *ring = netif_tx_ring(area);
    uint32_t start = ring->producer, sent = 0;
    while (sent < count || netif_load(&ring->consumer) != start + count) {
        bool produced = false;
        uint32_t index;
        while (sent < count && netif_tx_reserve(area, &index)) {
            frame_build(netif_tx_slot(area, index), length, kind, a, b);
            netif_tx_commit(area, index, length);
            sent++;
            produced = true;
        }
        if (produced)
            nonos_notification_signal(DOORBELL_SLOT, 1);
        else
            nonos_notification_wait(EVENTS_SLOT);
    }
}

static uint32_t end_size(const uint8_t *frame)
{
    uint32_t size;
    memcpy(&size, frame + 29, 4);
    return size;
}

/* Receives KIND_DATA frames until an end marker of this size; returns how
 * many. */
static uint32_t receive_frames(uint32_t length)
{
    uint32_t received = 0;
    bool ended = false;
    while (!ended) {
        uint32_t index, size;
        bool released = false;
        while (netif_rx_next(area, &index, &size)) {
            const uint8_t *frame = netif_rx_slot(area, index);
            if (size >= 33 && frame[12] == 0x88 && frame[13] == 0xb5 && frame[24] == KIND_DATA && size == length)
                received++;
            else if (size >= 33 && frame[12] == 0x88 && frame[13] == 0xb5 && frame[24] == KIND_END &&
                     end_size(frame) == length)
                ended = true; /* markers of an earlier request are ignored */
            netif_rx_release(area, index);
            released = true;
        }
        if (released)
            nonos_notification_signal(DOORBELL_SLOT, 1);
        else if (!ended)
            nonos_notification_wait(EVENTS_SLOT);
    }
    return received;
}

static void report(const char *metric, uint32_t length, uint64_t client_us, uint64_t driver_us, uint32_t frames)
{
    print("bench-net nonos: ");
    print(metric);
    print_number(length);
    if (frames == 0) {
        print(" FAILED: no frames\n");
        return;
    }
    print(" ");
    print_number((client_us + driver_us) * 1000 / frames);
    print(" instructions per frame (client ");
    print_number(client_us * 1000 / frames);
    print(", driver ");
    print_number(driver_us * 1000 / frames);
    print(", frames ");
    print_number(frames);
    print(")\n");
}

static void measure(uint32_t length)
{
    uint64_t c0 = 0, d0 = 0, c1 = 0, d1 = 0;
    cpu_read(&c0, &d0);
    send_frames(BENCH_FRAMES, length, KIND_SINK, 0, 0);
    cpu_read(&c1, &d1);
    report("tx", length, c1 - c0, d1 - d0, BENCH_FRAMES);
    send_frames(1, 64, KIND_REQUEST, BENCH_FRAMES, length);
    cpu_read(&c0, &d0);
    uint32_t received = receive_frames(length);
    cpu_read(&c1, &d1);
    report("rx", length, c1 - c0, d1 - d0, received);
}

int main(void)
{
    long result = attach();
    uint64_t client = 0, driver = 0;
    if (result < 0 || !cpu_read(&client, &driver)) {
        print("bench-net nonos: FAILED: attach or process_list: ");
        print(result < 0 ? nonos_error_message(result) : "no figures");
        print("\n");
        return 1;
    }
    for (uint32_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)i;
    print("bench-net nonos: start\n");
    send_frames(64, 64, KIND_SINK, 0, 0); /* warm-up */
    measure(64);
    measure(1514);
    print("bench-net nonos: done\n");
    return 0;
}
