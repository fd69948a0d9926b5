# Benchmarks: `make bench` runs every target in BENCH_TARGETS; each prints
# its figures and is never part of `make test`. Host benchmarks are built in
# build/host (-O2, hardened) and compare against the best library for the job
# in the same run.

# bench-crypto: lib/crypto against libsodium (tests/bench/crypto_bench.c).
BENCH_TARGETS += bench-crypto
build/host/tests/bench/crypto_bench: build/host/tests/bench/crypto_bench.o \
		$(call objs,host,$(CRYPTO_SRCS))
	$(CC) $^ -lsodium -o $@

.PHONY: bench-crypto
bench-crypto: build/host/tests/bench/crypto_bench
	@$<

# bench-ipc: instructions per null system call and per IPC call + reply
# between two capsules, against Debian 12's Linux (raw getppid, 1-byte pipe
# round trip) booted in the same run under the same QEMU -icount flags, plus
# kernel entry -> prompt and the kernel's size (tests/qemu/bench-ipc.sh,
# docs/benchmarks.md). The Linux test program is a static, libc-free x86_64
# Linux executable; the NØNOS capsules (tests/bench/ipc/server, client) are
# built by the script with nonos-capsule, and their image here.
BENCH_IPC_DIR := $(BUILD)/bench-ipc
BENCH_IPC_INIT_CFLAGS := --target=x86_64-linux-gnu $(WARNINGS) -O2 -ffreestanding -fno-builtin \
	-nostdlib -static -fno-pic -fno-pie -fno-stack-protector -mgeneral-regs-only \
	-fuse-ld=lld -Wl,--build-id=none

$(BENCH_IPC_DIR)/init: tests/bench/ipc/linux_init.c tests/bench/ipc/bench_measure.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_IPC_INIT_CFLAGS) $< -o $@

$(eval $(call boot_image,bench-ipc,$(BOOT_KERNEL_ELF),$(BENCH_IPC_DIR)/bundle.bin,$(BENCH_IPC_DIR)/bench-ipc.img))

BENCH_TARGETS += bench-ipc
.PHONY: bench-ipc
bench-ipc: $(BENCH_IPC_DIR)/init $(IMAGE) $(CAPSULE_TOOL) $(BUNDLE_FILE)
	@BENCH_IPC_SYSTEM_PROJECTS="$(dir $(USER_STAGED))" sh tests/qemu/bench-ipc.sh

# bench-net: instructions per Ethernet frame sent and received by a client
# capsule through the virtio-net driver capsule (tests/qemu/bench-net.sh,
# docs/drivers.md "Benchmark"), against Debian 12's Linux 6.1 with the same
# NIC in the same run (UDP and AF_PACKET sendto, AF_PACKET receive: the
# static, libc-free tests/bench/net/linux_init.c, built as bench-ipc's);
# the bench client tests/bench/net/client is built by the script with
# nonos-capsule, the image here.
BENCH_NET_DIR := $(BUILD)/bench-net
$(BENCH_NET_DIR)/init: tests/bench/net/linux_init.c tests/bench/ipc/bench_measure.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_IPC_INIT_CFLAGS) $< -o $@

$(eval $(call boot_image,bench-net,$(BOOT_KERNEL_ELF),$(BENCH_NET_DIR)/bundle.bin,$(BENCH_NET_DIR)/bench-net.img))

BENCH_TARGETS += bench-net
.PHONY: bench-net
bench-net: $(BENCH_NET_DIR)/init $(IMAGE) $(CAPSULE_TOOL) $(BUNDLE_FILE)
	@BENCH_NET_SYSTEM_PROJECTS="$(dir $(USER_STAGED))" sh tests/qemu/bench-net.sh

# bench-idle: CPU the kernel charges to the net, mesh and virtio-net
# capsules of the booted product image while nothing happens
# (tests/qemu/bench-idle.sh, docs/net.md "Waiting for events"): once in
# plain TCG (microseconds per guest second) and once under -icount
# shift=0,sleep=off (instructions per guest second).
BENCH_TARGETS += bench-idle
.PHONY: bench-idle
bench-idle: $(IMAGE)
	@sh tests/qemu/bench-idle.sh $(IMAGE)
	@BENCH_IDLE_ICOUNT=1 sh tests/qemu/bench-idle.sh $(IMAGE)
