# make bench-ipc-kernel: instructions per kernel-level IPC call+reply round
# trip between two address spaces, from the test kernel under QEMU -icount
# (tests/qemu/bench-ipc-kernel.sh; docs/ipc.md).
BENCH_TARGETS += bench-ipc-kernel
.PHONY: bench-ipc-kernel
bench-ipc-kernel: $(KERNEL_TEST_IMAGE)
	@sh tests/qemu/bench-ipc-kernel.sh
