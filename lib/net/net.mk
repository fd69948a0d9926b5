# lib/net: packet codecs (Ethernet II, ARP, IPv4, UDP, ICMP echo, DHCP) and a
# small IPv4 stack over them (docs/net.md). Freestanding: it needs only
# lib/base headers and, in freestanding builds, memmove/memset from
# lib/base/mem.c. NET_CODEC_SRCS is what the decoders' fuzz targets link.
NET_CODEC_SRCS := lib/net/error.c lib/net/buffer.c lib/net/checksum.c lib/net/ethernet.c \
                  lib/net/arp.c lib/net/ipv4.c lib/net/udp.c lib/net/icmp.c lib/net/dhcp.c
NET_STACK_SRCS := lib/net/stack.c lib/net/stack_arp.c lib/net/stack_link_local.c \
                  lib/net/stack_dhcp.c lib/net/stack_transport.c lib/net/report.c
NET_SRCS := $(NET_CODEC_SRCS) $(NET_STACK_SRCS)

# Proof that lib/net builds freestanding with the kernel's flags.
.PHONY: net-kernel-objects
net-kernel-objects: $(call objs,kernel,$(NET_SRCS))
