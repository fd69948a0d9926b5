/* In-kernel tests of the kernel's text reports (kernel/shell/report.h),
 * which the kernel shell prints and kernel_report hands to the shell
 * capsule: each topic writes what its command printed, a short buffer cuts
 * the text and says so, an unknown topic is refused. */
#include "kernel/lib/print.h"
#include "kernel/mm/heap.h"
#include "kernel/shell/report.h"
#include "kernel/test/test.h"

static bool contains(const char *text, const char *word)
{
    for (; *text; text++) {
        size_t i = 0;
        while (word[i] && text[i] == word[i])
            i++;
        if (word[i] == '\0')
            return true;
    }
    return false;
}

static bool topic_says(enum report_topic topic, const char *word, char *buffer, size_t size)
{
    struct report report = report_make(buffer, size);
    TEST_REQUIRE(report_topic(topic, NULL, &report), "topic %d refused", topic);
    TEST_REQUIRE(report.length > 0 && report.text[report.length] == '\0' && !report.truncated,
                 "topic %d: %zu bytes, truncated %d", topic, report.length, report.truncated);
    TEST_REQUIRE(contains(report.text, word), "topic %d lacks \"%s\": %.200s", topic, word,
                 report.text);
    return true;
}

static bool test_report_topics(void)
{
    char *buffer = kmalloc(REPORT_MAX);
    TEST_REQUIRE(buffer, "no memory");
    kprintf("selftest: report marker 5f3a\n"); /* the newest line of the log */
    bool ok = topic_says(REPORT_MEM, "frames:", buffer, REPORT_MAX) &&
              topic_says(REPORT_UPTIME, "ticks at", buffer, REPORT_MAX) &&
              topic_says(REPORT_LOG, "report marker 5f3a", buffer, REPORT_MAX) &&
              topic_says(REPORT_MEASURE, "sha256", buffer, REPORT_MAX) &&
              topic_says(REPORT_CAPSULES, "hello", buffer, REPORT_MAX) &&
              topic_says(REPORT_RANDOM, "seeded from", buffer, REPORT_MAX) &&
              topic_says(REPORT_SELF_CHECK, "ok (", buffer, REPORT_MAX);
    struct report small = report_make(buffer, 40);
    bool known = report_topic(REPORT_MEM, NULL, &small);
    bool cut = small.truncated && small.length == 39 && contains(small.text, "[cut]");
    struct report unknown = report_make(buffer, REPORT_MAX);
    bool refused = !report_topic(REPORT_TOPIC_COUNT, NULL, &unknown) && unknown.length == 0;
    kfree(buffer);
    if (!ok)
        return false; /* topic_says gave the reason */
    TEST_REQUIRE(known && cut, "a 40-byte report: length %zu, truncated %d", small.length,
                 small.truncated);
    TEST_REQUIRE(refused, "an unknown topic was reported");
    return true;
}

static const struct test_case test_report_cases[] = {
    { "report_topics", test_report_topics },
};

TEST_TABLE(test_report_cases);
