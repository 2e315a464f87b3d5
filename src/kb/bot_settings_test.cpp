// A bot's settings: each field checked by name before anything changes, the API key hidden
// from the public form but kept in the stored one.
#include "kb/bot_settings.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace parley {
namespace {
namespace json = boost::json;

json::object parse(std::string_view text) { return json::parse(text).as_object(); }

// The patch is refused, naming `field`, and the settings are left as they were.
void expect_refused(const std::string& patch, const std::string& field) {
  BotSettings settings;
  settings.welcome_message = "Hello there";
  auto applied = apply_settings(settings, parse(patch));
  ASSERT_FALSE(applied.ok()) << patch;
  EXPECT_EQ(applied.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(applied.error().message.rfind(field, 0), 0u)
      << patch << " -> " << applied.error().message;
  EXPECT_EQ(settings.welcome_message, "Hello there");
  EXPECT_EQ(settings.confidence_threshold, 0.35);
}

TEST(BotSettings, DefaultsAreUsable) {
  BotSettings settings;
  EXPECT_EQ(settings.answer_mode, "extractive");
  EXPECT_FALSE(settings.welcome_message.empty());
  EXPECT_FALSE(settings.fallback_message.empty());
  EXPECT_FALSE(settings.handoff_message.empty());
  EXPECT_TRUE(apply_settings(settings, {}).ok());
}

TEST(BotSettings, AppliesOnlyTheFieldsGiven) {
  BotSettings settings;
  settings.instructions = "Be brief.";
  auto applied =
      apply_settings(settings, parse(R"({"welcome_message":"Moin!","confidence_threshold":0.5,
                          "suggested_questions":["Opening hours?","Returns?"],
                          "languages":["de","pt-BR"],"max_tokens":1024,
                          "allowed_origins":["https://shop.example.com","http://localhost:3000"],
                          "messages_per_minute":5,"temperature":1})"));
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(settings.instructions, "Be brief.");
  EXPECT_EQ(settings.welcome_message, "Moin!");
  EXPECT_EQ(settings.confidence_threshold, 0.5);
  EXPECT_EQ(settings.suggested_questions, (std::vector<std::string>{"Opening hours?", "Returns?"}));
  EXPECT_EQ(settings.languages, (std::vector<std::string>{"de", "pt-BR"}));
  EXPECT_EQ(settings.max_tokens, 1024);
  EXPECT_EQ(settings.allowed_origins.size(), 2u);
  EXPECT_EQ(settings.messages_per_minute, 5);
  EXPECT_EQ(settings.temperature, 1.0);
}

TEST(BotSettings, UnknownFieldIsRefusedByName) {
  expect_refused(R"({"welcome_message":"Hi","colour":"red"})", "settings.colour");
  expect_refused(R"({"model":{"base_url":"https://api.example.com/v1","region":"eu"}})",
                 "settings.model.region");
}

TEST(BotSettings, OutOfRangeValuesAreRefusedByName) {
  expect_refused(R"({"confidence_threshold":1.5})", "settings.confidence_threshold");
  expect_refused(R"({"confidence_threshold":-0.1})", "settings.confidence_threshold");
  expect_refused(R"({"confidence_threshold":"high"})", "settings.confidence_threshold");
  expect_refused(R"({"temperature":2.5})", "settings.temperature");
  expect_refused(R"({"max_tokens":8})", "settings.max_tokens");
  expect_refused(R"({"max_tokens":100.5})", "settings.max_tokens");
  expect_refused(R"({"messages_per_minute":0})", "settings.messages_per_minute");
  expect_refused(R"({"answer_mode":"creative"})", "settings.answer_mode");
}

TEST(BotSettings, BadTextsAndListsAreRefusedByName) {
  expect_refused(R"({"welcome_message":42})", "settings.welcome_message");
  expect_refused(R"({"fallback_message":""})", "settings.fallback_message");
  expect_refused(R"({"handoff_message":""})", "settings.handoff_message");
  expect_refused(R"({"instructions":")" + std::string(8001, 'x') + R"("})",
                 "settings.instructions");
  expect_refused(R"({"suggested_questions":["a","b","c","d","e","f","g","h","i","j","k"]})",
                 "settings.suggested_questions");
  expect_refused(R"({"suggested_questions":[""]})", "settings.suggested_questions");
  expect_refused(R"({"languages":["english"]})", "settings.languages");
  expect_refused(R"({"allowed_origins":["https://shop.example.com/widget"]})",
                 "settings.allowed_origins");
  expect_refused(R"({"allowed_origins":["shop.example.com"]})", "settings.allowed_origins");
  expect_refused(R"({"model":{"base_url":"ftp://models.example.com"}})", "settings.model.base_url");
  expect_refused(R"({"model":"gpt"})", "settings.model");
}

TEST(BotSettings, GenerativeModeNeedsAModel) {
  expect_refused(R"({"answer_mode":"generative"})", "settings.model");
  expect_refused(
      R"({"answer_mode":"generative","model":{"base_url":"https://api.example.com/v1"}})",
      "settings.model");
  BotSettings settings;
  auto applied = apply_settings(settings, parse(R"({"answer_mode":"generative","model":{"base_url":
                          "https://api.example.com/v1","model":"small-1"}})"));
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(settings.answer_mode, "generative");
  EXPECT_EQ(settings.model.model, "small-1");
}

TEST(BotSettings, OneBadFieldLeavesTheGoodOnesUnapplied) {
  BotSettings settings;
  auto applied = apply_settings(settings, parse(R"({"welcome_message":"Changed","max_tokens":1})"));
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(settings.welcome_message, BotSettings().welcome_message);
}

TEST(BotSettings, PublicFormHidesTheApiKey) {
  BotSettings settings;
  ASSERT_TRUE(apply_settings(settings, parse(R"({"model":{"base_url":"https://api.example.com/v1",
                                                 "model":"small-1","api_key":"sk-very-secret"}})"))
                  .ok());
  json::object shown = settings_to_json(settings);
  EXPECT_EQ(json::serialize(shown).find("sk-very-secret"), std::string::npos);
  const json::object& model = shown.at("model").as_object();
  EXPECT_FALSE(model.contains("api_key"));
  EXPECT_EQ(model.at("api_key_set"), json::value(true));
  EXPECT_EQ(model.at("model"), json::value("small-1"));
  EXPECT_EQ(settings_to_json(BotSettings{}).at("model").at("api_key_set"), json::value(false));
}

TEST(BotSettings, ChangingTheModelKeepsTheKeyUnlessReplaced) {
  BotSettings settings;
  ASSERT_TRUE(apply_settings(settings, parse(R"({"model":{"api_key":"sk-first"}})")).ok());
  ASSERT_TRUE(apply_settings(settings, parse(R"({"model":{"model":"medium-2"}})")).ok());
  EXPECT_EQ(settings.model.api_key, "sk-first");
  ASSERT_TRUE(apply_settings(settings, parse(R"({"model":{"api_key":""}})")).ok());
  EXPECT_EQ(settings.model.api_key, "");
}

TEST(BotSettings, StoredFormRoundTripsEverything) {
  BotSettings settings;
  ASSERT_TRUE(apply_settings(settings, parse(R"({"instructions":"Answer in haiku.",
      "suggested_questions":["Prices?"],"confidence_threshold":0.8,"answer_mode":"generative",
      "model":{"base_url":"https://api.example.com/v1","model":"small-1","api_key":"sk-keep"},
      "temperature":0.7,"max_tokens":300,"languages":["fr"],
      "allowed_origins":["https://shop.example.com"],"messages_per_minute":60})"))
                  .ok());
  std::string stored = settings_to_storage(settings);
  EXPECT_NE(stored.find("sk-keep"), std::string::npos);
  auto back = settings_from_storage(stored);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(settings_to_storage(*back), stored);
  EXPECT_EQ(back->model.api_key, "sk-keep");
  EXPECT_EQ(back->answer_mode, "generative");
  EXPECT_EQ(back->confidence_threshold, 0.8);
}

TEST(BotSettings, EmbeddingsEndpointFollowsTheModelsRules) {
  expect_refused(R"({"embeddings":"text-embedding-3-small"})", "settings.embeddings");
  expect_refused(R"({"embeddings":{"base_url":"ftp://models.example.com"}})",
                 "settings.embeddings.base_url");
  expect_refused(R"({"embeddings":{"dimensions":256}})", "settings.embeddings.dimensions");
  expect_refused(R"({"embeddings":{"model":7}})", "settings.embeddings.model");

  BotSettings settings;
  ASSERT_TRUE(apply_settings(settings, parse(R"({"embeddings":{"base_url":
      "https://api.example.com/v1","model":"embed-1","api_key":"sk-embed-secret"}})"))
                  .ok());
  EXPECT_TRUE(settings.embeddings.configured());
  EXPECT_FALSE(settings.model.configured());  // the chat model is another field
  json::object shown = settings_to_json(settings);
  EXPECT_EQ(json::serialize(shown).find("sk-embed-secret"), std::string::npos);
  EXPECT_EQ(shown.at("embeddings").at("api_key_set"), json::value(true));
  EXPECT_EQ(shown.at("embeddings").at("model"), json::value("embed-1"));
  EXPECT_EQ(shown.at("model").at("api_key_set"), json::value(false));

  // Another model at the same URL keeps the key; another URL without a key drops it.
  ASSERT_TRUE(apply_settings(settings, parse(R"({"embeddings":{"model":"embed-2"}})")).ok());
  EXPECT_EQ(settings.embeddings.api_key, "sk-embed-secret");
  ASSERT_TRUE(
      apply_settings(settings, parse(R"({"embeddings":{"base_url":"https://evil.example"}})"))
          .ok());
  EXPECT_EQ(settings.embeddings.api_key, "");
  EXPECT_EQ(settings.embeddings.model, "embed-2");

  // The stored form keeps the key, and reads back the same.
  ASSERT_TRUE(apply_settings(settings, parse(R"({"embeddings":{"api_key":"sk-new"}})")).ok());
  std::string stored = settings_to_storage(settings);
  EXPECT_NE(stored.find("sk-new"), std::string::npos);
  auto back = settings_from_storage(stored);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->embeddings.api_key, "sk-new");
  EXPECT_EQ(back->embeddings.base_url, "https://evil.example");
  // Settings stored before the field existed read back without embeddings.
  auto old = settings_from_storage(R"({"welcome_message":"Hi"})");
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->embeddings.configured());
}

TEST(BotSettings, SynonymGroupsAreCheckedAndKept) {
  BotSettings settings;
  auto applied = apply_settings(
      settings, parse(R"({"synonyms":[["refund","money back","reimbursement"],["login","sign in"]]})"));
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  ASSERT_EQ(settings.synonyms.size(), 2u);
  EXPECT_EQ(settings.synonyms[0],
            (std::vector<std::string>{"refund", "money back", "reimbursement"}));
  auto stored = settings_from_storage(settings_to_storage(settings));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->synonyms, settings.synonyms);
  EXPECT_EQ(json::serialize(settings_to_json(settings).at("synonyms")),
            R"([["refund","money back","reimbursement"],["login","sign in"]])");

  expect_refused(R"({"synonyms":[["alone"]]})", "settings.synonyms");
  expect_refused(R"({"synonyms":["refund","money back"]})", "settings.synonyms");
  expect_refused(R"({"synonyms":[["refund",""]]})", "settings.synonyms");
  expect_refused(R"({"synonyms":[["refund",7]]})", "settings.synonyms");
  expect_refused(R"({"synonyms":{"refund":"money back"}})", "settings.synonyms");
  std::string too_long = R"({"synonyms":[["refund",")" + std::string(101, 'a') + R"("]]})";
  expect_refused(too_long, "settings.synonyms");
}

TEST(BotSettings, UnreadableStoredFormIsAnInternalError) {
  auto back = settings_from_storage("not json");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code, ErrorCode::internal);
}

TEST(BotSettings, LanguageCodes) {
  for (std::string_view good : {"en", "de", "haw", "pt-BR", "en-US"}) {
    EXPECT_TRUE(is_language_code(good)) << good;
  }
  for (std::string_view bad : {"", "e", "EN", "english", "pt-br", "pt_BR", "en-", "en-USA"}) {
    EXPECT_FALSE(is_language_code(bad)) << bad;
  }
}

}  // namespace
}  // namespace parley

namespace parley {
namespace {

json::object parse_object(std::string_view text) { return json::parse(text).as_object(); }

TEST(LeadFormSettings, DefaultsAskForAnOptionalNameAndARequiredEmailWithConsent) {
  BotSettings settings;
  const LeadFormSettings& form = settings.lead_form;
  EXPECT_TRUE(form.enabled);
  ASSERT_EQ(form.fields.size(), 2u);
  EXPECT_EQ(form.fields[0].key, "name");
  EXPECT_FALSE(form.fields[0].required);
  EXPECT_EQ(form.fields[1].key, "email");
  EXPECT_EQ(form.fields[1].type, "email");
  EXPECT_TRUE(form.fields[1].required);
  EXPECT_TRUE(form.consent_required);
  EXPECT_FALSE(form.consent_text.empty());
  EXPECT_TRUE(form.triggers.on_fallback);
  EXPECT_TRUE(form.triggers.on_handoff);
  EXPECT_FALSE(form.triggers.after_messages);
  EXPECT_EQ(form.field("email"), &form.fields[1]);
  EXPECT_EQ(form.field("phone"), nullptr);

  const json::object shown = settings_to_json(settings);
  const json::object& lead_form = shown.at("lead_form").as_object();
  EXPECT_TRUE(lead_form.at("enabled").as_bool());
  EXPECT_EQ(lead_form.at("fields").as_array().size(), 2u);
  EXPECT_TRUE(lead_form.at("triggers").at("after_messages").is_null());
}

TEST(LeadFormSettings, StandardKeysTakeTheirLabelAndTypeCustomKeysTheirOwn) {
  BotSettings settings;
  auto applied = apply_settings(settings, parse_object(R"({"lead_form":{
      "fields":[{"key":"email","required":true},{"key":"phone","label":"Mobile"},
                {"key":"company"},{"key":"order_no","label":"Order number","required":true},
                {"key":"notes","label":"Anything else?","type":"textarea"}],
      "consent_text":"Ich bin einverstanden, dass Acme mich kontaktiert.",
      "consent_required":false,
      "triggers":{"on_handoff":false,"after_messages":3}}})"));
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  const LeadFormSettings& form = settings.lead_form;
  ASSERT_EQ(form.fields.size(), 5u);
  EXPECT_EQ(form.fields[0].label, "Email");
  EXPECT_EQ(form.fields[0].type, "email");
  EXPECT_EQ(form.fields[1].label, "Mobile");
  EXPECT_EQ(form.fields[1].type, "phone");
  EXPECT_FALSE(form.fields[1].required);
  EXPECT_EQ(form.fields[2].label, "Company");
  EXPECT_EQ(form.fields[3].type, "text");
  EXPECT_TRUE(form.fields[3].required);
  EXPECT_EQ(form.fields[4].type, "textarea");
  EXPECT_EQ(form.consent_text, "Ich bin einverstanden, dass Acme mich kontaktiert.");
  EXPECT_FALSE(form.consent_required);
  EXPECT_TRUE(form.triggers.on_fallback);  // not given: unchanged
  EXPECT_FALSE(form.triggers.on_handoff);
  EXPECT_EQ(form.triggers.after_messages, 3);

  // Stored and read back whole; then a partial change keeps the rest.
  auto restored = settings_from_storage(settings_to_storage(settings));
  ASSERT_TRUE(restored.ok()) << restored.error().message;
  EXPECT_EQ(restored->lead_form.fields.size(), 5u);
  EXPECT_EQ(restored->lead_form.fields[3].key, "order_no");
  EXPECT_EQ(restored->lead_form.fields[3].label, "Order number");
  EXPECT_EQ(restored->lead_form.triggers.after_messages, 3);
  EXPECT_FALSE(restored->lead_form.consent_required);
  ASSERT_TRUE(
      apply_settings(*restored,
                     parse_object(R"({"lead_form":{"enabled":false,
                                      "triggers":{"after_messages":null}}})"))
          .ok());
  EXPECT_FALSE(restored->lead_form.enabled);
  EXPECT_FALSE(restored->lead_form.triggers.after_messages);
  EXPECT_EQ(restored->lead_form.fields.size(), 5u);

  // Settings stored before the lead form existed read with its defaults.
  auto old = settings_from_storage(R"({"welcome_message":"Hi"})");
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old->lead_form.enabled);
  EXPECT_EQ(old->lead_form.fields.size(), 2u);
}

TEST(LeadFormSettings, BadFormsAreRefusedNamingTheField) {
  expect_refused(R"({"lead_form":true})", "settings.lead_form:");
  expect_refused(R"({"lead_form":{"colour":"red"}})", "settings.lead_form.colour");
  expect_refused(R"({"lead_form":{"enabled":"yes"}})", "settings.lead_form.enabled");
  expect_refused(R"({"lead_form":{"fields":[]}})", "settings.lead_form.fields");
  std::string many = R"({"lead_form":{"fields":[)";
  for (int i = 0; i < 21; ++i) {
    many += std::string(i ? "," : "") + R"({"key":"f)" + std::to_string(i) + R"(","label":"F"})";
  }
  expect_refused(many + "]}}", "settings.lead_form.fields");
  expect_refused(R"({"lead_form":{"fields":[{"key":"Email"}]}})",
                 "settings.lead_form.fields[0].key");
  expect_refused(R"({"lead_form":{"fields":[{"key":"1st"}]}})",
                 "settings.lead_form.fields[0].key");
  expect_refused(R"({"lead_form":{"fields":[{"key":")" + std::string(41, 'a') + R"("}]}})",
                 "settings.lead_form.fields[0].key");
  expect_refused(R"({"lead_form":{"fields":[{"label":"Name"}]}})",
                 "settings.lead_form.fields[0].key");
  expect_refused(R"({"lead_form":{"fields":[{"key":"email"},{"key":"email"}]}})",
                 "settings.lead_form.fields[1].key");
  expect_refused(R"({"lead_form":{"fields":[{"key":"order_no"}]}})",
                 "settings.lead_form.fields[0].label");
  expect_refused(R"({"lead_form":{"fields":[{"key":"name","label":""}]}})",
                 "settings.lead_form.fields[0].label");
  expect_refused(R"({"lead_form":{"fields":[{"key":"name","label":")" + std::string(101, 'x') +
                     R"("}]}})",
                 "settings.lead_form.fields[0].label");
  expect_refused(R"({"lead_form":{"fields":[{"key":"name","type":"date"}]}})",
                 "settings.lead_form.fields[0].type");
  expect_refused(R"({"lead_form":{"fields":[{"key":"name","required":1}]}})",
                 "settings.lead_form.fields[0].required");
  expect_refused(R"({"lead_form":{"fields":[{"key":"name","hint":"x"}]}})",
                 "settings.lead_form.fields[0].hint");
  expect_refused(R"({"lead_form":{"consent_text":" "}})", "settings.lead_form.consent_text");
  expect_refused(R"({"lead_form":{"consent_text":")" + std::string(1001, 'x') + R"("}})",
                 "settings.lead_form.consent_text");
  expect_refused(R"({"lead_form":{"triggers":{"after_messages":0}}})",
                 "settings.lead_form.triggers.after_messages");
  expect_refused(R"({"lead_form":{"triggers":{"after_messages":101}}})",
                 "settings.lead_form.triggers.after_messages");
  expect_refused(R"({"lead_form":{"triggers":{"on_fallback":null}}})",
                 "settings.lead_form.triggers.on_fallback");
  expect_refused(R"({"lead_form":{"triggers":{"sometimes":true}}})",
                 "settings.lead_form.triggers.sometimes");

  // Limits are in characters: 100 two-byte letters make a valid label.
  std::string label;
  for (int i = 0; i < 100; ++i) label += "\xc3\xa9";
  BotSettings settings;
  EXPECT_TRUE(apply_settings(settings, parse_object(R"({"lead_form":{"fields":[{"key":"name","label":")" +
                                                    label + R"("}]}})"))
                  .ok());
}

}  // namespace
}  // namespace parley
