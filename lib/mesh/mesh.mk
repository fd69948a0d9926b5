# lib/mesh: the Kademlia DHT (dht_*.c; docs/mesh.md "DHT", "Records",
# "Defences"). Freestanding (no libc); needs BLAKE2b, SHA-512 and Ed25519
# from lib/crypto (MESH_DHT_CRYPTO_SRCS).
MESH_DHT_SRCS := lib/mesh/dht_id.c lib/mesh/dht_wire.c lib/mesh/dht_record.c \
                 lib/mesh/dht_table.c lib/mesh/dht_node.c lib/mesh/dht_lookup.c \
                 lib/mesh/dht_store.c
MESH_DHT_CRYPTO_SRCS := lib/crypto/crypto.c lib/crypto/blake2b.c lib/crypto/sha512.c \
                        lib/crypto/field25519.c lib/crypto/edwards25519.c \
                        lib/crypto/edwards25519_scalarmult.c lib/crypto/scalar25519.c \
                        lib/crypto/ed25519.c
