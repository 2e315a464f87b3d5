// Live events: delivery to a topic's subscribers only, a failing sink dropped, and the
// subscribers still there counted (the agents online).
#include "chat/live_events.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(LiveEvents, DeliversToTheTopicsSubscribersAndDropsFailingOnes) {
  LiveEvents events;
  std::vector<std::string> a_got, b_got;
  bool b_open = true;
  events.subscribe(
      "inbox:ws_a",
      [&](const LiveEvent& e) {
        a_got.push_back(e.name);
        return true;
      },
      [] { return true; });
  events.subscribe(
      "inbox:ws_a",
      [&](const LiveEvent& e) {
        b_got.push_back(e.name);
        return b_open;
      },
      [] { return true; });
  events.publish("inbox:ws_b", {"elsewhere", "{}"});
  events.publish("inbox:ws_a", {"first", "{}"});
  EXPECT_EQ(a_got, std::vector<std::string>{"first"});
  EXPECT_EQ(b_got, std::vector<std::string>{"first"});
  EXPECT_EQ(events.subscribers("inbox:ws_a"), 2u);

  b_open = false;  // b's client leaves: its next delivery fails and it is dropped
  events.publish("inbox:ws_a", {"second", "{}"});
  events.publish("inbox:ws_a", {"third", "{}"});
  EXPECT_EQ(a_got, (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_EQ(b_got, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(events.subscribers("inbox:ws_a"), 1u);
}

TEST(LiveEvents, ASubscriberWhoseClientLeftIsNotCounted) {
  LiveEvents events;
  bool alive = true;
  events.subscribe(
      "inbox:ws_a", [](const LiveEvent&) { return true; }, [&] { return alive; });
  EXPECT_EQ(events.subscribers("inbox:ws_a"), 1u);
  alive = false;
  EXPECT_EQ(events.subscribers("inbox:ws_a"), 0u);
  EXPECT_EQ(events.subscribers("inbox:nobody"), 0u);
}

}  // namespace
}  // namespace parley
