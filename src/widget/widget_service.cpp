#include "widget/widget_service.h"

#include <sodium.h>

#include "core/ids.h"
#include "core/sodium.h"
#include "store/conversations_repo.h"
#include "widget/origin.h"

namespace parley {
namespace {

constexpr std::string_view kHowToAllow =
    "add the site's origin (such as https://shop.example.com) to the bot's "
    "settings.allowed_origins";

Error refused(std::string message) { return make_error(ErrorCode::forbidden, std::move(message)); }

Error no_conversation() { return make_error(ErrorCode::not_found, "no such conversation"); }

static_assert(crypto_shorthash_KEYBYTES == 16, "WidgetService::address_key_ holds a SipHash key");

}  // namespace

WidgetService::WidgetService(KbContext context, SearchService& search, ChatService& chat,
                             LeadService& leads, FeedbackService& feedback,
                             RateLimiterOptions limiter)
    : ctx_(context),
      search_(search),
      chat_(chat),
      leads_(leads),
      feedback_(feedback),
      limiter_(context.clock, limiter) {
  ensure_sodium();
  randombytes_buf(address_key_.data(), address_key_.size());
}

Result<BotView> WidgetService::open(std::string_view public_id, std::string_view origin) {
  auto loaded = search_.bot_by_public_id(public_id);
  if (!loaded) return loaded.error();
  const BotView* bot = loaded->get();
  // Browsers send Origin with every cross-site fetch. A request without one comes from a
  // script outside a browser, which should use the API with a key instead.
  if (origin.empty()) {
    return refused(
        "the widget answers web pages only and this request has no Origin header; "
        "to embed the bot on a site, " +
        std::string(kHowToAllow));
  }
  auto canonical = canonical_origin(origin);
  if (!canonical) {
    return refused("the Origin header is not a web origin; to embed the bot on a site, " +
                   std::string(kHowToAllow));
  }
  if (bot->settings.allowed_origins.empty()) {
    return refused("this bot may not be embedded on any site yet: add " + *canonical +
                   " to the bot's settings.allowed_origins");
  }
  if (!origin_allowed(*canonical, bot->settings.allowed_origins)) {
    return refused(*canonical +
                   " may not embed this bot: add it to the bot's "
                   "settings.allowed_origins");
  }
  return *bot;
}

Result<ChatReply> WidgetService::chat(const BotView& bot, const ChatInput& input,
                                      std::string_view remote_ip, const DeltaFn& on_delta) {
  // The API lets a key holder go on with any conversation of the bot; a page only with its
  // own visitor's, which ChatService checks when it is given the visitor id.
  if (input.conversation_id && !input.visitor_id) {
    return make_error(ErrorCode::invalid_argument,
                      "visitor_id: give the visitor_id of the reply that started the "
                      "conversation");
  }
  if (auto admitted = admit(bot, "chat", {input.visitor_id, remote_ip}); !admitted) {
    return admitted.error();
  }
  return chat_.chat(bot.workspace_id, bot.id, input, on_delta);
}

Result<LeadView> WidgetService::submit_lead(const BotView& bot, std::string_view visitor_id,
                                            const LeadInput& input, std::string_view remote_ip) {
  if (auto admitted = admit(bot, "form", {std::string(visitor_id), remote_ip}); !admitted) {
    return admitted.error();
  }
  if (auto owned = check_owner(bot, visitor_id, input.conversation_id); !owned) {
    return owned.error();
  }
  return leads_.submit(bot.workspace_id, bot.id, input);
}

Result<RatedAnswer> WidgetService::rate(const BotView& bot, std::string_view visitor_id,
                                        std::string_view conversation_id,
                                        std::string_view message_id, const FeedbackInput& input,
                                        std::string_view remote_ip) {
  if (auto admitted = admit(bot, "form", {std::string(visitor_id), remote_ip}); !admitted) {
    return admitted.error();
  }
  if (auto owned = check_owner(bot, visitor_id, conversation_id); !owned) return owned.error();
  return feedback_.rate(bot.workspace_id, conversation_id, message_id, input);
}

// Keyed by the bot's id, not its public id: a rotation hands nobody a fresh allowance. A
// malformed visitor id counts as none (the chat refuses it anyway), so that it cannot
// open a bucket of its own.
Status WidgetService::admit(const BotView& bot, std::string_view kind,
                            const WidgetVisitor& visitor) {
  std::string key = std::string(kind) + "/" + bot.id + "/";
  if (visitor.visitor_id && is_valid_id(*visitor.visitor_id, "vis")) {
    key += *visitor.visitor_id;
  } else {
    key += "ip:" + address_hash(visitor.remote_ip);
  }
  RateDecision decision =
      limiter_.acquire(key, {bot.settings.messages_per_minute, std::chrono::minutes(1)});
  if (decision.allowed) return ok_status();
  Error error = make_error(ErrorCode::rate_limited,
                           "too many messages; try again in " +
                               std::to_string(decision.retry_after_seconds) + " seconds");
  error.retry_after_seconds = decision.retry_after_seconds;
  return error;
}

Status WidgetService::check_owner(const BotView& bot, std::string_view visitor_id,
                                  std::string_view conversation_id) {
  if (!is_valid_id(conversation_id, "cnv") || !is_valid_id(visitor_id, "vis")) {
    return no_conversation();
  }
  auto conversation = read_one(ctx_.store.db(), [&](Tx& tx) {
    return find_conversation(tx, bot.workspace_id, conversation_id);
  });
  if (!conversation) return conversation.error();
  if (!*conversation || (*conversation)->bot_id != bot.id ||
      (*conversation)->visitor_id != visitor_id) {
    return no_conversation();
  }
  return ok_status();
}

std::string WidgetService::address_hash(std::string_view remote_ip) const {
  unsigned char hash[crypto_shorthash_BYTES];
  crypto_shorthash(hash, reinterpret_cast<const unsigned char*>(remote_ip.data()), remote_ip.size(),
                   address_key_.data());
  char hex[crypto_shorthash_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
  return hex;
}

}  // namespace parley
