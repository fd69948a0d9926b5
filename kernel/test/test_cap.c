/* In-kernel tests of capabilities with the kernel's heap and of the audit
 * log (the full capability tests run on Linux: tests/kernel/capability_test.c). */
#include "kernel/audit/audit.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/log/log.h"
#include "kernel/mm/heap.h"
#include "kernel/test/test.h"

/* Random copies, mints, moves, deletes and revokes over three tables: the
 * invariants hold after each, and destroying the tables returns every heap
 * block and every object reference. */
static bool test_cap_tables_kernel_heap(void)
{
    struct heap_stats before, after;
    heap_stats(&before);
    static struct object objects[3];
    for (int i = 0; i < 3; i++)
        object_init(&objects[i], OBJECT_ENDPOINT);
    struct cap_table *tables[3];
    for (int i = 0; i < 3; i++) {
        tables[i] = cap_table_create(16);
        TEST_REQUIRE(tables[i], "cap_table_create failed");
    }
    uint64_t state = 11;
    for (int step = 0; step < 3000; step++) {
        struct cap_table *from = tables[test_random(&state) % 3];
        struct cap_table *to = tables[test_random(&state) % 3];
        uint32_t source = (uint32_t)(test_random(&state) % 17);
        uint32_t destination = (uint32_t)(test_random(&state) % 17);
        switch (test_random(&state) % 6) {
        case 0:
            if (!cap_insert_check(to, destination))
                cap_insert_apply(to, destination, &objects[step % 3], RIGHT_ALL, 0);
            break;
        case 1:
            if (!cap_copy_check(from, source, to, destination))
                cap_copy_apply(from, source, to, destination, (uint32_t)step & RIGHT_ALL);
            break;
        case 2:
            if (!cap_mint_check(from, source, to, destination, (uint64_t)step + 1))
                cap_mint_apply(from, source, to, destination, RIGHT_ALL, (uint64_t)step + 1);
            break;
        case 3:
            if (!cap_move_check(from, source, to, destination))
                cap_move_apply(from, source, to, destination);
            break;
        case 4:
            if (!cap_delete_check(from, source))
                cap_delete_apply(from, source);
            break;
        default:
            if (!cap_revoke_check(from, source))
                cap_revoke_apply(from, source);
            break;
        }
        for (int i = 0; i < 3; i++)
            TEST_REQUIRE(cap_table_check(tables[i]), "invariant broken at step %d", step);
    }
    for (int i = 0; i < 3; i++)
        cap_table_destroy(tables[i]);
    for (int i = 0; i < 3; i++)
        TEST_REQUIRE(objects[i].references == 1, "object %d keeps %u references", i,
                     objects[i].references);
    heap_stats(&after);
    TEST_REQUIRE(after.live_blocks == before.live_blocks, "%lu heap blocks leaked",
                 after.live_blocks - before.live_blocks);
    return true;
}

static bool log_contains(const char *text)
{
    static char snapshot[LOG_RING_SIZE];
    size_t length = log_snapshot(snapshot, sizeof snapshot), text_length = 0;
    while (text[text_length])
        text_length++;
    for (size_t i = 0; i + text_length <= length; i++) {
        size_t j = 0;
        while (j < text_length && snapshot[i + j] == text[j])
            j++;
        if (j == text_length)
            return true;
    }
    return false;
}

/* A denial is recorded with every field and printed to the log; after the
 * ring wraps, reading from 0 starts at the oldest record held. */
static bool test_audit_records_and_wrap(void)
{
    uint64_t first = audit_next_sequence();
    audit_denied(NULL, 1, 5, -ERROR_NO_RIGHT);
    struct nonos_audit_record record;
    TEST_REQUIRE(audit_read(first, &record, 1) == 1, "the denial was not recorded");
    TEST_REQUIRE(record.sequence == first && record.kind == NONOS_AUDIT_DENIED &&
                     record.syscall == 1 && record.slot == 5 && record.error == -ERROR_NO_RIGHT &&
                     record.process == 0,
                 "record fields wrong: kind %u call %u slot %u error %d", record.kind,
                 record.syscall, record.slot, record.error);
    TEST_REQUIRE(record.name[0] == 'k' && record.detail[0] != '\0', "name or detail missing");
    TEST_REQUIRE(log_contains("denied console_write (1) slot 5"), "no log line for the denial");
    for (uint32_t i = 0; i < AUDIT_RING_SIZE + 3; i++)
        audit_event(NULL, NONOS_AUDIT_START, "wrap test");
    uint64_t next = audit_next_sequence();
    TEST_REQUIRE(next == first + AUDIT_RING_SIZE + 4, "sequence is %lu", next);
    static struct nonos_audit_record all[AUDIT_RING_SIZE + 8];
    uint32_t count = audit_read(0, all, AUDIT_RING_SIZE + 8);
    TEST_REQUIRE(count == AUDIT_RING_SIZE, "read %u records from a full ring", count);
    TEST_REQUIRE(all[0].sequence == next - AUDIT_RING_SIZE &&
                     all[count - 1].sequence == next - 1,
                 "records %lu..%lu", all[0].sequence, all[count - 1].sequence);
    TEST_REQUIRE(audit_read(next, all, 4) == 0, "records past the newest");
    return true;
}

static const struct test_case test_cap_cases[] = {
    { "cap_tables_kernel_heap", test_cap_tables_kernel_heap },
    { "audit_records_and_wrap", test_audit_records_and_wrap },
};
TEST_TABLE(test_cap_cases);
