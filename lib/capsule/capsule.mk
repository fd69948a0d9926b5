# lib/capsule: capsule.toml, canonical manifests, the .mod container, proofs
# and the trust store. Freestanding (no libc): the kernel links the same
# objects as the host tool. CAPSULE_SRCS needs BLAKE2b, Ed25519 and ML-DSA-65 from
# lib/crypto (CAPSULE_CRYPTO_SRCS), hex text from lib/base (BASE_SRCS) and,
# in freestanding builds, lib/base/mem.c.
CAPSULE_SRCS := lib/capsule/error.c lib/capsule/utf8.c lib/capsule/toml.c \
                lib/capsule/hash.c lib/capsule/author.c \
                lib/capsule/semver.c lib/capsule/manifest.c \
                lib/capsule/canonical.c lib/capsule/container.c \
                lib/capsule/proof.c lib/capsule/capsule.c lib/capsule/trust.c \
                lib/capsule/bundle.c
# Recursive (=): PQ_SRCS (SHAKE and ML-DSA-65, lib/crypto/pq.mk) is defined
# after this fragment is read.
CAPSULE_CRYPTO_SRCS = lib/crypto/crypto.c lib/crypto/blake2b.c lib/crypto/sha512.c \
                       lib/crypto/field25519.c lib/crypto/edwards25519.c \
                       lib/crypto/edwards25519_scalarmult.c lib/crypto/scalar25519.c \
                       lib/crypto/ed25519.c $(PQ_SRCS)

# Proof that lib/capsule builds freestanding with the kernel's flags.
.PHONY: capsule-kernel-objects
capsule-kernel-objects: $(call objs,kernel,$(CAPSULE_SRCS) $(BASE_SRCS))

# The boot bundle of the system image: set here, before boot/boot.mk reads
# BUNDLE_FILE; its rule is in tools/capsule.mk. Override on the command line
# (make BUNDLE_FILE=...) to boot another bundle.
BUNDLE_FILE ?= $(BUILD)/capsules/bundle.bin
