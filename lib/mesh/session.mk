# lib/mesh: node identity, the Noise protocol (XX and the other patterns the
# engine can run) and sessions over datagrams. Portable and freestanding:
# randomness and time are passed in. Tests: tests/mesh_session.mk, suite
# 27-mesh-noise. (The DHT of lib/mesh has its own fragment and variables.)
MESH_SESSION_SRCS := lib/mesh/result.c lib/mesh/identity.c lib/mesh/noise.c \
                     lib/mesh/packet.c lib/mesh/replay.c lib/mesh/session.c
# Everything lib/mesh links from the crypto core (lib/crypto/*.mk come first).
MESH_SESSION_CRYPTO_SRCS := $(CRYPTO_SRCS)
