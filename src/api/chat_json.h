// The JSON shapes of chat: a message with its citations, a chat reply, a conversation.
// Shared by the chat, transcript and widget routes (the shapes are a contract,
// docs/openapi.yaml).
#pragma once

#include <boost/json/object.hpp>

#include "chat/chat_types.h"

namespace parley {

boost::json::object citation_json(const Citation& citation);
// A rated answer in a transcript carries its feedback ({"rating","comment"}).
boost::json::object message_json(const ChatMessage& message);
boost::json::object reply_json(const ChatReply& reply);
// With its messages (a transcript) or without (a list entry).
boost::json::object conversation_json(const ConversationView& conversation, bool with_messages);

}  // namespace parley
