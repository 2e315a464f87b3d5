// Every route of the HTTP API, registered in one place so that the server, the OpenAPI
// check and the authorization sweep all see the same list.
#pragma once

#include "accounts/account_service.h"
#include "accounts/api_key_service.h"
#include "accounts/workspace_service.h"
#include "api/health.h"
#include "http/router.h"
#include "chat/chat_service.h"
#include "chat/feedback_service.h"
#include "chat/transcript_service.h"
#include "kb/bot_service.h"
#include "kb/search_service.h"
#include "kb/source_service.h"
#include "leads/lead_service.h"
#include "widget/widget_service.h"

namespace parley {

struct ApiDeps {
  HealthDeps health;
  AccountsContext accounts_context;
  AccountService& accounts;
  ApiKeyService& keys;
  WorkspaceService& workspaces;
  BotService& bots;
  SourceService& sources;
  SearchService& search;
  ChatService& chat;
  LeadService& leads;
  TranscriptService& transcripts;
  FeedbackService& feedback;
  HandoffService& handoff;
  LiveEvents& live_events;
  const KbConfig& kb;
  WidgetService& widget;
};

void add_api_routes(Router& router, const ApiDeps& deps);

// One file per resource; each adds its routes.
void add_auth_routes(Router& router, const ApiDeps& deps);
void add_workspace_routes(Router& router, const ApiDeps& deps);
void add_member_routes(Router& router, const ApiDeps& deps);  // members, invitations, transfer
void add_key_routes(Router& router, const ApiDeps& deps);
void add_audit_routes(Router& router, const ApiDeps& deps);
void add_bot_routes(Router& router, const ApiDeps& deps);
void add_source_routes(Router& router, const ApiDeps& deps);  // sources and their chunks
void add_search_routes(Router& router, const ApiDeps& deps);
void add_chat_routes(Router& router, const ApiDeps& deps);
void add_transcript_routes(Router& router, const ApiDeps& deps);  // conversations read back
void add_lead_routes(Router& router, const ApiDeps& deps);        // lead forms submitted, read
void add_feedback_routes(Router& router, const ApiDeps& deps);  // ratings, unanswered questions
void add_handoff_routes(Router& router, const ApiDeps& deps);   // handoff, inbox, live events
void add_widget_routes(Router& router, const ApiDeps& deps);    // the embedded chat widget
void add_openai_routes(Router& router, const ApiDeps& deps);    // /v1: OpenAI's clients, unchanged

}  // namespace parley
