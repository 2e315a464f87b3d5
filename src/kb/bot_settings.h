// A bot's settings: how it greets, answers, falls back and who may embed it. Validated
// field by field against this schema when an owner changes them, so a bad value is refused
// with its name and never stored. Called by the bot service; read by chat and the widget.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "model/model_endpoint.h"

namespace parley {

// One field of a bot's lead form. Standard keys (name, email, phone, company) have a
// default label and type; a custom key ([a-z][a-z0-9_]{0,39}) needs its label.
struct LeadField {
  std::string key;
  std::string label;
  std::string type = "text";  // text | email | phone | textarea: how a value is checked
  bool required = false;
};

// When the widget offers the form by itself (a visitor can always ask for it).
struct LeadTriggers {
  bool on_fallback = true;            // the bot did not know
  bool on_handoff = true;             // the visitor asked for a human
  std::optional<int> after_messages;  // at the visitor's Nth message (1-100)
};

// The contact form a bot offers its visitors (src/leads). The consent text is recorded,
// word for word, with each submitted lead.
struct LeadFormSettings {
  bool enabled = true;
  std::vector<LeadField> fields = {{"name", "Name", "text", false},
                                   {"email", "Email", "email", true}};
  std::string consent_text =
      "I agree that this site may store these details to contact me about my request, as "
      "described in its privacy policy.";
  bool consent_required = true;
  LeadTriggers triggers;

  const LeadField* field(std::string_view key) const;
};

struct BotSettings {
  std::string instructions;  // persona and rules for the generative answerer
  std::string welcome_message = "Hi! How can I help you today?";
  std::vector<std::string> suggested_questions;
  std::string fallback_message =
      "Sorry, I don't know that yet. Would you like to talk to a person or leave your contact "
      "details?";
  // What the bot says when a visitor asks for a person and it hands the conversation over.
  std::string handoff_message =
      "I'm asking a person from our team to join. Please stay here: they will answer in this "
      "chat.";
  double confidence_threshold = 0.35;      // 0..1: below it the bot falls back
  std::string answer_mode = "extractive";  // extractive | generative
  ModelEndpoint model;
  // Set: chunks are embedded at ingest and searches fuse BM25 with dense vectors.
  ModelEndpoint embeddings;
  double temperature = 0.2;
  int max_tokens = 512;
  std::vector<std::string> languages;        // answer languages beyond the bot's own
  std::vector<std::string> allowed_origins;  // sites that may embed the widget
  // Words and phrases that mean the same in this bot's knowledge: a question using one finds
  // passages using another. Each group holds 2-20 of them.
  std::vector<std::vector<std::string>> synonyms;
  int messages_per_minute = 20;  // per visitor
  LeadFormSettings lead_form;
};

// Applies the fields present in `patch` (a partial settings object), after checking each
// one; an unknown field or a bad value fails with invalid_argument naming "settings.<field>"
// and leaves `settings` unchanged.
Status apply_settings(BotSettings& settings, const boost::json::object& patch);

// The settings as the API shows them: the API keys (model, embeddings) replaced by
// "api_key_set".
boost::json::object settings_to_json(const BotSettings& settings);

// The stored form (the API key included; the caller seals it) and back.
std::string settings_to_storage(const BotSettings& settings);
Result<BotSettings> settings_from_storage(std::string_view stored);

// "en", "pt-BR": an ISO 639 language code with an optional region.
bool is_language_code(std::string_view code);

}  // namespace parley
