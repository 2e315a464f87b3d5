// /api/v1/auth: signup, email verification, login and logout, sessions, password reset
// and change, email change. Sessions travel in an HttpOnly cookie; the CSRF token in the
// response body is echoed back as X-CSRF-Token on changes.
#include <boost/json.hpp>

#include "api/auth.h"
#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"

namespace parley {
namespace {

RouteOptions public_json() { return {Access::public_route(), BodyKind::json, true}; }
RouteOptions signed_in_json() { return {Access::signed_in(), BodyKind::json, true}; }
RouteOptions signed_in_plain() { return {Access::signed_in(), BodyKind::none, true}; }

Response accepted(std::string status, std::string message) {
  return json_response(202, boost::json::object{{"status", status}, {"message", message}});
}

boost::json::object session_json(const SessionRow& session, std::string_view current_id) {
  return {{"id", session.id},
          {"created_at", iso_time(session.created_at)},
          {"last_seen_at", iso_time(session.last_seen_at)},
          {"expires_at", iso_time(session.expires_at)},
          {"current", session.id == current_id}};
}

boost::json::object user_json(AccountService& accounts, const UserRow& user) {
  auto email = accounts.email_of(user);
  return {{"id", user.id},
          {"email", email ? *email : ""},
          {"email_verified", user.email_verified_at.has_value()},
          {"is_operator", user.is_operator},
          {"created_at", iso_time(user.created_at)}};
}

// The caller's session again, for handlers that act on it (the chokepoint checked it).
Result<ActiveSession> current_session(AccountService& accounts, const Request& request) {
  return accounts.authenticate(session_token_from(request));
}

}  // namespace

void add_auth_routes(Router& router, const ApiDeps& deps) {
  AccountService& accounts = deps.accounts;
  const int64_t session_seconds =
      int64_t{deps.accounts_context.config.session_absolute_hours} * 3600;

  router.add("POST", "/api/v1/auth/signup", public_json(), [&accounts](Request& request) {
    auto fields = JsonFields::of(request);
    if (!fields) return error_response(fields.error());
    SignupInput input;
    auto email = fields->required_string("email", 320);
    if (!email) return error_response(email.error());
    auto password = fields->required_string("password", 8192);
    if (!password) return error_response(password.error());
    auto birth_date = fields->optional_string("birth_date", 32);
    if (!birth_date) return error_response(birth_date.error());
    auto confirmed = fields->optional_bool("age_confirmed_16_or_over");
    if (!confirmed) return error_response(confirmed.error());
    auto workspace = fields->optional_string("workspace_name", 200);
    if (!workspace) return error_response(workspace.error());
    input.email = *email;
    input.password = *password;
    input.birth_date = *birth_date;
    input.age_confirmed_16_or_over = *confirmed;
    input.workspace_name = workspace->value_or("");
    input.ip = request.remote_ip;
    if (auto s = accounts.signup(input); !s) return error_response(s.error());
    return accepted("verification_sent",
                    "Check your inbox: we sent a link to confirm your address.");
  });

  router.add("POST", "/api/v1/auth/verify-email", public_json(), [&accounts](Request& request) {
    auto fields = JsonFields::of(request);
    if (!fields) return error_response(fields.error());
    auto token = fields->required_string("token", 256);
    if (!token) return error_response(token.error());
    auto user_id = accounts.verify_email(*token);
    if (!user_id) return error_response(user_id.error());
    return json_response(200, boost::json::object{{"status", "verified"}, {"user_id", *user_id}});
  });

  router.add("POST", "/api/v1/auth/login", public_json(),
             [&accounts, session_seconds](Request& request) {
               auto fields = JsonFields::of(request);
               if (!fields) return error_response(fields.error());
               auto email = fields->required_string("email", 320);
               if (!email) return error_response(email.error());
               auto password = fields->required_string("password", 8192);
               if (!password) return error_response(password.error());
               auto signed_in = accounts.login(*email, *password, request.remote_ip);
               if (!signed_in) return error_response(signed_in.error());
               Response response = json_response(
                   200, boost::json::object{
                            {"user", user_json(accounts, signed_in->user)},
                            {"session", session_json(signed_in->session, signed_in->session.id)},
                            {"csrf_token", signed_in->csrf_token}});
               response.headers.emplace_back(
                   "Set-Cookie", session_cookie(request, signed_in->token, session_seconds));
               return response;
             });

  router.add("POST", "/api/v1/auth/logout", signed_in_plain(), [&accounts](Request& request) {
    auto active = current_session(accounts, request);
    if (!active) return error_response(active.error());
    if (auto s = accounts.logout(*active, request.remote_ip); !s) return error_response(s.error());
    Response response = no_content_response();
    response.headers.emplace_back("Set-Cookie", session_cookie(request, "", 0));
    return response;
  });

  router.add("GET", "/api/v1/auth/session", signed_in_plain(), [&accounts](Request& request) {
    auto active = current_session(accounts, request);
    if (!active) return error_response(active.error());
    return json_response(
        200, boost::json::object{{"user", user_json(accounts, active->user)},
                                 {"session", session_json(active->session, active->session.id)},
                                 {"csrf_token", request.principal.csrf_token}});
  });

  router.add("GET", "/api/v1/auth/sessions", signed_in_plain(), [&accounts](Request& request) {
    auto sessions = accounts.list_sessions(request.principal.user_id);
    if (!sessions) return error_response(sessions.error());
    boost::json::array data;
    for (const auto& session : *sessions) {
      data.push_back(session_json(session, request.principal.session_id));
    }
    return json_response(200, list_page(std::move(data), std::nullopt));
  });

  router.add("DELETE", "/api/v1/auth/sessions/{session_id}", signed_in_plain(),
             [&accounts](Request& request) {
               if (auto s = accounts.revoke_session(request.principal.user_id,
                                                    request.param("session_id"), request.remote_ip);
                   !s) {
                 return error_response(s.error());
               }
               return no_content_response();
             });

  router.add("POST", "/api/v1/auth/password-reset", public_json(), [&accounts](Request& request) {
    auto fields = JsonFields::of(request);
    if (!fields) return error_response(fields.error());
    auto email = fields->required_string("email", 320);
    if (!email) return error_response(email.error());
    if (auto s = accounts.request_password_reset(*email, request.remote_ip); !s) {
      return error_response(s.error());
    }
    return accepted("reset_sent",
                    "If an account uses this address, we sent it a link to choose a new "
                    "password.");
  });

  router.add("POST", "/api/v1/auth/password-reset/confirm", public_json(),
             [&accounts](Request& request) {
               auto fields = JsonFields::of(request);
               if (!fields) return error_response(fields.error());
               auto token = fields->required_string("token", 256);
               if (!token) return error_response(token.error());
               auto password = fields->required_string("password", 8192);
               if (!password) return error_response(password.error());
               if (auto s = accounts.reset_password(*token, *password, request.remote_ip); !s) {
                 return error_response(s.error());
               }
               return json_response(200, boost::json::object{{"status", "password_changed"}});
             });

  router.add("POST", "/api/v1/auth/password", signed_in_json(), [&accounts](Request& request) {
    auto fields = JsonFields::of(request);
    if (!fields) return error_response(fields.error());
    auto current = fields->required_string("current_password", 8192);
    if (!current) return error_response(current.error());
    auto next = fields->required_string("new_password", 8192);
    if (!next) return error_response(next.error());
    auto active = current_session(accounts, request);
    if (!active) return error_response(active.error());
    if (auto s = accounts.change_password(*active, *current, *next, request.remote_ip); !s) {
      return error_response(s.error());
    }
    return json_response(200, boost::json::object{{"status", "password_changed"}});
  });

  router.add("POST", "/api/v1/auth/email", signed_in_json(), [&accounts](Request& request) {
    auto fields = JsonFields::of(request);
    if (!fields) return error_response(fields.error());
    auto email = fields->required_string("new_email", 320);
    if (!email) return error_response(email.error());
    auto current = fields->required_string("current_password", 8192);
    if (!current) return error_response(current.error());
    auto active = current_session(accounts, request);
    if (!active) return error_response(active.error());
    if (auto s = accounts.request_email_change(*active, *email, *current, request.remote_ip); !s) {
      return error_response(s.error());
    }
    return accepted("verification_sent",
                    "Check the new address's inbox: the change takes effect once confirmed.");
  });

  router.add("POST", "/api/v1/auth/email/confirm", public_json(), [&accounts](Request& request) {
    auto fields = JsonFields::of(request);
    if (!fields) return error_response(fields.error());
    auto token = fields->required_string("token", 256);
    if (!token) return error_response(token.error());
    if (auto s = accounts.confirm_email_change(*token, request.remote_ip); !s) {
      return error_response(s.error());
    }
    return json_response(200, boost::json::object{{"status", "email_changed"}});
  });
}

}  // namespace parley
