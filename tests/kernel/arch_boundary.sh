#!/bin/sh
# The kernel's arch boundary (docs/kernel.md, "The arch interface"): generic
# kernel code -- every file under kernel/ outside kernel/arch/ -- includes
# only the interface headers kernel/arch/*.h, never kernel/arch/x86_64/,
# has no assembly file, no inline assembly with instructions in it (an empty
# asm("") compiler barrier is allowed) and names none of x86's own
# identifiers (control registers, MSRs, CPUID, page-table and page-fault
# bits, port I/O under its x86 names, the LAPIC/PIC/GDT/IDT). The interface
# headers themselves may include kernel/arch/x86_64/ (that is the scheme);
# nothing else outside kernel/arch/x86_64/ may.
#
# Usage: tests/kernel/arch_boundary.sh [ROOT]   (checks ROOT/kernel; ROOT
# defaults to .). Prints "FILE:LINE: reason" per violation and a last line
# "arch boundary: N files checked, M violations"; exits 1 when M > 0 or when
# no file was checked.
set -u
root=${1:-.}
cd "$root" || exit 2

x86_identifiers='\b(rdmsr|wrmsr|read_cr[0-4]|write_cr[0-4]|cpuid|tlb_flush_page|inb|outb|inw|outw|inl|outl|io_wait|lapic_[a-z_]+|pic_disable|gdt_init|idt_init|tss_set_kernel_stack|cpu_detect|rdtsc|rdseed|rdrand|entropy_rdseed_read|entropy_rdrand_read|(PTE|PF|CR0|CR4|MSR|EFER|RFLAGS|VECTOR)_[A-Z0-9_]+)\b'

files=0
violations=0
report() {
    echo "$1"
    violations=$((violations + 1))
}

for file in $(find kernel -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) | sort); do
    case "$file" in
    kernel/arch/x86_64/*) continue ;;
    esac
    files=$((files + 1))
    interface=no
    case "$file" in
    kernel/arch/*/*) ;;
    kernel/arch/*.h) interface=yes ;;
    esac
    if [ "$interface" = no ]; then
        for hit in $(grep -n '#[[:space:]]*include[[:space:]]*["<]kernel/arch/x86_64/' "$file" | cut -d: -f1); do
            report "$file:$hit: includes kernel/arch/x86_64/ (include the kernel/arch/*.h interface instead)"
        done
    fi
    case "$file" in
    kernel/arch/*) continue ;; # interface headers: includes only
    *.S) report "$file:1: assembly outside kernel/arch/x86_64/"; continue ;;
    esac
    # Inline assembly with a non-empty template, on its line or the next.
    for hit in $(grep -nE '(__asm__|\basm\b)[[:space:]]*(volatile|__volatile__)?[[:space:]]*(\([[:space:]]*("[^"]|$)|$)' "$file" | cut -d: -f1); do
        report "$file:$hit: inline assembly outside kernel/arch/x86_64/"
    done
    # x86 identifiers in code (comment lines are skipped).
    for hit in $(grep -nE "$x86_identifiers" "$file" | grep -vE '^[0-9]+:[[:space:]]*(/\*|\*|//)' | cut -d: -f1); do
        name=$(sed -n "${hit}p" "$file" | grep -oE "$x86_identifiers" | head -n 1)
        report "$file:$hit: x86 identifier $name outside kernel/arch/x86_64/"
    done
done

echo "arch boundary: $files files checked, $violations violations"
[ "$files" -gt 0 ] && [ "$violations" -eq 0 ]
