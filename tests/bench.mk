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
