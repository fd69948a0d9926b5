/* The name service capsule (user/names/main.c) against the fake kernel:
 * each request goes through ipc_receive with a badge and maybe a
 * capability, the service asks process_info and capsule_info about the
 * sender, and the test reads the replies ipc_reply got: labels, the
 * capability a lookup carries, the slots left empty, the console lines. */
#include <string.h>

#include "fake_kernel.h"
#include "nonos/error.h"
#include "nonos/names.h"
#include "tests/host/test.h"

int capsule_main(void);

#define VAULT 2
#define CLIENT 3
#define STRANGER 4
#define VAULT_AGAIN 5

static void setup(void)
{
    fake_reset(NONOS_RIGHT_WRITE, NONOS_RIGHT_READ | NONOS_RIGHT_GRANT, NONOS_RIGHT_READ);
    fake_capsule("names", NONOS_RESTART_ALWAYS);
    struct nonos_capsule_info *vault = fake_capsule("vault", NONOS_RESTART_NEVER);
    snprintf(vault->provides[0].text, sizeof vault->provides[0].text, "nonos.vault");
    vault->provides_count = 1;
    struct nonos_capsule_info *client = fake_capsule("client", NONOS_RESTART_NEVER);
    snprintf(client->ipc[0].text, sizeof client->ipc[0].text, "nonos.vault");
    client->ipc_count = 1;
    fake_capsule("stranger", NONOS_RESTART_NEVER);
    fake_process("names", NONOS_PROCESS_RUNNING);    /* 1 */
    fake_process("vault", NONOS_PROCESS_RUNNING);    /* 2 */
    fake_process("client", NONOS_PROCESS_RUNNING);   /* 3 */
    fake_process("stranger", NONOS_PROCESS_RUNNING); /* 4 */
    fake_process("vault", NONOS_PROCESS_RUNNING);    /* 5: a second vault */
}

/* Before message 12, the first vault process ends. */
static void first_vault_ends(struct fake_kernel *kernel, size_t index)
{
    if (index == 12)
        kernel->processes[VAULT - 1].state = NONOS_PROCESS_KILLED;
}

static bool reply_is(size_t i, uint64_t label, uint32_t transfer_type)
{
    return i < fake.reply_count && fake.replies[i].label == label && fake.replies[i].length == 0 &&
           fake.reply_transfers[i].type == transfer_type;
}

int main(void)
{
    setup();
    fake_message(CLIENT, NONOS_NAMES_LOOKUP, "nonos.vault", NONOS_OBJECT_NONE);        /* 0 */
    fake_message(STRANGER, NONOS_NAMES_REGISTER, "nonos.vault", NONOS_OBJECT_ENDPOINT); /* 1 */
    fake_message(VAULT, NONOS_NAMES_REGISTER, "nonos.vault", NONOS_OBJECT_NONE);        /* 2 */
    fake_message(VAULT, NONOS_NAMES_REGISTER, "nonos.vault", NONOS_OBJECT_NOTIFICATION); /* 3 */
    fake_message(VAULT, NONOS_NAMES_REGISTER, "nonos.vault", NONOS_OBJECT_ENDPOINT);    /* 4 */
    fake_message(CLIENT, NONOS_NAMES_LOOKUP, "nonos.vault", NONOS_OBJECT_NONE);        /* 5 */
    fake_message(STRANGER, NONOS_NAMES_LOOKUP, "nonos.vault", NONOS_OBJECT_NONE);      /* 6 */
    fake_message(99, NONOS_NAMES_LOOKUP, "nonos.vault", NONOS_OBJECT_NONE);            /* 7 */
    fake_message(CLIENT, NONOS_NAMES_LOOKUP, "", NONOS_OBJECT_NONE);                   /* 8 */
    fake_message(CLIENT, 7, "nonos.vault", NONOS_OBJECT_NONE);                         /* 9 */
    fake_message(VAULT_AGAIN, NONOS_NAMES_REGISTER, "nonos.vault", NONOS_OBJECT_ENDPOINT); /* 10 */
    fake_message(CLIENT, NONOS_NAMES_LOOKUP, "nonos.vault", NONOS_OBJECT_NONE);        /* 11 */
    fake_message(VAULT_AGAIN, NONOS_NAMES_REGISTER, "nonos.vault", NONOS_OBJECT_ENDPOINT); /* 12 */
    fake_message(CLIENT, NONOS_NAMES_LOOKUP, "nonos.vault", NONOS_OBJECT_NONE);        /* 13 */
    fake.on_receive = first_vault_ends;
    int status = fake_run(capsule_main);

    test_check(status == -1000 && fake.reply_count == 14, "names: every request answered (%zu replies)", fake.reply_count);
    test_check(reply_is(0, NONOS_ERROR_NOT_FOUND, NONOS_OBJECT_NONE),
               "names: lookup of an allowed name before anyone registered it: NOT_FOUND");
    test_check(reply_is(1, NONOS_ERROR_DENIED, NONOS_OBJECT_NONE),
               "names: register by a capsule that does not provide the name: DENIED");
    test_check(reply_is(2, NONOS_ERROR_INVALID_ARGUMENT, NONOS_OBJECT_NONE),
               "names: register without a capability: INVALID_ARGUMENT");
    test_check(reply_is(3, NONOS_ERROR_WRONG_TYPE, NONOS_OBJECT_NONE),
               "names: register with a notification instead of an endpoint: WRONG_TYPE");
    test_check(reply_is(4, 0, NONOS_OBJECT_NONE), "names: the provider's registration is accepted");
    test_check(reply_is(5, 0, NONOS_OBJECT_ENDPOINT) && fake.reply_transfers[5].object == 104,
               "names: lookup by a capsule with the name under ipc carries the registered endpoint");
    test_check(reply_is(6, NONOS_ERROR_DENIED, NONOS_OBJECT_NONE),
               "names: lookup by a capsule without the name under ipc: DENIED, no capability");
    test_check(reply_is(7, NONOS_ERROR_DENIED, NONOS_OBJECT_NONE), "names: a badge that is no process: DENIED");
    test_check(reply_is(8, NONOS_ERROR_INVALID_ARGUMENT, NONOS_OBJECT_NONE) &&
                   reply_is(9, NONOS_ERROR_INVALID_ARGUMENT, NONOS_OBJECT_NONE),
               "names: an empty name and an unknown label: INVALID_ARGUMENT");
    test_check(reply_is(10, NONOS_ERROR_EXISTS, NONOS_OBJECT_NONE) && reply_is(11, 0, NONOS_OBJECT_ENDPOINT) &&
                   fake.reply_transfers[11].object == 104,
               "names: a second provider while the first runs: EXISTS, lookups still get the first's endpoint");
    test_check(reply_is(12, 0, NONOS_OBJECT_NONE) && fake.slots[16].type == NONOS_OBJECT_ENDPOINT &&
                   fake.slots[16].object == 112 && reply_is(13, 0, NONOS_OBJECT_ENDPOINT) &&
                   fake.reply_transfers[13].object == 112,
               "names: after the holder ended, the restarted provider takes the name; lookups get the new endpoint");
    bool clean = fake.slots[8].type == NONOS_OBJECT_NONE && fake.slots[9].type == NONOS_OBJECT_NONE;
    for (uint32_t slot = 17; slot < 64; slot++)
        clean = clean && fake.slots[slot].type == NONOS_OBJECT_NONE;
    test_check(clean, "names: refused capabilities deleted, reply and receive slots empty after each request");
    test_check(fake.refusals == 0,
               "names: no call on an empty slot, so nothing for the audit log (%zu refused calls)", fake.refusals);
    test_check(fake_said("names: nonos.vault registered by process 2 (vault)") &&
                   fake_said("names: register nonos.vault refused for process 4: the capsule's policy does not allow this") &&
                   fake_said("names: lookup nonos.vault refused for process 3") == false &&
                   fake_said("names: lookup nonos.vault refused for process 4"),
               "names: registrations and policy refusals are reported on the console");

    /* Without its supervisor capability it can check nobody: all DENIED. */
    setup();
    fake.slots[NONOS_SLOT_SUPERVISOR].type = NONOS_OBJECT_NONE;
    fake_message(VAULT, NONOS_NAMES_REGISTER, "nonos.vault", NONOS_OBJECT_ENDPOINT);
    fake_run(capsule_main);
    test_check(reply_is(0, NONOS_ERROR_DENIED, NONOS_OBJECT_NONE) && fake.slots[9].type == NONOS_OBJECT_NONE,
               "names: without the supervisor capability every request is DENIED");

    /* An endpoint it cannot receive on: it reports and ends. */
    setup();
    fake.slots[NONOS_SLOT_NAMES].rights = NONOS_RIGHT_WRITE;
    status = fake_run(capsule_main);
    test_check(status == 1 && fake_said("names: receive failed: the capability lacks a right the call needs"),
               "names: no read right on its endpoint: reported, exits 1");
    return test_finish();
}
