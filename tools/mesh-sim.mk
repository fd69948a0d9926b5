# mesh-sim: the DHT simulator (tools/mesh-sim/, docs/mesh.md "Simulator").
# Built optimized (build/host) for the figures and the benchmark, and under
# ASan + UBSan (build/host-san) for the hostile-peer test.
MESH_SIM_SRCS := tools/mesh-sim/main.c tools/mesh-sim/sim.c tools/mesh-sim/scenarios.c \
                 tools/mesh-sim/hostile.c
MESH_SIM := $(BUILD)/host/tools/mesh-sim/mesh-sim
MESH_SIM_SAN := $(BUILD)/host-san/tools/mesh-sim/mesh-sim

$(MESH_SIM): $(call objs,host,$(MESH_SIM_SRCS) $(MESH_DHT_SRCS) $(MESH_DHT_CRYPTO_SRCS))
	$(CC) -pie $^ -o $@

$(MESH_SIM_SAN): $(call objs,host-san,$(MESH_SIM_SRCS) $(MESH_DHT_SRCS) $(MESH_DHT_CRYPTO_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@

.PHONY: mesh-sim
mesh-sim: $(MESH_SIM) $(MESH_SIM_SAN)

# make bench-mesh (tests/bench/mesh.sh) runs the simulator's section.
bench-mesh: $(MESH_SIM)
