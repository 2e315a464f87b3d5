#include "core/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace parley {
namespace {

using std::chrono::milliseconds;

TEST(Ids, HaveThePrefixAndATwentySixCharacterUlid) {
  ManualClock clock;
  std::string id = new_id("ws", clock);
  ASSERT_EQ(id.size(), 3u + 26u);
  EXPECT_EQ(id.substr(0, 3), "ws_");
  EXPECT_TRUE(is_valid_id(id, "ws"));
  EXPECT_FALSE(is_valid_id(id, "bot"));
}

TEST(Ids, StartWithTheMillisecondsInCrockfordBase32) {
  // The ULID specification's example timestamp.
  ManualClock clock{TimePoint{milliseconds{1469918176385}}};
  EXPECT_EQ(new_id("cnv", clock).substr(4, 10), "01ARYZ6S41");
  ManualClock epoch{TimePoint{milliseconds{0}}};
  EXPECT_EQ(new_id("cnv", epoch).substr(4, 10), "0000000000");
}

TEST(Ids, MadeLaterSortAfterEarlierOnes) {
  ManualClock clock;
  std::string previous = new_id("bot", clock);
  for (int i = 0; i < 2000; ++i) {
    // Steps from one millisecond to a day, crossing character boundaries.
    clock.advance(milliseconds{1 + (i % 7) * (i % 13) * 997});
    std::string next = new_id("bot", clock);
    ASSERT_LT(previous, next) << "after step " << i;
    previous = next;
  }
}

TEST(Ids, MadeInTheSameMillisecondDiffer) {
  ManualClock clock;
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(new_id("vis", clock));
  EXPECT_EQ(ids.size(), 10000u);
}

TEST(Ids, ValidationRejectsWhatWeNeverMake) {
  const std::string good = "ws_01ARYZ6S41TSV4RRFFQ69G5FAV";
  ASSERT_TRUE(is_valid_id(good, "ws"));
  EXPECT_FALSE(is_valid_id("", "ws"));
  EXPECT_FALSE(is_valid_id("ws_", "ws"));
  EXPECT_FALSE(is_valid_id("ws-01ARYZ6S41TSV4RRFFQ69G5FAV", "ws"));   // separator
  EXPECT_FALSE(is_valid_id("wsx01ARYZ6S41TSV4RRFFQ69G5FAV", "ws"));   // no separator
  EXPECT_FALSE(is_valid_id("ws_01ARYZ6S41TSV4RRFFQ69G5FA", "ws"));    // 25 characters
  EXPECT_FALSE(is_valid_id("ws_01ARYZ6S41TSV4RRFFQ69G5FAVV", "ws"));  // 27 characters
  EXPECT_FALSE(is_valid_id("ws_01aryz6s41tsv4rrffq69g5fav", "ws"));   // not canonical
  EXPECT_FALSE(is_valid_id("ws_01ARYZ6S41TSV4RRFFQ69G5FAI", "ws"));   // I is not Crockford
  EXPECT_FALSE(is_valid_id("ws_01ARYZ6S41TSV4RRFFQ69G5FAU", "ws"));   // nor U
  EXPECT_FALSE(is_valid_id("ws_81ARYZ6S41TSV4RRFFQ69G5FAV", "ws"));   // more than 128 bits
  EXPECT_FALSE(is_valid_id("ws_01ARYZ6S41TSV4RRFFQ69G5F/V", "ws"));
  EXPECT_FALSE(is_valid_id("ws_01ARYZ6S41TSV4RRFFQ69G5FAV", "w"));
  EXPECT_FALSE(is_valid_id("xws_01ARYZ6S41TSV4RRFFQ69G5FA", "ws"));
}

TEST(Ids, TimesOutsideTheUlidRangeAreClamped) {
  // system_clock ends in 2262, long before 48 bits of milliseconds (year 10889) run out;
  // 9e12 ms is in 2255.
  ManualClock far_future{TimePoint{milliseconds{9'000'000'000'000}}};
  std::string id = new_id("ws", far_future);
  EXPECT_TRUE(is_valid_id(id, "ws"));
  ManualClock before_epoch{TimePoint{milliseconds{-5}}};
  EXPECT_EQ(new_id("ws", before_epoch).substr(3, 10), "0000000000");
}

}  // namespace
}  // namespace parley
