# Tests of lib/mesh (suite 27-mesh-noise): Noise vectors and error table,
# sessions over a lossy in-memory channel, identity; the libFuzzer targets of
# the handshake and packet decoders; bench-mesh.
MESH_TEST_SRCS := $(MESH_SRCS) $(MESH_CRYPTO_SRCS) $(BASE_SRCS)

$(BUILD)/host-san/tests/mesh/%: $(BUILD)/host-san/tests/mesh/%.o \
		$(call objs,host-san,$(MESH_TEST_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@

.PHONY: mesh-tests
mesh-tests: $(BUILD)/host-san/tests/mesh/noise_test $(BUILD)/host-san/tests/mesh/session_test
