#include "api/chat_json.h"

#include <boost/json.hpp>

#include "api/json_fields.h"

namespace parley {
namespace json = boost::json;

json::object citation_json(const Citation& c) {
  return {{"n", c.n},
          {"source", json::object{{"id", c.source.id},
                                  {"external_id", optional_text(c.source.external_id)},
                                  {"title", c.source.title},
                                  {"url", optional_text(c.source.url)}}},
          {"chunk_id", c.chunk_id}};
}

json::object message_json(const ChatMessage& m) {
  json::array citations;
  for (const Citation& c : m.citations) citations.push_back(citation_json(c));
  json::object out{{"id", m.id},
                   {"role", m.role},
                   {"text", m.text},
                   {"citations", std::move(citations)},
                   {"confidence", nullptr},
                   {"fallback", m.fallback},
                   {"created_at", iso_time(m.created_at)}};
  if (m.confidence) out["confidence"] = *m.confidence;
  if (m.author_id) out["author_id"] = *m.author_id;
  if (m.feedback) {
    out["feedback"] = json::object{{"rating", m.feedback->rating},
                                   {"comment", optional_text(m.feedback->comment)}};
  }
  return out;
}

json::object reply_json(const ChatReply& reply) {
  return {
      {"conversation_id", reply.conversation_id},
      {"visitor_id", reply.visitor_id},
      {"state", reply.state},
      {"message", reply.message ? json::value(message_json(*reply.message)) : json::value(nullptr)},
      {"offer_human", reply.offer_human},
      {"offer_lead_form", reply.offer_lead_form}};
}

json::object conversation_json(const ConversationView& c, bool with_messages) {
  json::object out{{"id", c.id},
                   {"bot_id", c.bot_id},
                   {"visitor_id", c.visitor_id},
                   {"state", c.state},
                   {"agent_id", optional_text(c.agent_id)},
                   {"message_count", c.message_count},
                   {"created_at", iso_time(c.created_at)},
                   {"updated_at", iso_time(c.updated_at)}};
  if (with_messages) {
    json::array messages;
    for (const ChatMessage& m : c.messages) messages.push_back(message_json(m));
    out["messages"] = std::move(messages);
  }
  return out;
}

}  // namespace parley
