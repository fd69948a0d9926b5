# nonos-node: the hosted mesh node for Linux (tools/nonos-node/, docs/mesh.md
# "Hosted node"), and nonos-hub, the loopback Ethernet segment it and QEMU
# guests share in frame mode. Built optimized (build/host: benchmarks, use)
# and under ASan + UBSan (build/host-san: suite 28 runs that one).
NODE_TOOL_SRCS := tools/nonos-node/main.c tools/nonos-node/options.c tools/nonos-node/link_udp.c \
                  tools/nonos-node/link_frame.c tools/nonos-node/control.c tools/nonos-node/control_parse.c \
                  tools/nonos-node/status.c
MESH_OVERLAY_SRCS := lib/mesh/beacon.c lib/mesh/overlay.c
NODE_LIB_SRCS = $(MESH_OVERLAY_SRCS) $(MESH_SESSION_SRCS) $(MESH_DHT_SRCS) $(NET_SRCS) $(CRYPTO_SRCS)
NODE_TOOL := $(BUILD)/host/tools/nonos-node/nonos-node
NODE_TOOL_SAN := $(BUILD)/host-san/tools/nonos-node/nonos-node
HUB_TOOL := $(BUILD)/host/tools/nonos-node/nonos-hub
HUB_TOOL_SAN := $(BUILD)/host-san/tools/nonos-node/nonos-hub

$(NODE_TOOL): $(call objs,host,$(NODE_TOOL_SRCS) $(NODE_LIB_SRCS))
	$(CC) -pie $^ -o $@
$(NODE_TOOL_SAN): $(call objs,host-san,$(NODE_TOOL_SRCS) $(NODE_LIB_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@
$(HUB_TOOL): $(call objs,host,tools/nonos-node/hub.c)
	$(CC) -pie $^ -o $@
$(HUB_TOOL_SAN): $(call objs,host-san,tools/nonos-node/hub.c)
	$(CC) -fsanitize=address,undefined $^ -o $@

.PHONY: nonos-node
nonos-node: $(NODE_TOOL) $(NODE_TOOL_SAN) $(HUB_TOOL) $(HUB_TOOL_SAN)
all: $(NODE_TOOL) $(HUB_TOOL)

# Tests (suite 28-mesh-node): beacons and the overlay on an in-memory network
# (ASan + UBSan); the libFuzzer target of the beacon decoder.
$(BUILD)/host-san/tests/mesh/overlay_test: $(call objs,host-san,tests/mesh/overlay_test.c tests/mesh/overlay_fixture.c $(MESH_OVERLAY_SRCS) $(MESH_SESSION_SRCS) $(MESH_DHT_SRCS) $(CRYPTO_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@
nonos-node: $(BUILD)/host-san/tests/mesh/overlay_test

# The whole receive path (tests/mesh/overlay_script.c on the same network):
# the corpus of hostile datagram sequences tests/corpus/mesh-overlay, each
# with the exact refusal of its last datagram (overlay_corpus --check,
# suite 28), and the libFuzzer target it seeds.
OVERLAY_SCRIPT_SRCS := tests/mesh/overlay_script.c tests/mesh/overlay_fixture.c $(MESH_OVERLAY_SRCS) \
                       $(MESH_SESSION_SRCS) $(MESH_DHT_SRCS)
$(BUILD)/host-san/tests/mesh/overlay_corpus: $(call objs,host-san,tests/mesh/overlay_corpus.c \
		tests/host/expected_corpus.c $(OVERLAY_SCRIPT_SRCS) $(CRYPTO_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@
nonos-node: $(BUILD)/host-san/tests/mesh/overlay_corpus

FUZZ_TARGETS += fuzz-mesh-overlay
$(BUILD)/fuzz/tests/fuzz/fuzz_mesh_overlay: $(call objs,fuzz,tests/fuzz/fuzz_mesh_overlay.c $(OVERLAY_SCRIPT_SRCS) \
		$(CRYPTO_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-mesh-overlay
fuzz-mesh-overlay: $(BUILD)/fuzz/tests/fuzz/fuzz_mesh_overlay
	@mkdir -p build/fuzz/corpus/mesh-overlay
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 build/fuzz/corpus/mesh-overlay \
		tests/corpus/mesh-overlay

FUZZ_TARGETS += fuzz-mesh-beacon
$(BUILD)/fuzz/tests/fuzz/fuzz_mesh_beacon: $(call objs,fuzz,tests/fuzz/fuzz_mesh_beacon.c lib/mesh/beacon.c $(MESH_SESSION_SRCS) $(MESH_DHT_SRCS) $(CRYPTO_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-mesh-beacon
fuzz-mesh-beacon: $(BUILD)/fuzz/tests/fuzz/fuzz_mesh_beacon
	@mkdir -p build/fuzz/corpus/mesh-beacon
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=512 build/fuzz/corpus/mesh-beacon \
		tests/corpus/mesh-beacon

# bench-mesh: session throughput between two processes on loopback against
# plain UDP with the same datagram size (tests/bench/mesh_throughput.c).
$(BUILD)/host/tests/bench/mesh_throughput: $(call objs,host,tests/bench/mesh_throughput.c tests/host/random_linux.c $(MESH_SESSION_SRCS) $(CRYPTO_SRCS))
	$(CC) -pie $^ -lpthread -o $@
bench-mesh: $(BUILD)/host/tests/bench/mesh_throughput

# The control socket's line parser (tools/nonos-node/control_parse.c): its
# host tests and the checker of its corpus of bad lines,
# tests/corpus/node-control (suite 28-mesh-node); and its libFuzzer target.
$(BUILD)/host-san/tests/mesh/control_parse_test: $(call objs,host-san,tests/mesh/control_parse_test.c \
		tools/nonos-node/control_parse.c)
	$(CC) -fsanitize=address,undefined $^ -o $@
nonos-node: $(BUILD)/host-san/tests/mesh/control_parse_test

$(BUILD)/fuzz/tests/fuzz/fuzz_node_control: $(call objs,fuzz,tests/fuzz/fuzz_node_control.c \
		tools/nonos-node/control_parse.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-node-control
fuzz-node-control: $(BUILD)/fuzz/tests/fuzz/fuzz_node_control
	@mkdir -p $(BUILD)/fuzz/corpus/node-control
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=1024 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus/node-control tests/corpus/node-control
