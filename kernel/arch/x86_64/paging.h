/* x86-64 4-level page-table entry bits (Intel SDM vol. 3, 4.5), and the
 * layout constants kernel/arch/mmu.h promises (its implementation is
 * mmu.c). */
#ifndef NONOS_ARCH_PAGING_H
#define NONOS_ARCH_PAGING_H

#define PTE_PRESENT (1ull << 0)
#define PTE_WRITABLE (1ull << 1)
#define PTE_USER (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_ACCESSED (1ull << 5)
#define PTE_DIRTY (1ull << 6)
#define PTE_HUGE (1ull << 7) /* 2 MiB page in a PD entry, 1 GiB in a PDPT entry */
#define PTE_GLOBAL (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDRESS_MASK 0x000ffffffffff000ull

#define PAGE_TABLE_ENTRIES 512
#define HUGE_PAGE_SIZE (2ull << 20)

/* kernel/arch/mmu.h: the canonical lower half is the user half; a 2 MiB
 * page (a PD entry) is the large page. */
#define MMU_USER_END 0x0000800000000000ull
#define MMU_LARGE_PAGE_SIZE HUGE_PAGE_SIZE

/* Index of virt in the table at level (4 = PML4 ... 1 = PT). */
static inline unsigned page_table_index(unsigned long long virt, unsigned level)
{
    return (unsigned)((virt >> (12 + 9 * (level - 1))) & 0x1ff);
}

#endif
