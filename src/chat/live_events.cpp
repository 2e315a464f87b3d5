#include "chat/live_events.h"

#include <algorithm>

namespace parley {

std::string LiveEvents::inbox_topic(std::string_view workspace_id) {
  return "inbox:" + std::string(workspace_id);
}

std::string LiveEvents::conversation_topic(std::string_view conversation_id) {
  return "conversation:" + std::string(conversation_id);
}

void LiveEvents::subscribe(const std::string& topic, Sink sink, Alive alive) {
  std::lock_guard lock(mutex_);
  auto& list = topics_[topic];
  prune(list);
  list.push_back(std::make_shared<Subscriber>(Subscriber{std::move(sink), std::move(alive)}));
}

void LiveEvents::publish(const std::string& topic, const LiveEvent& event) {
  std::vector<std::shared_ptr<Subscriber>> targets;
  {
    std::lock_guard lock(mutex_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return;
    targets = it->second;
  }
  // Delivered outside the lock: a sink only queues, but it is the caller's code.
  std::vector<std::shared_ptr<Subscriber>> failed;
  for (const auto& subscriber : targets) {
    if (!subscriber->sink(event)) failed.push_back(subscriber);
  }
  if (failed.empty()) return;
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return;
  auto& list = it->second;
  std::erase_if(list, [&](const auto& s) {
    return std::find(failed.begin(), failed.end(), s) != failed.end();
  });
  if (list.empty()) topics_.erase(it);
}

size_t LiveEvents::subscribers(const std::string& topic) {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) return 0;
  prune(it->second);
  const size_t count = it->second.size();
  if (count == 0) topics_.erase(it);
  return count;
}

void LiveEvents::prune(std::vector<std::shared_ptr<Subscriber>>& list) {
  std::erase_if(list, [](const auto& s) { return !s->alive(); });
}

}  // namespace parley
