// /api/v1/workspaces/{ws_id}/members, /transfer and /invitations, and
// /api/v1/invitations/accept: who belongs to a workspace and how people join it. The routes
// admit callers by their least role; the workspace service applies the finer rules (only
// the owner grants "admin", nobody becomes owner but by transfer...).
#include <boost/json.hpp>

#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"

namespace parley {
namespace {

boost::json::object member_json(const MemberView& member) {
  return {{"user_id", member.user_id},
          {"email", member.email},
          {"role", member.role},
          {"joined_at", iso_time(member.joined_at)}};
}

boost::json::object invitation_json(const InvitationView& invitation) {
  return {{"id", invitation.id},
          {"workspace_id", invitation.workspace_id},
          {"email", invitation.email},
          {"role", invitation.role},
          {"invited_by", invitation.invited_by},
          {"created_at", iso_time(invitation.created_at)},
          {"expires_at", iso_time(invitation.expires_at)}};
}

void add_membership_routes(Router& router, WorkspaceService& workspaces) {
  router.add("GET", "/api/v1/workspaces/{ws_id}/members", {Access::member("viewer", "read")},
             [&workspaces](Request& request) {
               auto members = workspaces.members(request.principal.workspace_id);
               if (!members) return error_response(members.error());
               boost::json::array data;
               for (const auto& member : *members) data.push_back(member_json(member));
               return json_response(200, list_page(std::move(data), std::nullopt));
             });

  router.add("PATCH", "/api/v1/workspaces/{ws_id}/members/{user_id}",
             {Access::member("admin", "admin"), BodyKind::json}, [&workspaces](Request& request) {
               auto user_id = path_id(request, "user_id", "usr");
               if (!user_id) return not_found_response();
               auto fields = JsonFields::of(request);
               if (!fields) return error_response(fields.error());
               auto role = fields->required_string("role", 16);
               if (!role) return error_response(role.error());
               auto member = workspaces.change_role(request.principal.workspace_id,
                                                    actor_of(request), *user_id, *role);
               if (!member) return error_response(member.error());
               return json_response(200, member_json(*member));
             });

  // Any member may remove themselves (leave); removing others is for admins and the
  // owner, which the service decides.
  router.add("DELETE", "/api/v1/workspaces/{ws_id}/members/{user_id}",
             {Access::member("viewer", "admin")}, [&workspaces](Request& request) {
               auto user_id = path_id(request, "user_id", "usr");
               if (!user_id) return not_found_response();
               auto removed = workspaces.remove_member(request.principal.workspace_id,
                                                       actor_of(request), *user_id);
               if (!removed) return error_response(removed.error());
               return no_content_response();
             });

  router.add(
      "POST", "/api/v1/workspaces/{ws_id}/transfer", {Access::member("owner", ""), BodyKind::json},
      [&workspaces](Request& request) {
        auto fields = JsonFields::of(request);
        if (!fields) return error_response(fields.error());
        auto user_id = fields->required_string("user_id", 64);
        if (!user_id) return error_response(user_id.error());
        const std::string& workspace_id = request.principal.workspace_id;
        if (auto s = workspaces.transfer_ownership(workspace_id, actor_of(request), *user_id); !s) {
          return error_response(s.error());
        }
        auto members = workspaces.members(workspace_id);
        if (!members) return error_response(members.error());
        boost::json::array data;
        for (const auto& member : *members) data.push_back(member_json(member));
        return json_response(200, list_page(std::move(data), std::nullopt));
      });
}

void add_invitation_routes(Router& router, WorkspaceService& workspaces) {
  router.add("POST", "/api/v1/workspaces/{ws_id}/invitations",
             {Access::member("admin", "admin"), BodyKind::json}, [&workspaces](Request& request) {
               auto fields = JsonFields::of(request);
               if (!fields) return error_response(fields.error());
               auto email = fields->required_string("email", 320);
               if (!email) return error_response(email.error());
               auto role = fields->required_string("role", 16);
               if (!role) return error_response(role.error());
               auto invitation = workspaces.invite(request.principal.workspace_id, *email, *role,
                                                   actor_of(request));
               if (!invitation) return error_response(invitation.error());
               return json_response(201, invitation_json(*invitation));
             });

  router.add("GET", "/api/v1/workspaces/{ws_id}/invitations", {Access::member("admin", "admin")},
             [&workspaces](Request& request) {
               auto open = workspaces.list_invitations(request.principal.workspace_id);
               if (!open) return error_response(open.error());
               boost::json::array data;
               for (const auto& invitation : *open) data.push_back(invitation_json(invitation));
               return json_response(200, list_page(std::move(data), std::nullopt));
             });

  router.add("DELETE", "/api/v1/workspaces/{ws_id}/invitations/{invitation_id}",
             {Access::member("admin", "admin")}, [&workspaces](Request& request) {
               auto invitation_id = path_id(request, "invitation_id", "inv");
               if (!invitation_id) return not_found_response();
               auto revoked = workspaces.revoke_invitation(request.principal.workspace_id,
                                                           *invitation_id, actor_of(request));
               if (!revoked) return error_response(revoked.error());
               return no_content_response();
             });

  router.add(
      "POST", "/api/v1/invitations/accept", {Access::signed_in(), BodyKind::json},
      [&workspaces](Request& request) {
        auto fields = JsonFields::of(request);
        if (!fields) return error_response(fields.error());
        auto token = fields->required_string("token", 256);
        if (!token) return error_response(token.error());
        auto joined =
            workspaces.accept_invitation(*token, request.principal.user_id, request.remote_ip);
        if (!joined) return error_response(joined.error());
        return json_response(
            200, boost::json::object{{"id", joined->workspace.id},
                                     {"name", joined->workspace.name},
                                     {"role", joined->role},
                                     {"created_at", iso_time(joined->workspace.created_at)}});
      });
}

}  // namespace

void add_member_routes(Router& router, const ApiDeps& deps) {
  add_membership_routes(router, deps.workspaces);
  add_invitation_routes(router, deps.workspaces);
}

}  // namespace parley
