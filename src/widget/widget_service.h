// The chat widget's side of a bot: what a page that embeds it may do, knowing only the
// bot's public id. Every call passes the same gate (the public id names a bot and the
// page's Origin is one of its allowed_origins); chat turns are limited per visitor by the
// bot's messages_per_minute, and leads and ratings by the same number in a bucket of
// their own; a lead or a rating is taken only for the visitor's own conversation. Called by
// the widget routes (src/api/widget_routes.cpp).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "chat/chat_service.h"
#include "chat/feedback_service.h"
#include "core/rate_limiter.h"
#include "kb/search_service.h"
#include "leads/lead_service.h"

namespace parley {

// Who is calling, as far as the limiter needs: the visitor id the widget keeps, when it
// has one, else the address the request came from (hashed with a key of this process,
// never stored or logged).
struct WidgetVisitor {
  std::optional<std::string> visitor_id;
  std::string_view remote_ip;
};

class WidgetService {
 public:
  WidgetService(KbContext context, SearchService& search, ChatService& chat, LeadService& leads,
                FeedbackService& feedback, RateLimiterOptions limiter = {});

  // The gate: the bot behind `public_id`, when `origin` (the request's Origin header) is
  // one of its allowed origins (the loaded bot's settings: no read per request). not_found
  // for an unknown or rotated public id; forbidden,
  // with what the bot's owner should do, for a missing or unlisted Origin.
  Result<BotView> open(std::string_view public_id, std::string_view origin);

  // A chat turn as ChatService::chat, once the visitor's bucket has a token; rate_limited
  // with retry_after_seconds otherwise.
  Result<ChatReply> chat(const BotView& bot, const ChatInput& input, std::string_view remote_ip,
                         const DeltaFn& on_delta = nullptr);

  // The lead form, for a conversation of this visitor with this bot (not_found otherwise).
  Result<LeadView> submit_lead(const BotView& bot, std::string_view visitor_id,
                               const LeadInput& input, std::string_view remote_ip);

  // A rating of one of the bot's answers in this visitor's conversation (not_found otherwise).
  Result<RatedAnswer> rate(const BotView& bot, std::string_view visitor_id,
                           std::string_view conversation_id, std::string_view message_id,
                           const FeedbackInput& input, std::string_view remote_ip);

  // not_found unless the conversation is this bot's and this visitor's: how the handoff
  // and live-event routes keep a visitor to their own conversation.
  Status check_owner(const BotView& bot, std::string_view visitor_id,
                     std::string_view conversation_id);

 private:
  // Takes a token from the caller's bucket of `kind` ("chat", "form") for this bot.
  Status admit(const BotView& bot, std::string_view kind, const WidgetVisitor& visitor);
  std::string address_hash(std::string_view remote_ip) const;

  KbContext ctx_;
  SearchService& search_;  // the bot by its public id, as loaded for chat
  ChatService& chat_;
  LeadService& leads_;
  FeedbackService& feedback_;
  RateLimiter limiter_;
  std::array<unsigned char, 16> address_key_;  // random per process: hashes are not kept
};

}  // namespace parley
