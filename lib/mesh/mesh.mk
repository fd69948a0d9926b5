# lib/mesh: the Kademlia DHT (dht_*.c; docs/mesh.md "DHT", "Records",
# "Defences"). Freestanding (no libc). It uses the node identity of
# lib/mesh/identity.c (MESH_DHT_IDENTITY_SRCS, from the sessions' fragment
# lib/mesh/session.mk) and the crypto core (MESH_DHT_CRYPTO_SRCS).
MESH_DHT_SRCS := lib/mesh/dht_id.c lib/mesh/dht_wire.c lib/mesh/dht_record.c \
                 lib/mesh/dht_table.c lib/mesh/dht_node.c lib/mesh/dht_lookup.c \
                 lib/mesh/dht_store.c
MESH_DHT_IDENTITY_SRCS := lib/mesh/identity.c lib/mesh/result.c
# Recursive (=): the crypto fragments append to CRYPTO_SRCS after this one is read.
MESH_DHT_CRYPTO_SRCS = $(MESH_DHT_IDENTITY_SRCS) $(CRYPTO_SRCS)
