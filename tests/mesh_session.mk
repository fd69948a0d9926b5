# Tests of lib/mesh's identity, Noise and sessions (suite 27-mesh-noise):
# Noise vectors and error table, sessions over a lossy in-memory channel,
# identity, the corpora; the libFuzzer targets of the handshake and packet
# decoders; the valgrind constant-time program; bench-mesh.
MESH_SESSION_TEST_SRCS := $(MESH_SESSION_SRCS) $(MESH_SESSION_CRYPTO_SRCS) $(BASE_SRCS)

define mesh_session_test
$(BUILD)/host-san/tests/mesh/$(1): $(BUILD)/host-san/tests/mesh/$(1).o \
		$(call objs,host-san,$(MESH_SESSION_TEST_SRCS))
	$$(CC) -fsanitize=address,undefined $$^ -o $$@
endef
$(foreach t,noise_test session_test corpus_check,$(eval $(call mesh_session_test,$(t))))

.PHONY: mesh-session-tests
mesh-session-tests: $(BUILD)/host-san/tests/mesh/noise_test $(BUILD)/host-san/tests/mesh/session_test \
                    $(BUILD)/host-san/tests/mesh/corpus_check

# libFuzzer: the datagram decoder (with the session checks behind it) and the
# Noise_XX handshake reader. `make fuzz-mesh-packet` / `make fuzz-mesh-handshake`
# run for FUZZ_SECONDS on a working corpus under build/fuzz/corpus, seeded
# with the committed one (tests/corpus/mesh-*, expected results in expected).
FUZZ_TARGETS += fuzz-mesh-packet fuzz-mesh-handshake
$(BUILD)/fuzz/tests/fuzz/fuzz_mesh_packet $(BUILD)/fuzz/tests/fuzz/fuzz_mesh_handshake: \
		$(BUILD)/fuzz/tests/fuzz/%: $(BUILD)/fuzz/tests/fuzz/%.o \
		$(call objs,fuzz,$(MESH_SESSION_SRCS) $(MESH_SESSION_CRYPTO_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-mesh-packet fuzz-mesh-handshake
fuzz-mesh-packet: $(BUILD)/fuzz/tests/fuzz/fuzz_mesh_packet
	@mkdir -p build/fuzz/corpus/mesh-packet
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=2048 build/fuzz/corpus/mesh-packet \
		tests/corpus/mesh-packet

fuzz-mesh-handshake: $(BUILD)/fuzz/tests/fuzz/fuzz_mesh_handshake
	@mkdir -p build/fuzz/corpus/mesh-handshake
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=1024 build/fuzz/corpus/mesh-handshake \
		tests/corpus/mesh-handshake

# Constant-time program (suite 27): build/host-ct objects, as suite 25's.
$(BUILD)/host-ct/tests/mesh/noise_ct: $(call objs,host-ct,tests/mesh/noise_ct.c $(MESH_SESSION_SRCS) $(MESH_SESSION_CRYPTO_SRCS))
	$(CC) -pie -Wl,-z,now $^ -o $@

mesh-session-tests: $(BUILD)/host-ct/tests/mesh/noise_ct

# bench-mesh: tests/bench/mesh.sh runs every mesh benchmark (Noise against
# libsodium here). Other areas add a section to the script and their
# programs as prerequisites (`bench-mesh: PROGRAM` in their own fragment).
BENCH_TARGETS += bench-mesh
$(BUILD)/host/tests/bench/mesh_bench: $(BUILD)/host/tests/bench/mesh_bench.o \
		$(call objs,host,$(MESH_SESSION_SRCS) $(MESH_SESSION_CRYPTO_SRCS))
	$(CC) -pie $^ -lsodium -o $@

.PHONY: bench-mesh
bench-mesh: $(BUILD)/host/tests/bench/mesh_bench
	@sh tests/bench/mesh.sh
