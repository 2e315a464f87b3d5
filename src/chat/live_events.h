// Live events of conversations, in this process: the agents' inbox of a workspace (a
// visitor asks for a human, an agent takes or returns a conversation, a visitor writes to
// one a human owns) and each conversation's own events for its visitor (an agent's reply, a
// state change). Routes subscribe a sink (an open event stream) to a topic; services
// publish. A sink that fails is dropped. One node only: the multi-node issue carries events
// between nodes.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace parley {

struct LiveEvent {
  std::string name;  // e.g. "handoff_requested"
  std::string json;  // the event's data
};

class LiveEvents {
 public:
  // Takes an event; false when it can take no more (its client left): it is dropped.
  using Sink = std::function<bool(const LiveEvent&)>;
  // Whether the subscriber is still there (an inbox stream whose client left is not an
  // agent online).
  using Alive = std::function<bool()>;

  static std::string inbox_topic(std::string_view workspace_id);
  static std::string conversation_topic(std::string_view conversation_id);

  void subscribe(const std::string& topic, Sink sink, Alive alive);
  void publish(const std::string& topic, const LiveEvent& event);
  // Subscribers still there: for the inbox, the agents online.
  size_t subscribers(const std::string& topic);

 private:
  struct Subscriber {
    Sink sink;
    Alive alive;
  };
  void prune(std::vector<std::shared_ptr<Subscriber>>& list);

  std::mutex mutex_;
  std::map<std::string, std::vector<std::shared_ptr<Subscriber>>> topics_;
};

}  // namespace parley
