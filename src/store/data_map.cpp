#include "store/data_map.h"

namespace parley {

namespace {
constexpr const char* kMailPurpose =
    "deliver account emails (verification, password reset, invitations)";
// Knowledge a business gives its bots may name people (staff, customers in a FAQ): it is
// sealed with the workspace key and kept while the account is.
constexpr const char* kKnowledgePurpose = "answer the business's visitors from its knowledge";
ColumnInfo knowledge(std::string column, std::string category) {
  return {std::move(column), std::move(category), kKnowledgePurpose, LegalBasis::contract,
          Retention::account_data, true};
}
// Chat transcripts: "Chatbot interaction data: retained for up to 12 months". Message text
// and citations are sealed with the visitor's own key, so erasing a visitor is destroying it.
constexpr const char* kChatPurpose =
    "answer the visitor and keep the conversation for the business (transcripts, handoff)";
ColumnInfo chat(std::string column, std::string category, bool sealed) {
  return {std::move(column), std::move(category), kChatPurpose, LegalBasis::contract,
          Retention::chatbot_data, sealed};
}
// Leads: details a visitor chose to leave so the business can contact them, given with
// their consent. The consent record (what they were shown, whether they agreed, under which
// policy version) is what proves it, so it is kept with the lead.
constexpr const char* kLeadPurpose =
    "let the business contact the visitor about their request, as they asked";
constexpr const char* kConsentProofPurpose =
    "prove the visitor's consent: the exact text shown, their answer and the privacy policy "
    "version";
ColumnInfo lead(std::string column, std::string category, const char* purpose, bool sealed) {
  return {std::move(column), std::move(category), purpose, LegalBasis::consent,
          Retention::chatbot_data, sealed};
}

// Ratings of answers and the visitor's comment: kept to improve the bot (the unanswered
// questions list), a legitimate interest of the business; the comment is sealed with the
// visitor's key like the messages, so it goes with them on erasure.
constexpr const char* kFeedbackPurpose =
    "improve the bot's answers (ratings, comments, the unanswered questions list)";
ColumnInfo feedback(std::string column, std::string category, bool sealed) {
  return {std::move(column), std::move(category), kFeedbackPurpose,
          LegalBasis::legitimate_interests, Retention::chatbot_data, sealed};
}
}  // namespace

const std::vector<TableInfo>& data_map() {
  static const std::vector<TableInfo> map = {
      {"schema_migrations", "which schema migrations have been applied, and when", "", {}},
      {"meta", "facts about this installation: instance id, creation time", "", {}},
      {"users",
       "account holders: sign-in identity and the age statement",
       "id",
       {{"email_hash", "user.contact.email_lookup",
         "find the account at login without storing the address in clear", LegalBasis::contract,
         Retention::account_data, false},
        {"email_sealed", "user.contact.email", "sign-in and account emails", LegalBasis::contract,
         Retention::account_data, true},
        {"password_hash", "user.credential", "sign-in (argon2id hash, never the password)",
         LegalBasis::contract, Retention::account_data, false},
        {"age_statement", "user.age_statement",
         "prove the service is not offered to anyone under 16 (how age was stated; no birth "
         "date is kept)",
         LegalBasis::legal_obligation, Retention::account_data, false},
        {"last_active_at", "user.activity", "start the 24-month retention clock",
         LegalBasis::legitimate_interests, Retention::account_data, false}}},
      {"sessions",
       "dashboard sign-in sessions (token hashes only)",
       "user_id",
       {{"token_hash", "user.credential", "recognize a signed-in browser", LegalBasis::contract,
         Retention::account_data, false},
        {"last_seen_at", "user.activity", "expire idle sessions", LegalBasis::contract,
         Retention::account_data, false}}},
      {"one_time_tokens",
       "email verification, password reset and email change tokens (hashes only)",
       "user_id",
       {{"token_hash", "user.credential", "prove control of an email address", LegalBasis::contract,
         Retention::account_data, false},
        {"payload_sealed", "user.contact.email", "the new address during an email change",
         LegalBasis::contract, Retention::account_data, true}}},
      {"workspaces",
       "tenants: a business's bots, members and keys",
       "id",
       {{"name_sealed", "workspace.name", "show the workspace to its members", LegalBasis::contract,
         Retention::account_data, true}}},
      {"memberships",
       "who belongs to which workspace, with which role",
       "user_id",
       {{"role", "user.role", "decide what the member may do in the workspace",
         LegalBasis::contract, Retention::account_data, false}}},
      {"invitations",
       "pending invitations to join a workspace",
       "id",
       {{"email_hash", "user.contact.email_lookup", "match the invitation to the invitee",
         LegalBasis::contract, Retention::account_data, false},
        {"email_sealed", "user.contact.email", "send the invitation", LegalBasis::contract,
         Retention::account_data, true}}},
      {"api_keys", "workspace API keys (hashes, prefixes, scopes)", "", {}},
      {"login_throttle",
       "failed sign-in counters keyed by keyed hashes of the account and the client address",
       "key",
       {{"key", "technical.ip_pseudonym", "slow down password guessing",
         LegalBasis::legitimate_interests, Retention::technical_logs, false}}},
      {"mail_outbox",
       "account emails waiting for delivery, and those sent or failed in the last 30 days; "
       "the body (it carries the tokens) is emptied once the mail is sent or has failed, and "
       "the row is deleted 30 days after it was queued",
       "owner_id",
       {{"to_sealed", "user.contact.email", kMailPurpose, LegalBasis::contract,
         Retention::account_data, true},
        {"subject_sealed", "communication.content", kMailPurpose, LegalBasis::contract,
         Retention::account_data, true},
        {"body_sealed", "communication.content", kMailPurpose, LegalBasis::contract,
         Retention::account_data, true}}},
      // The audit log holds ids and a keyed hash only. Entries are not sealed and not
      // deleted on erasure: the hash chain must keep verifying, and once the account row
      // and its key are gone an id no longer leads to anyone.
      {"audit_log",
       "tamper-evident audit log: who did what to which object, in a hash chain",
       "actor_id",
       {{"actor_id", "user.id", "accountability: which account performed an action",
         LegalBasis::legitimate_interests, Retention::technical_logs, false},
        {"target_id", "user.id",
         "accountability: what an action was done to (a bot, a key, or a member's account)",
         LegalBasis::legitimate_interests, Retention::technical_logs, false},
        {"action", "user.activity", "accountability: what was done",
         LegalBasis::legitimate_interests, Retention::technical_logs, false},
        {"at", "user.activity", "accountability: when it was done",
         LegalBasis::legitimate_interests, Retention::technical_logs, false},
        {"ip_hash", "technical.ip_pseudonym",
         "security monitoring: tell repeated actions from one origin apart without storing "
         "the IP",
         LegalBasis::legitimate_interests, Retention::technical_logs, false}}},
      {"bots",
       "a workspace's chatbots: name, language and settings (persona, messages, model)",
       "workspace_id",
       {knowledge("name_sealed", "knowledge.bot"), knowledge("settings_sealed", "knowledge.bot")}},
      {"sources",
       "knowledge sources of a bot (files, texts, Q&A pairs, websites) and their status",
       "workspace_id",
       {knowledge("title_sealed", "knowledge.source"),
        knowledge("url_sealed", "knowledge.source")}},
      {"source_contents",
       "the original content of each source: the uploaded file, text or Q&A pair",
       "source_id",
       {knowledge("content_sealed", "knowledge.content")}},
      {"source_pages",
       "the pages of a crawled website, with what re-sync needs (ETag, Last-Modified, hashes, "
       "links)",
       "source_id",
       {knowledge("url_sealed", "knowledge.source"), knowledge("links_sealed", "knowledge.source")}},
      {"chunks",
       "passages of the knowledge, with title, headings and URL or page for citations",
       "bot_id",
       {knowledge("body_sealed", "knowledge.content")}},
      {"embeddings",
       "dense vectors of chunks for hybrid search, cached by workspace, model and a hash of the "
       "embedded text; a vector can give away its text, so it is sealed",
       "workspace_id",
       {knowledge("vector_sealed", "knowledge.content")}},
      {"conversations",
       "a bot's conversations with its visitors: who (a random visitor id), state, counts, "
       "times",
       "visitor_id",
       {chat("visitor_id", "visitor.id", false), chat("created_at", "visitor.activity", false),
        chat("updated_at", "visitor.activity", false), chat("agent_id", "user.id", false)}},
      {"messages",
       "what a visitor wrote and what the bot or an agent answered, with citations",
       "conversation_id",
       {chat("text_sealed", "visitor.message", true),
        chat("citations_sealed", "visitor.message", true), chat("author_id", "user.id", false)}},
      {"leads",
       "contact details a visitor submitted through a bot's lead form, with the consent "
       "record; exported and erased by visitor",
       "visitor_id",
       {lead("visitor_id", "visitor.id", kLeadPurpose, false),
        lead("fields_sealed", "visitor.lead", kLeadPurpose, true),
        lead("consent", "visitor.consent", kConsentProofPurpose, false),
        lead("consent_text", "visitor.consent", kConsentProofPurpose, false),
        lead("policy_version", "visitor.consent", kConsentProofPurpose, false),
        lead("created_at", "visitor.activity", kLeadPurpose, false)}},
      {"feedback",
       "a visitor's rating of a bot's answer (up or down) and an optional comment",
       "conversation_id",
       {feedback("rating", "visitor.feedback", false),
        feedback("comment_sealed", "visitor.feedback", true),
        feedback("created_at", "visitor.activity", false)}},
      {"audit_checkpoints", "signed checkpoints of the audit log's hash chain", "", {}},
      {"audit_head", "the audit log's newest entry hash, signed", "", {}},
  };
  return map;
}

const TableInfo* find_table(std::string_view table) {
  for (const TableInfo& info : data_map()) {
    if (info.table == table) return &info;
  }
  return nullptr;
}

const char* legal_basis_name(LegalBasis basis) {
  switch (basis) {
    case LegalBasis::contract:
      return "contract";
    case LegalBasis::legitimate_interests:
      return "legitimate_interests";
    case LegalBasis::legal_obligation:
      return "legal_obligation";
    case LegalBasis::consent:
      return "consent";
  }
  return "contract";
}

const char* retention_name(Retention retention) {
  switch (retention) {
    case Retention::account_data:
      return "account_data";
    case Retention::chatbot_data:
      return "chatbot_data";
    case Retention::technical_logs:
      return "technical_logs";
    case Retention::not_personal:
      return "not_personal";
  }
  return "not_personal";
}

int retention_months(Retention retention) {
  switch (retention) {
    case Retention::account_data:
      return 24;
    case Retention::chatbot_data:
      return 12;
    case Retention::technical_logs:
      return 12;
    case Retention::not_personal:
      return 0;
  }
  return 0;
}

}  // namespace parley
