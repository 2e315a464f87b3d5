// The SSE reader against streams cut at every byte: line ends of every kind, comments,
// keepalive blank lines, events of several data lines, an end without a blank line.
#include "model/sse_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley {
namespace {

std::vector<std::string> events_of(std::string_view stream, size_t cut_every) {
  std::vector<std::string> events;
  SseParser parser([&](std::string_view data) {
    events.emplace_back(data);
    return true;
  });
  for (size_t at = 0; at < stream.size(); at += cut_every) {
    parser.feed(stream.substr(at, cut_every));
  }
  parser.finish();
  return events;
}

TEST(SseParser, ReadsEventsHoweverTheBytesAreCut) {
  const std::vector<std::string> expected = {R"({"a":1})", "two\nlines", "[DONE]"};
  for (std::string_view eol : {"\n", "\r\n", "\r"}) {
    const std::string e(eol);
    const std::string stream = ": keepalive" + e + e + "data: {\"a\":1}" + e + e + e + e +
                               "event: message" + e + "id: 7" + e + "data: two" + e + "data:lines" +
                               e + e + ":comment" + e + "data: [DONE]" + e + e;
    for (size_t cut = 1; cut <= stream.size(); ++cut) {
      EXPECT_EQ(events_of(stream, cut), expected) << "cut every " << cut << " bytes";
    }
  }
}

TEST(SseParser, DeliversALastEventWithoutItsBlankLine) {
  EXPECT_EQ(events_of("data: x\n\ndata: y", 3), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(events_of("data: x\n\ndata: y\n", 3), (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(events_of(": only a comment\n\n\n", 1).empty());
}

TEST(SseParser, StopsWhenTheCallbackSaysSo) {
  std::vector<std::string> events;
  SseParser parser([&](std::string_view data) {
    events.emplace_back(data);
    return data != "stop";
  });
  EXPECT_FALSE(parser.feed("data: a\n\ndata: stop\n\ndata: never\n\n"));
  EXPECT_FALSE(parser.feed("data: later\n\n"));
  EXPECT_EQ(events, (std::vector<std::string>{"a", "stop"}));
}

}  // namespace
}  // namespace parley
