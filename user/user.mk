# user/: the system capsules (init, names, shell, the drivers
# drivers/virtio-rng and drivers/virtio-net) and user/lib, the
# freestanding helpers they share. Each capsule is built and signed with
# nonos-capsule exactly as an author would (docs/capsules.md): make stages a
# project directory per capsule, build/user/NAME/ with its capsule.toml and
# a flat src/ holding the capsule's own files, the user/lib files it uses
# (USER_LIB_NAME), and the portable
# code they reuse from the tree (kernel/lib/format.c: ksnprintf; lib/base:
# bytes.h, checked.h, mem.c), each header where the sources' #include
# finds it relative to src/. tools/capsule/system-bundle.sh then builds and
# signs every staged project and puts the capsules into the boot bundle.
#
# Sources include user/lib headers by bare name ("text.h") and the SDK as
# "nonos/NAME.h": USER_INCLUDES says where those are for builds in the tree
# (host unit tests, static analysis).
USER_CAPSULES := init names shell drivers/virtio-rng drivers/virtio-net net mesh
USER_LIB_SRCS := user/lib/text.c user/lib/line_editor.c user/lib/capsule_list.c user/lib/console.c \
                 user/lib/virtio.c user/lib/virtio_pci.c user/lib/virtqueue.c user/lib/datagram_wire.c \
                 user/lib/netif_client.c user/lib/service.c user/lib/netif_wire.c user/lib/net_reply.c
# What each capsule links of user/lib: only what it uses, since every byte
# of a payload is hashed at every boot (docs/userland.md, boot cost).
USER_LIB_init := user/lib/text.c user/lib/capsule_list.c user/lib/console.c
USER_LIB_names := user/lib/text.c user/lib/capsule_list.c user/lib/console.c
USER_LIB_shell := user/lib/text.c user/lib/line_editor.c user/lib/console.c user/lib/net_reply.c
USER_LIB_drivers/virtio-rng := user/lib/text.c user/lib/console.c user/lib/virtio.c user/lib/virtio_pci.c user/lib/virtqueue.c
USER_LIB_drivers/virtio-net := user/lib/text.c user/lib/console.c user/lib/virtio.c user/lib/virtio_pci.c user/lib/virtqueue.c \
                               user/lib/netif_wire.c
USER_LIB_net := user/lib/text.c user/lib/console.c user/lib/datagram_wire.c \
                user/lib/netif_client.c user/lib/service.c
USER_LIB_mesh := user/lib/text.c user/lib/console.c user/lib/service.c user/lib/net_reply.c
USER_INCLUDES := -Iuser/lib -Isdk/include
# The pure parts, unit-tested on the host (tests/user.mk).
USER_PURE_SRCS := user/lib/text.c user/lib/line_editor.c user/lib/capsule_list.c \
                  user/names/registry.c user/init/plan.c user/init/restart.c \
                  user/shell/parse.c user/shell/tables.c user/shell/stack_reply.c user/lib/virtqueue.c user/lib/datagram_wire.c \
                  user/mesh/command.c user/lib/net_reply.c user/net/request.c \
                  user/net/wake_request.c user/lib/virtio_pci.c user/lib/netif_wire.c
# Static analysis (tests/static-analysis.sh) compiles user/ with these.
USER_ANALYSIS_CFLAGS = $(HOST_CFLAGS) $(USER_INCLUDES)

$(BUILD)/host-san/user/%.o: HOST_SAN_CFLAGS += $(USER_INCLUDES)

USER_SHARED_FILES := $(USER_LIB_SRCS) $(wildcard user/lib/*.h) kernel/lib/format.c \
                     kernel/lib/print.h lib/base/mem.c lib/base/bytes.h lib/base/checked.h \
                     lib/base/endian.h $(NET_SRCS) $(wildcard lib/net/*.h) $(wildcard sdk/include/nonos/*.h) \
                     $(wildcard lib/mesh/*.c lib/mesh/*.h lib/crypto/*.c lib/crypto/*.h)
# The network stack capsule also builds lib/net (docs/net.md): its sources
# flat in src/, its headers in src/net/, where two links let their
# "net/..." and "base/..." includes find each other.
USER_STAGE_net = mkdir -p $(@D)/src/net && cp $(NET_SRCS) $(@D)/src/ && \
                 cp $(wildcard lib/net/*.h) $(@D)/src/net/ && cp lib/base/endian.h $(@D)/src/base/ && \
                 ln -s . $(@D)/src/net/net && ln -s ../base $(@D)/src/net/base
# The mesh capsule builds lib/mesh's overlay and the crypto it uses the same
# way: sources flat in src/, headers in src/mesh/ and src/crypto/, links so
# that "mesh/...", "crypto/..." and "base/..." resolve from either.
USER_MESH_CRYPTO_SRCS := $(filter-out lib/crypto/argon2id.c lib/crypto/random.c lib/crypto/shake.c \
                                      lib/crypto/mldsa65%.c,$(CRYPTO_SRCS))
USER_MESH_SRCS = $(MESH_OVERLAY_SRCS) $(MESH_SESSION_SRCS) $(MESH_DHT_SRCS) $(USER_MESH_CRYPTO_SRCS)
USER_STAGE_mesh = mkdir -p $(@D)/src/mesh $(@D)/src/crypto && cp $(sort $(USER_MESH_SRCS)) $(@D)/src/ && \
                  cp $(wildcard lib/mesh/*.h) $(@D)/src/mesh/ && cp $(wildcard lib/crypto/*.h) $(@D)/src/crypto/ && \
                  cp lib/base/endian.h $(@D)/src/base/ && \
                  sed -i '1i \#define NONOS_CRYPTO_SCALAR 1' \
                      $(addprefix $(@D)/src/,$(notdir $(USER_MESH_CRYPTO_SRCS))) && \
                  ln -s . $(@D)/src/mesh/mesh && ln -s ../crypto $(@D)/src/mesh/crypto && ln -s ../base $(@D)/src/mesh/base && \
                  ln -s . $(@D)/src/crypto/crypto && ln -s ../base $(@D)/src/crypto/base
USER_STAGED := $(patsubst %,$(BUILD)/user/%/capsule.toml,$(USER_CAPSULES))

# build/user/NAME/: capsule.toml and src/ (rebuilt whole when any input changes).
$(BUILD)/user/%/capsule.toml: user/%/capsule.toml $(wildcard user/*/*.c user/*/*.h user/drivers/*/*.c user/drivers/*/*.h) $(USER_SHARED_FILES) user/user.mk
	@rm -rf $(@D) && mkdir -p $(@D)/src/kernel/lib $(@D)/src/base
	cp $(wildcard user/$*/*.c user/$*/*.h) $(USER_LIB_$*) $(wildcard user/lib/*.h) \
	    kernel/lib/format.c lib/base/mem.c $(@D)/src/
	cp kernel/lib/print.h $(@D)/src/kernel/lib/
	cp lib/base/bytes.h lib/base/checked.h $(@D)/src/base/
	$(USER_STAGE_$*)
	cp $< $@

.PHONY: user-capsules
user-capsules: $(BUILD)/capsules/bundle.bin

# The boot bundle's rule (tools/capsule.mk) builds and signs these projects.
$(BUILD)/capsules/bundle.bin: $(USER_STAGED)
