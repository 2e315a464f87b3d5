// /api/v1/bots/{bot_id}/sources: add a source (a file as multipart/form-data, or JSON for a
// text, a Q&A pair or a website), import many (JSON Lines), list them; one source: read
// (status, progress, counts, error), re-sync, delete, and list its chunks.
#include <boost/json.hpp>

#include "api/json_fields.h"
#include "api/routes.h"
#include "api/tenant_routes.h"
#include "http/multipart.h"
#include "kb/source_input.h"

namespace parley {
namespace json = boost::json;
namespace {

constexpr int64_t kMultipartOverhead = 64 * 1024;

json::object source_json(const SourceView& s) {
  json::object progress{{"done", s.progress_done}, {"total", s.progress_total}};
  json::object out{{"id", s.id},
                   {"bot_id", s.bot_id},
                   {"type", s.kind},
                   {"status", s.status},
                   {"progress", std::move(progress)},
                   {"title", s.title},
                   {"url", optional_text(s.url)},
                   {"external_id", optional_text(s.external_id)},
                   {"file_type", optional_text(s.file_type)},
                   {"bytes", s.byte_size},
                   {"page_count", s.page_count},
                   {"chunk_count", s.chunk_count},
                   {"error", optional_text(s.error)},
                   {"created_at", iso_time(s.created_at)},
                   {"updated_at", iso_time(s.updated_at)},
                   {"synced_at", s.synced_at ? json::value(iso_time(*s.synced_at)) : nullptr}};
  if (s.kind == "url") {
    auto options = website_options_from(s.options);
    if (options) {
      out["crawl"] =
          json::object{{"max_pages", options->max_pages},
                       {"max_depth", options->max_depth},
                       {"sitemap", options->sitemap.empty() ? json::value(nullptr)
                                                            : json::value(options->sitemap)}};
    }
  }
  return out;
}

json::object chunk_json(const ChunkView& c) {
  json::array headings;
  for (const std::string& heading : c.body.headings) headings.emplace_back(heading);
  json::object out{{"id", c.id},
                   {"source_id", c.source_id},
                   {"type", c.kind},
                   {"ordinal", c.ordinal},
                   {"text", c.body.text},
                   {"title", c.body.title},
                   {"headings", std::move(headings)},
                   {"url", c.body.url.empty() ? json::value(nullptr) : json::value(c.body.url)},
                   {"page", c.body.page > 0 ? json::value(c.body.page) : json::value(nullptr)}};
  if (c.kind == "qa") {
    json::array alternatives;
    for (const std::string& alternative : c.body.alternatives)
      alternatives.emplace_back(alternative);
    out["question"] = c.body.question;
    out["alternatives"] = std::move(alternatives);
  }
  return out;
}

bool is_json(const Request& request) {
  std::string_view type = request.header("content-type");
  return type.substr(0, type.find(';')) == "application/json";
}

Result<SourceView> add_from_json(SourceService& sources, const Request& request) {
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) {
    return make_error(ErrorCode::invalid_argument, "the body must be a JSON object");
  }
  auto parsed = parse_source_json(body.as_object());
  if (!parsed) return parsed.error();
  const std::string& workspace = request.principal.workspace_id;
  std::string_view bot = request.param("bot_id");
  Actor actor = actor_of(request);
  if (auto* text = std::get_if<TextInput>(&*parsed)) {
    return sources.add_text(workspace, bot, *text, actor);
  }
  if (auto* qa = std::get_if<QaInput>(&*parsed)) return sources.add_qa(workspace, bot, *qa, actor);
  return sources.add_website(workspace, bot, std::get<WebsiteInput>(*parsed), actor);
}

Result<SourceView> add_from_upload(SourceService& sources, const Request& request) {
  auto parts = parse_multipart(request.header("content-type"), request.body);
  if (!parts) return parts.error();
  for (const MultipartPart& part : *parts) {
    if (part.name != "file") continue;
    FileInput file{part.filename, std::string(part.data)};
    return sources.add_file(request.principal.workspace_id, request.param("bot_id"), file,
                            actor_of(request));
  }
  return make_error(ErrorCode::invalid_argument,
                    "file: send the file in a multipart/form-data field named \"file\"");
}

}  // namespace

void add_source_routes(Router& router, const ApiDeps& deps) {
  SourceService& sources = deps.sources;
  const int64_t upload_limit = deps.kb.max_upload_bytes + kMultipartOverhead;

  router.add("POST", "/api/v1/bots/{bot_id}/sources",
             {Access::member("admin", "write"), BodyKind::any, true, upload_limit},
             [&sources](Request& request) {
               auto made = is_json(request) ? add_from_json(sources, request)
                                            : add_from_upload(sources, request);
               if (!made) return error_response(made.error());
               return json_response(201, source_json(*made));
             });

  router.add("POST", "/api/v1/bots/{bot_id}/sources/bulk",
             {Access::member("admin", "write"), BodyKind::any, true, deps.kb.max_bulk_bytes},
             [&sources](Request& request) {
               auto imported =
                   sources.add_bulk(request.principal.workspace_id, request.param("bot_id"),
                                    request.body, actor_of(request));
               if (!imported) return error_response(imported.error());
               json::array data;
               for (const BulkItem& item : imported->items) {
                 data.push_back(json::object{{"id", item.id},
                                             {"external_id", optional_text(item.external_id)},
                                             {"created", item.created}});
               }
               return json_response(201, json::object{{"created", imported->created},
                                                      {"updated", imported->updated},
                                                      {"data", std::move(data)}});
             });

  router.add("GET", "/api/v1/bots/{bot_id}/sources", {Access::member("viewer", "read")},
             [&sources](Request& request) {
               auto limit = page_limit(request);
               if (!limit) return error_response(limit.error());
               auto page = sources.list(request.principal.workspace_id, request.param("bot_id"),
                                        request.query_param("cursor"), *limit);
               if (!page) return error_response(page.error());
               json::array data;
               for (const SourceView& source : page->sources) data.push_back(source_json(source));
               return json_response(200, list_page(std::move(data), page->next_cursor));
             });

  router.add("GET", "/api/v1/bots/{bot_id}/sources/{source_id}", {Access::member("viewer", "read")},
             [&sources](Request& request) {
               auto source = sources.get(request.principal.workspace_id, request.param("bot_id"),
                                         request.param("source_id"));
               if (!source) return error_response(source.error());
               return json_response(200, source_json(*source));
             });

  router.add("POST", "/api/v1/bots/{bot_id}/sources/{source_id}/resync",
             {Access::member("admin", "write")}, [&sources](Request& request) {
               auto source = sources.resync(request.principal.workspace_id, request.param("bot_id"),
                                            request.param("source_id"), actor_of(request));
               if (!source) return error_response(source.error());
               return json_response(202, source_json(*source));
             });

  router.add("DELETE", "/api/v1/bots/{bot_id}/sources/{source_id}",
             {Access::member("admin", "write")}, [&sources](Request& request) {
               auto removed =
                   sources.remove(request.principal.workspace_id, request.param("bot_id"),
                                  request.param("source_id"), actor_of(request));
               if (!removed) return error_response(removed.error());
               return no_content_response();
             });

  router.add("GET", "/api/v1/bots/{bot_id}/chunks", {Access::member("viewer", "read")},
             [&sources](Request& request) {
               auto limit = page_limit(request);
               if (!limit) return error_response(limit.error());
               auto page = sources.chunks(request.principal.workspace_id, request.param("bot_id"),
                                          request.query_param("source_id"),
                                          request.query_param("cursor"), *limit);
               if (!page) return error_response(page.error());
               json::array data;
               for (const ChunkView& chunk : page->chunks) data.push_back(chunk_json(chunk));
               return json_response(200, list_page(std::move(data), page->next_cursor));
             });
}

}  // namespace parley
