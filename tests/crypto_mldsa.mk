# Tests of the lib/crypto post-quantum area (suite 23-crypto-mldsa): SHAKE and
# ML-DSA-65 vectors, Wycheproof, CCTV accumulated, the differential tests
# (node crypto for SHAKE, @noble/post-quantum), the valgrind constant-time program,
# the stack measurement, the decoding fuzzer and the benchmark against PQClean.
PQ_TEST_SRCS := $(PQ_SRCS) lib/crypto/crypto.c $(BASE_SRCS)

$(BUILD)/host-san/tests/crypto/mldsa_test: $(BUILD)/host-san/tests/crypto/mldsa_test.o \
		$(call objs,host-san,$(PQ_TEST_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@

$(BUILD)/host/tests/crypto/mldsa_test: $(BUILD)/host/tests/crypto/mldsa_test.o \
		$(call objs,host,$(PQ_TEST_SRCS))
	$(CC) -pie $^ -o $@

# The same program with a 4-candidate SampleInBall window, so that signing's
# constant-time SampleInBall takes its (otherwise 2^-170) fallback path.
$(BUILD)/host-san-ball/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_SAN_CFLAGS) -DMLDSA_BALL_WINDOW=4 -MMD -MP -c $< -o $@

$(BUILD)/host-san/tests/crypto/mldsa_test_small_window: $(BUILD)/host-san/tests/crypto/mldsa_test.o \
		$(BUILD)/host-san-ball/lib/crypto/mldsa65_poly.o \
		$(call objs,host-san,$(filter-out lib/crypto/mldsa65_poly.c,$(PQ_TEST_SRCS)))
	$(CC) -fsanitize=address,undefined $^ -o $@

.PHONY: print-pq-srcs mldsa-tests
print-pq-srcs:
	@echo $(PQ_SRCS)

mldsa-tests: $(BUILD)/host-san/tests/crypto/mldsa_test $(BUILD)/host/tests/crypto/mldsa_test \
             $(BUILD)/host-san/tests/crypto/mldsa_test_small_window

# libFuzzer: ML-DSA-65 signature and public-key decoding (tests/fuzz/fuzz_mldsa65.c).
# `make fuzz-mldsa65` runs it for FUZZ_SECONDS (default 60) on a working corpus
# under build/fuzz/corpus/mldsa65, seeded with tests/corpus/mldsa65.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS += fuzz-mldsa65
build/fuzz/tests/fuzz/fuzz_mldsa65: build/fuzz/tests/fuzz/fuzz_mldsa65.o \
		$(call objs,fuzz,$(PQ_SRCS) lib/crypto/crypto.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-mldsa65 fuzz-mldsa65-build
fuzz-mldsa65-build: build/fuzz/tests/fuzz/fuzz_mldsa65

fuzz-mldsa65: fuzz-mldsa65-build
	@mkdir -p build/fuzz/corpus/mldsa65
	@cp -n tests/corpus/mldsa65/* build/fuzz/corpus/mldsa65/ 2>/dev/null || true
	build/fuzz/tests/fuzz/fuzz_mldsa65 -max_total_time=$(FUZZ_SECONDS) -max_len=6000 \
		build/fuzz/corpus/mldsa65

# Constant-time program (suite 23): like build/host-ct (Makefile), with
# MLDSA_CT_TEST defined so that the library declares its FIPS 204 public
# values public for valgrind.
$(BUILD)/host-ct-mldsa/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CT_CFLAGS) -DMLDSA_CT_TEST -MMD -MP -c $< -o $@

$(BUILD)/host-ct-mldsa/tests/crypto/mldsa_ct: $(BUILD)/host-ct-mldsa/tests/crypto/mldsa_ct.o \
		$(call objs,host-ct-mldsa,$(PQ_SRCS) lib/crypto/crypto.c)
	$(CC) -pie $^ -o $@

# The kernel's code generation on the host (KERNEL_CFLAGS without the
# kernel's target, code model and freestanding ABI, which a Linux program
# cannot link): no SSE, no red zone, -fno-builtin, no stack protector, and
# lib/base/mem.c's memcpy/memset. For the stack and instruction-count figures.
KERNEL_CODEGEN_CFLAGS := $(COMMON_CFLAGS) -O2 -ffreestanding -fno-builtin -mno-red-zone \
                         -mgeneral-regs-only -fno-omit-frame-pointer -fno-stack-protector \
                         -DNONOS_FREESTANDING -fPIE -gdwarf-4

$(BUILD)/host-kernel-codegen/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CODEGEN_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/host/tests/crypto/mldsa_measure: $(BUILD)/host/tests/crypto/mldsa_measure.o \
		$(call objs,host-kernel-codegen,$(PQ_SRCS) lib/crypto/crypto.c $(BASE_FREESTANDING_SRCS))
	$(CC) -pie $^ -lpthread -o $@

# UEFI: the Windows target probes every stack frame over 4 KiB through
# __chkstk, which the loader does not have. ML-DSA's frames are larger
# (verification about 12 KiB in all, signing about 72 KiB), and UEFI's boot
# stack has no guard pages for probes to touch, so these objects go without.
$(call objs,efi,$(PQ_SRCS)): EFI_CFLAGS += -mno-stack-arg-probe

# bench-pq: ML-DSA-65 against PQClean's portable ml-dsa-65 ("clean"), from
# the npm package pqclean (PQCLEAN_NPM_VERSION), fetched with `npm pack` into
# build/pqclean at bench time, never committed. PQClean is built with the
# flags of its own Makefile (PQCLEAN_CFLAGS); ours with build/host's.
# Then the instruction count of one verification with the kernel's code
# generation (callgrind) and the stack figures.
PQCLEAN_NPM_VERSION := 0.8.1
PQCLEAN_DIR := $(BUILD)/pqclean/package/deps/PQClean
PQCLEAN_MLDSA_DIR := $(PQCLEAN_DIR)/crypto_sign/ml-dsa-65/clean
PQCLEAN_CFLAGS := -O3 -std=c99 -Wall -Wextra -Wpedantic -I$(CURDIR)/$(PQCLEAN_DIR)/common
PQCLEAN_MLDSA_SRCS := ntt.c packing.c poly.c polyvec.c reduce.c rounding.c sign.c symmetric-shake.c
BENCH_TARGETS += bench-pq

$(PQCLEAN_MLDSA_DIR)/sign.c:
	@mkdir -p $(BUILD)/pqclean
	cd $(BUILD)/pqclean && npm pack --silent pqclean@$(PQCLEAN_NPM_VERSION) >/dev/null && \
		tar xzf pqclean-$(PQCLEAN_NPM_VERSION).tgz
	@test -f $@ || { echo "pqclean $(PQCLEAN_NPM_VERSION) has no ml-dsa-65/clean sources"; exit 1; }

$(BUILD)/pqclean/libmldsa65_clean.a: $(PQCLEAN_MLDSA_DIR)/sign.c
	cd $(PQCLEAN_MLDSA_DIR) && for f in $(PQCLEAN_MLDSA_SRCS); do \
		$(CC) $(PQCLEAN_CFLAGS) -c $$f -o $$f.o || exit 1; done
	$(CC) $(PQCLEAN_CFLAGS) -c $(PQCLEAN_DIR)/common/fips202.c -o $(BUILD)/pqclean/fips202.o
	$(CC) $(PQCLEAN_CFLAGS) -c $(PQCLEAN_DIR)/common/randombytes.c -o $(BUILD)/pqclean/randombytes.o
	@# One object whose only global symbols are PQClean's API (its fips202.c
	@# also defines shake128/shake256).
	$(LD) -r -o $(BUILD)/pqclean/mldsa65_clean.o $(PQCLEAN_MLDSA_DIR)/*.c.o \
		$(BUILD)/pqclean/fips202.o $(BUILD)/pqclean/randombytes.o
	$(OBJCOPY) -w --keep-global-symbol='PQCLEAN_MLDSA65_CLEAN_*' $(BUILD)/pqclean/mldsa65_clean.o
	rm -f $@ && ar rcs $@ $(BUILD)/pqclean/mldsa65_clean.o

$(BUILD)/host/tests/crypto/mldsa_bench: $(BUILD)/host/tests/crypto/mldsa_bench.o \
		$(call objs,host,$(PQ_SRCS) lib/crypto/crypto.c) $(BUILD)/pqclean/libmldsa65_clean.a
	$(CC) -pie $^ -o $@

.PHONY: bench-pq
bench-pq: $(BUILD)/host/tests/crypto/mldsa_bench $(BUILD)/host/tests/crypto/mldsa_measure
	@echo "make bench-pq: ours $(CC) $(HOST_CFLAGS)"
	@echo "               PQClean $(PQCLEAN_NPM_VERSION) ml-dsa-65/clean: $(CC) $(PQCLEAN_CFLAGS)"
	@$(BUILD)/host/tests/crypto/mldsa_bench
	@for f in mldsa65_verify mldsa65_verify_prepared mldsa65_prepare_key; do \
		valgrind --tool=callgrind --callgrind-out-file=$(BUILD)/pqclean/$$f.callgrind \
		--toggle-collect=$$f $(BUILD)/host/tests/crypto/mldsa_measure verify-once 2>&1 | \
		sed -n "s/.*Collected : \([0-9]*\)/instructions of one $$f, kernel code generation (callgrind): \1/p"; \
	done
	@# The same with the AVX2 path (the kernel's on an AVX2 CPU): the four-way
	@# Keccak of ExpandA and the polynomial arithmetic (mldsa65_poly_avx2.c).
	@for f in mldsa65_verify mldsa65_prepare_key mldsa65_verify_prepared; do \
		MLDSA_SIMD=avx2 valgrind --tool=callgrind --callgrind-out-file=$(BUILD)/pqclean/$$f-avx2.callgrind \
		--toggle-collect=$$f $(BUILD)/host/tests/crypto/mldsa_measure verify-once 2>&1 | \
		sed -n "s/.*Collected : \([0-9]*\)/instructions of one $$f with AVX2 (MLDSA_SIMD=avx2), kernel code generation (callgrind): \1/p"; \
	done
	@$(BUILD)/host/tests/crypto/mldsa_measure stack | sed 's/^/stack bytes, kernel code generation: /'
