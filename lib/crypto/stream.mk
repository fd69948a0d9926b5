# lib/crypto stream area: ChaCha20/XChaCha20, Poly1305, the two AEADs and the
# random generator. STREAM_SRCS is the area's own list; random.c also needs
# SHA-256 from the hash area.
STREAM_SRCS := lib/crypto/chacha20.c lib/crypto/poly1305.c lib/crypto/aead.c \
               lib/crypto/random.c
CRYPTO_SRCS += $(STREAM_SRCS)
