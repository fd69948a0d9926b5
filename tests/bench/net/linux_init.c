/* The Linux half of `make bench-net`: the /init of an initramfs booted with
 * Debian's kernel under QEMU -icount shift=0,sleep=off (the TSC counts
 * retired instructions), with the same virtio-net-pci NIC behind
 * intel-iommu as the NØNOS half (tests/qemu/bench-net.sh). It loads the
 * virtio modules the initramfs holds (finit_module, in dependency order),
 * brings eth0 up with ioctls (169.254.0.1/16, a permanent ARP entry for the
 * host program's 169.254.0.2 and MAC 02:00:00:00:00:02, so no ARP is sent),
 * and measures, for 64- and 1,514-byte Ethernet frames:
 *   udp_tx    sendto() of a UDP datagram (22 or 1,472 payload bytes);
 *   packet_tx sendto() of the same-size raw frame on an AF_PACKET socket
 *             (EtherType 0x88b5, "NONOSBENCH", kind 1: the host program
 *             counts it, as it counts the NØNOS client's frames);
 *   packet_rx the host program's frames (kind 4) read from an AF_PACKET
 *             socket after a kind 2 request, as the NØNOS client asks.
 * Each figure is the TSC over a whole round of frames divided by the
 * frames: the CPU never idles during a round (MSG_DONTWAIT, retried), so
 * everything it did in between counts, the system calls and any interrupt,
 * softirq (TX completion, NAPI receive) or timer tick that ran meanwhile.
 * A send refused with a full queue is retried at once and counted, and the
 * refusals per round are printed. Receive polls that found nothing are
 * subtracted at their own measured cost. Median of ROUNDS rounds. Lines on the console:
 *   bench-net linux: udp_tx64 N instructions per frame (median of R rounds of F frames, ...)
 * or "bench-net linux: FAILED ..." with the reason; then power-off.
 *
 * No C library: static, freestanding, raw system calls only. */
#include <stdint.h>

#include "../ipc/bench_measure.h"

enum {
    LINUX_MKDIR = 83, LINUX_MOUNT = 165,
    LINUX_READ = 0, LINUX_WRITE = 1, LINUX_OPEN = 2, LINUX_CLOSE = 3, LINUX_NANOSLEEP = 35,
    LINUX_SOCKET = 41, LINUX_SENDTO = 44, LINUX_RECVFROM = 45, LINUX_BIND = 49,
    LINUX_IOCTL = 16, LINUX_REBOOT = 169, LINUX_FINIT_MODULE = 313,
};
enum { AF_INET = 2, AF_PACKET = 17, SOCK_DGRAM = 2, SOCK_RAW = 3, MSG_DONTWAIT = 0x40 };
enum { EAGAIN = 11, ENOBUFS = 105 };
enum {
    SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCSIFADDR = 0x8916, SIOCGIFINDEX = 0x8933,
    SIOCSARP = 0x8955, IFF_UP = 0x1, IFF_RUNNING = 0x40, ATF_COM = 0x02, ATF_PERM = 0x04,
};

#define FRAMES 2000u
#define ROUNDS 5u
#define ETHERTYPE_BENCH 0x88b5
#define KIND_SINK 1
#define KIND_REQUEST 2
#define KIND_END 3
#define KIND_DATA 4
#define RX_BUDGET 40000000000ull /* instructions a receive round may take */

static const uint8_t host_mac[6] = {0x02, 0, 0, 0, 0, 0x02};

static long linux_syscall6(long number, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long r10 __asm__("r10") = a3;
    register long r8 __asm__("r8") = a4;
    register long r9 __asm__("r9") = a5;
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
}

static long linux_syscall3(long number, long a0, long a1, long a2)
{
    return linux_syscall6(number, a0, a1, a2, 0, 0, 0);
}

static void bench_print(const char *text, uint64_t length)
{
    linux_syscall3(LINUX_WRITE, 1, (long)text, (long)length);
}

static void bytes_set(void *target, uint8_t value, uint64_t length)
{
    volatile uint8_t *bytes = target;
    for (uint64_t i = 0; i < length; i++)
        bytes[i] = value;
}

static void bytes_copy(void *target, const void *source, uint64_t length)
{
    volatile uint8_t *to = target;
    const uint8_t *from = source;
    for (uint64_t i = 0; i < length; i++)
        to[i] = from[i];
}

static void fail(const char *what, long error)
{
    BENCH_PRINT_LITERAL("bench-net linux: FAILED ");
    bench_print_text(what);
    BENCH_PRINT_LITERAL(" (error ");
    bench_print_number((uint64_t)-error);
    BENCH_PRINT_LITERAL(")\n");
}

_Noreturn static void power_off(void)
{
    for (;;)
        linux_syscall6(LINUX_REBOOT, 0xfee1dead, 672274793, 0x4321fedc, 0, 0, 0);
}

static void pause_guest(long nanoseconds)
{
    long time[2] = {0, nanoseconds};
    linux_syscall3(LINUX_NANOSLEEP, (long)time, 0, 0);
}

/* The modules, in dependency order (their .modinfo "depends="). */
static int modules_load(void)
{
    static const char *const modules[] = {
        "/virtio_ring.ko", "/virtio.ko", "/virtio_pci_modern_dev.ko", "/virtio_pci_legacy_dev.ko",
        "/virtio_pci.ko", "/failover.ko", "/net_failover.ko", "/virtio_net.ko",
    };
    for (unsigned i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        long fd = linux_syscall3(LINUX_OPEN, (long)modules[i], 0, 0);
        long status = fd < 0 ? fd : linux_syscall3(LINUX_FINIT_MODULE, fd, (long)"", 0);
        if (fd >= 0)
            linux_syscall3(LINUX_CLOSE, fd, 0, 0);
        if (status < 0) {
            fail(modules[i] + 1, status);
            return -1;
        }
    }
    return 0;
}

struct interface_request { /* struct ifreq */
    char name[16];
    union {
        struct { uint16_t family; uint16_t port; uint8_t address[4]; uint8_t zero[8]; } inet;
        int16_t flags;
        int32_t index;
        uint8_t pad[24];
    } u;
};

struct arp_request { /* struct arpreq */
    struct { uint16_t family; uint16_t port; uint8_t address[4]; uint8_t zero[8]; } protocol;
    struct { uint16_t family; uint8_t data[14]; } hardware;
    int32_t flags;
    uint8_t netmask[16];
    char device[16];
};

static long interface_ioctl(long fd, unsigned long request, struct interface_request *ifr)
{
    bytes_copy(ifr->name, "eth0", 5);
    return linux_syscall3(LINUX_IOCTL, fd, (long)request, (long)ifr);
}

/* eth0 up at 169.254.0.1 (class B mask: 169.254.0.0/16 is on-link), the
 * host's address resolved statically; waits for the carrier. Returns the
 * interface index or a negative error. */
static long interface_setup(long fd)
{
    struct interface_request ifr;
    bytes_set(&ifr, 0, sizeof ifr);
    ifr.u.inet.family = AF_INET;
    bytes_copy(ifr.u.inet.address, (const uint8_t[]){169, 254, 0, 1}, 4);
    long status = interface_ioctl(fd, SIOCSIFADDR, &ifr);
    if (status < 0)
        return fail("SIOCSIFADDR eth0", status), status;
    bytes_set(&ifr, 0, sizeof ifr);
    ifr.u.flags = IFF_UP;
    if ((status = interface_ioctl(fd, SIOCSIFFLAGS, &ifr)) < 0)
        return fail("SIOCSIFFLAGS eth0", status), status;
    for (unsigned tries = 0; tries < 100; tries++) {
        bytes_set(&ifr, 0, sizeof ifr);
        if (interface_ioctl(fd, SIOCGIFFLAGS, &ifr) >= 0 && (ifr.u.flags & IFF_RUNNING))
            break;
        pause_guest(10000000);
    }
    struct arp_request arp;
    bytes_set(&arp, 0, sizeof arp);
    arp.protocol.family = AF_INET;
    bytes_copy(arp.protocol.address, (const uint8_t[]){169, 254, 0, 2}, 4);
    arp.hardware.family = 1; /* ARPHRD_ETHER */
    bytes_copy(arp.hardware.data, host_mac, 6);
    arp.flags = ATF_COM | ATF_PERM;
    bytes_copy(arp.device, "eth0", 5);
    if ((status = linux_syscall3(LINUX_IOCTL, fd, SIOCSARP, (long)&arp)) < 0)
        return fail("SIOCSARP 169.254.0.2", status), status;
    bytes_set(&ifr, 0, sizeof ifr);
    if ((status = interface_ioctl(fd, SIOCGIFINDEX, &ifr)) < 0)
        return fail("SIOCGIFINDEX eth0", status), status;
    return ifr.u.index;
}

struct link_address { /* struct sockaddr_ll */
    uint16_t family;
    uint16_t protocol; /* network order */
    int32_t index;
    uint16_t hatype;
    uint8_t pkttype;
    uint8_t halen;
    uint8_t address[8];
};

static uint16_t network_order(uint16_t value)
{
    return (uint16_t)((value >> 8) | (value << 8));
}

static uint8_t frame[1600];
static uint8_t own_mac[6];

/* A bench frame for the host program: its MAC, ours, 0x88b5, "NONOSBENCH", kind. */
static void frame_bench(uint8_t kind, uint64_t length)
{
    bytes_set(frame, 0, length);
    bytes_copy(frame, host_mac, 6);
    bytes_copy(frame + 6, own_mac, 6);
    frame[12] = ETHERTYPE_BENCH >> 8;
    frame[13] = ETHERTYPE_BENCH & 0xff;
    bytes_copy(frame + 14, "NONOSBENCH", 10);
    frame[24] = kind;
}

static uint64_t median(uint64_t *values, unsigned count)
{
    for (unsigned i = 1; i < count; i++)
        for (unsigned j = i; j > 0 && values[j - 1] > values[j]; j--) {
            uint64_t swap = values[j];
            values[j] = values[j - 1];
            values[j - 1] = swap;
        }
    return values[count / 2];
}

static void report(const char *metric, uint64_t frame_bytes, uint64_t *per_frame, const char *detail)
{
    uint64_t best = UINT64_MAX, worst = 0;
    for (unsigned i = 0; i < ROUNDS; i++) {
        best = per_frame[i] < best ? per_frame[i] : best;
        worst = per_frame[i] > worst ? per_frame[i] : worst;
    }
    BENCH_PRINT_LITERAL("bench-net linux: ");
    bench_print_text(metric);
    bench_print_number(frame_bytes);
    BENCH_PRINT_LITERAL(" ");
    bench_print_number(median(per_frame, ROUNDS));
    BENCH_PRINT_LITERAL(" instructions per frame (median of ");
    bench_print_number(ROUNDS);
    BENCH_PRINT_LITERAL(" rounds of ");
    bench_print_number(FRAMES);
    BENCH_PRINT_LITERAL(" frames, best ");
    bench_print_number(best);
    BENCH_PRINT_LITERAL(", worst ");
    bench_print_number(worst);
    BENCH_PRINT_LITERAL("; ");
    bench_print_text(detail);
    BENCH_PRINT_LITERAL(")\n");
}

/* One round: FRAMES sends of length bytes to address; a full queue
 * (EAGAIN/ENOBUFS) is retried at once, so the CPU never idles. Returns
 * instructions per frame, 0 on error. */
static uint64_t send_retries; /* calls refused with a full queue, measured rounds */

static uint64_t send_round(long fd, const void *data, uint64_t length, const void *address,
                           uint64_t address_length)
{
    uint64_t start = bench_tsc();
    for (uint64_t sent = 0; sent < FRAMES;) {
        long status = linux_syscall6(LINUX_SENDTO, fd, (long)data, (long)length, MSG_DONTWAIT,
                                     (long)address, (long)address_length);
        if (status == (long)length)
            sent++;
        else if (status == -EAGAIN || status == -ENOBUFS)
            send_retries++;
        else
            return fail("sendto", status), 0;
    }
    return (bench_tsc() - start) / FRAMES;
}

static void measure_send(const char *metric, uint64_t frame_bytes, long fd, const void *data,
                         uint64_t length, const void *address, uint64_t address_length,
                         const char *detail)
{
    uint64_t per_frame[ROUNDS];
    if (send_round(fd, data, length, address, address_length) == 0) /* warm-up */
        return;
    send_retries = 0;
    for (unsigned i = 0; i < ROUNDS; i++)
        if ((per_frame[i] = send_round(fd, data, length, address, address_length)) == 0)
            return;
    report(metric, frame_bytes, per_frame, detail);
    BENCH_PRINT_LITERAL("bench-net linux: ");
    bench_print_text(metric);
    bench_print_number(frame_bytes);
    BENCH_PRINT_LITERAL(" sendto calls refused with a full queue (retried, counted): ");
    bench_print_number(send_retries / ROUNDS);
    BENCH_PRINT_LITERAL(" per round\n");
    pause_guest(50000000); /* let the device drain before the next figure */
}

static void measure_udp(uint64_t frame_bytes)
{
    struct { uint16_t family; uint16_t port; uint8_t address[4]; uint8_t zero[8]; } peer = {
        .family = AF_INET, .port = network_order(9), .address = {169, 254, 0, 2}};
    long fd = linux_syscall3(LINUX_SOCKET, AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return fail("socket(AF_INET, SOCK_DGRAM)", fd);
    static uint8_t payload[1500];
    measure_send("udp_tx", frame_bytes, fd, payload, frame_bytes - 14 - 20 - 8, &peer, sizeof peer,
                 "sendto of a UDP datagram on a connectionless socket, loop time / frames");
    linux_syscall3(LINUX_CLOSE, fd, 0, 0);
}

static void measure_packet_send(long fd, long index, uint64_t frame_bytes)
{
    struct link_address to = {.family = AF_PACKET, .protocol = network_order(ETHERTYPE_BENCH),
                               .index = (int32_t)index, .halen = 6};
    bytes_copy(to.address, host_mac, 6);
    frame_bench(KIND_SINK, frame_bytes);
    measure_send("packet_tx", frame_bytes, fd, frame, frame_bytes, &to, sizeof to,
                 "sendto of a whole frame on an AF_PACKET SOCK_RAW socket, loop time / frames");
}

/* Cost of a receive poll that finds nothing, instructions (best of 5). */
static uint64_t empty_poll_cost(long fd)
{
    static uint8_t buffer[2048];
    uint64_t best = UINT64_MAX;
    for (unsigned round = 0; round < 5; round++) {
        uint64_t start = bench_tsc();
        for (unsigned i = 0; i < 200; i++)
            linux_syscall6(LINUX_RECVFROM, fd, (long)buffer, sizeof buffer, MSG_DONTWAIT, 0, 0);
        uint64_t each = (bench_tsc() - start) / 200;
        best = each < best ? each : best;
    }
    return best;
}

/* One receive round: asks the host for FRAMES frames of frame_bytes and
 * polls until its end marker; from the first data frame to the last, the
 * TSC minus the empty polls, per frame after the first. 0 on error. */
static uint64_t receive_round(long fd, long index, uint64_t frame_bytes, uint64_t poll_cost)
{
    static uint8_t buffer[2048];
    struct link_address to = {.family = AF_PACKET, .protocol = network_order(ETHERTYPE_BENCH),
                              .index = (int32_t)index, .halen = 6};
    bytes_copy(to.address, host_mac, 6);
    while (linux_syscall6(LINUX_RECVFROM, fd, (long)buffer, sizeof buffer, MSG_DONTWAIT, 0, 0) > 0)
        ;
    frame_bench(KIND_REQUEST, 64);
    uint32_t count = FRAMES, size = (uint32_t)frame_bytes;
    bytes_copy(frame + 25, &count, 4);
    bytes_copy(frame + 29, &size, 4);
    long status = linux_syscall6(LINUX_SENDTO, fd, (long)frame, 64, 0, (long)&to, sizeof to);
    if (status != 64)
        return fail("sendto (receive request)", status), 0;
    uint64_t begin = bench_tsc(), first = 0, last = 0, received = 0, empty = 0;
    while (bench_tsc() - begin < RX_BUDGET) {
        long length = linux_syscall6(LINUX_RECVFROM, fd, (long)buffer, sizeof buffer, MSG_DONTWAIT, 0, 0);
        uint64_t now = bench_tsc();
        if (length == -EAGAIN) {
            empty += received > 0;
            continue;
        }
        if (length < 0)
            return fail("recvfrom (receive)", length), 0;
        if (length >= 25 && buffer[24] == KIND_END && received > 0)
            break;
        if (buffer[24] != KIND_DATA || (uint64_t)length != frame_bytes)
            continue;
        if (received++ == 0)
            first = now;
        last = now;
    }
    if (received < FRAMES / 2) {
        BENCH_PRINT_LITERAL("bench-net linux: frames received ");
        bench_print_number(received);
        BENCH_PRINT_LITERAL("\n");
        fail("receive: fewer than half the frames arrived", 0);
        return 0;
    }
    uint64_t polls = empty * poll_cost, span = last - first;
    return span > polls ? (span - polls) / (received - 1) : 0;
}

static void measure_packet_receive(long fd, long index, uint64_t frame_bytes)
{
    static uint8_t buffer[2048];
    while (linux_syscall6(LINUX_RECVFROM, fd, (long)buffer, sizeof buffer, MSG_DONTWAIT, 0, 0) > 0)
        ; /* the copies of this socket's own sent frames */
    uint64_t per_frame[ROUNDS], cost = empty_poll_cost(fd);
    for (unsigned i = 0; i < ROUNDS; i++) {
        if ((per_frame[i] = receive_round(fd, index, frame_bytes, cost)) == 0)
            return;
        pause_guest(50000000);
    }
    BENCH_PRINT_LITERAL("bench-net linux: empty receive poll ");
    bench_print_number(cost);
    BENCH_PRINT_LITERAL(" instructions (subtracted)\n");
    report("packet_rx", frame_bytes, per_frame,
           "interrupt, NAPI, packet socket and recvfrom, first to last frame minus empty polls");
}

static void measure(long index)
{
    long fd = linux_syscall3(LINUX_SOCKET, AF_PACKET, SOCK_RAW, network_order(ETHERTYPE_BENCH));
    if (fd < 0)
        return fail("socket(AF_PACKET, SOCK_RAW)", fd);
    struct link_address own = {.family = AF_PACKET, .protocol = network_order(ETHERTYPE_BENCH),
                               .index = (int32_t)index};
    long status = linux_syscall3(LINUX_BIND, fd, (long)&own, sizeof own);
    if (status < 0)
        return fail("bind(AF_PACKET)", status);
    struct interface_request ifr;
    bytes_set(&ifr, 0, sizeof ifr);
    if ((status = interface_ioctl(fd, 0x8927 /* SIOCGIFHWADDR */, &ifr)) < 0)
        return fail("SIOCGIFHWADDR eth0", status);
    bytes_copy(own_mac, ifr.u.pad + 2, 6);
    static const uint64_t sizes[2] = {64, 1514};
    for (unsigned i = 0; i < 2; i++) {
        measure_udp(sizes[i]);
        measure_packet_send(fd, index, sizes[i]);
        measure_packet_receive(fd, index, sizes[i]);
    }
}

/* The NIC's IOMMU domain type from sysfs (the PCI function is the
 * parent of the virtio device eth0 sits on) ("DMA" or "DMA-FQ": translated;
 * "identity": the IOMMU passes its DMA through), so the report says
 * whether Linux's DMA mappings went through intel-iommu. */
static void print_iommu(void)
{
    static const char path[] = "/sys/class/net/eth0/device/../iommu_group/type";
    char text[64];
    linux_syscall3(LINUX_MKDIR, (long)"/sys", 0555, 0);
    linux_syscall6(LINUX_MOUNT, (long)"sysfs", (long)"/sys", (long)"sysfs", 0, 0, 0);
    long fd = linux_syscall3(LINUX_OPEN, (long)path, 0, 0);
    long length = fd < 0 ? -1 : linux_syscall3(LINUX_READ, fd, (long)text, sizeof text);
    if (fd >= 0)
        linux_syscall3(LINUX_CLOSE, fd, 0, 0);
    BENCH_PRINT_LITERAL("bench-net linux: eth0 iommu domain: ");
    if (length > 0)
        bench_print(text, (uint64_t)length); /* ends with its newline */
    else
        BENCH_PRINT_LITERAL("none (no IOMMU group)\n");
}

int main(void);
int main(void)
{
    BENCH_PRINT_LITERAL("bench-net linux: start\n");
    if (modules_load() == 0) {
        long fd = linux_syscall3(LINUX_SOCKET, AF_INET, SOCK_DGRAM, 0);
        long index = fd < 0 ? fd : interface_setup(fd);
        if (fd < 0)
            fail("socket for the ioctls", fd);
        else if (index > 0) {
            print_iommu();
            measure(index);
        }
    }
    BENCH_PRINT_LITERAL("bench-net linux: done\n");
    power_off();
}

/* As in tests/bench/ipc/linux_init.c: rsp % 16 == 8 at main's entry. */
__attribute__((naked, noreturn, used)) void _start(void);
__attribute__((naked, noreturn, used)) void _start(void)
{
    __asm__ volatile("xor %%ebp, %%ebp\n\t"
                     "and $-16, %%rsp\n\t"
                     "call main\n\t"
                     "ud2" ::: "memory");
}
