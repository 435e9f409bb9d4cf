#pragma once

// The head most test contracts share: the weekly report, Monday 06:00 in
// London, due by Monday noon. A string literal, so that a test's own
// sections and nodes follow it as one literal:
//
//     const char *const kContract = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
//         - {id: revenue, name: Revenue, needs: [mart], on_failure: hold}
//     nodes:
//       - {id: mart, kind: noop}
//     )";

#define VOUCH_TEST_WEEKLY_REPORT                                                                   \
    "vouch: 1\n"                                                                                   \
    "report:\n"                                                                                    \
    "  id: weekly\n"                                                                               \
    "  name: Weekly report\n"                                                                      \
    "  timezone: Europe/London\n"                                                                  \
    "  schedule: \"0 6 * * MON\"\n"                                                                \
    "  publish_by: \"MON 12:00\"\n"
