#include "kb/source_service.h"

#include <boost/json.hpp>
#include <charconv>

#include "core/ids.h"
#include "kb/chunk_codec.h"
#include "kb/extract/extract.h"
#include "kb/kb_audit.h"
#include "kb/source_input.h"
#include "kb/source_seal.h"
#include "store/bots_repo.h"
#include "store/chunks_repo.h"
#include "store/embeddings_repo.h"
#include "store/sources_repo.h"

namespace parley {
namespace json = boost::json;
namespace {

Error no_source() { return make_error(ErrorCode::not_found, "no such source"); }
Error no_bot() { return make_error(ErrorCode::not_found, "no such bot"); }

template <typename T>
Result<T> read_value(Store& store, const std::function<Result<T>(Tx&)>& fn) {
  std::optional<T> out;
  Status read = store.db().read([&](Tx& tx) -> Status {
    auto found = fn(tx);
    if (!found) return found.error();
    out = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();
  return std::move(*out);
}

// A chunk page's cursor: "<source_id>.<ordinal>.<chunk_id>" of its last chunk (ids hold no
// dots), since chunks are listed in document order.
std::string chunk_cursor_of(const ChunkRow& row) {
  return row.source_id + "." + std::to_string(row.ordinal) + "." + row.id;
}

Result<std::optional<ChunkPosition>> chunk_cursor_from(std::string_view cursor) {
  if (cursor.empty()) return std::optional<ChunkPosition>{};
  size_t first = cursor.find('.');
  size_t second = first == std::string_view::npos ? first : cursor.find('.', first + 1);
  Error bad = make_error(ErrorCode::invalid_argument, "cursor: give the next_cursor of a page");
  if (second == std::string_view::npos) return bad;
  ChunkPosition at;
  at.source_id = std::string(cursor.substr(0, first));
  std::string_view ordinal = cursor.substr(first + 1, second - first - 1);
  auto [end, ec] = std::from_chars(ordinal.data(), ordinal.data() + ordinal.size(), at.ordinal);
  if (ec != std::errc() || end != ordinal.data() + ordinal.size()) return bad;
  at.id = std::string(cursor.substr(second + 1));
  return std::optional<ChunkPosition>(std::move(at));
}

}  // namespace

struct SourceService::NewSource {
  SourceRow row;
  Bytes content_sealed;
};

Status SourceService::check_bot(Tx& tx, std::string_view workspace_id, std::string_view bot_id) {
  auto bot = find_bot(tx, workspace_id, bot_id);
  if (!bot) return bot.error();
  if (!*bot) return no_bot();
  return ok_status();
}

// Checked after the write's own inserts and replacements, so that what a replacement adds
// or removes counts too; a failure rolls the whole write back.
Status SourceService::check_limits(Tx& tx, std::string_view bot_id) {
  auto usage = bot_usage(tx, bot_id);
  if (!usage) return usage.error();
  if (usage->sources > ctx_.config.max_sources_per_bot) {
    return make_error(ErrorCode::conflict,
                      "this bot would have more than " +
                          std::to_string(ctx_.config.max_sources_per_bot) +
                          " sources, the most allowed (kb.max_sources_per_bot); delete some first");
  }
  if (usage->bytes > ctx_.config.max_bytes_per_bot) {
    return make_error(ErrorCode::conflict,
                      "this bot would hold more than " +
                          std::to_string(ctx_.config.max_bytes_per_bot / (1024 * 1024)) +
                          " MB of sources, the most allowed (kb.max_bytes_per_bot)");
  }
  return ok_status();
}

Result<SourceService::NewSource> SourceService::prepare(
    std::string_view workspace_id, std::string_view bot_id, const std::string& kind,
    std::string_view title, std::optional<std::string> url, std::string content,
    std::string options, std::optional<std::string> external_id,
    std::optional<std::string> existing_id) {
  NewSource made;
  SourceRow& row = made.row;
  row.id = existing_id ? *existing_id : new_id("src", ctx_.clock);
  row.workspace_id = std::string(workspace_id);
  row.bot_id = std::string(bot_id);
  row.kind = kind;
  row.external_id = std::move(external_id);
  row.byte_size = static_cast<int64_t>(content.size());
  row.options = std::move(options);
  row.status = "queued";
  row.created_at = row.updated_at = ctx_.clock.now_ms();
  auto sealed_title = ctx_.keyring.seal(row.workspace_id, source_title_field(row.id), title);
  if (!sealed_title) return sealed_title.error();
  row.title_sealed = std::move(*sealed_title);
  if (url) {
    auto sealed_url = ctx_.keyring.seal(row.workspace_id, source_url_field(row.id), *url);
    if (!sealed_url) return sealed_url.error();
    row.url_sealed = std::move(*sealed_url);
  }
  auto sealed_content = ctx_.keyring.seal(row.workspace_id, source_content_field(row.id), content);
  if (!sealed_content) return sealed_content.error();
  made.content_sealed = std::move(*sealed_content);
  return made;
}

Result<SourceView> SourceService::add(std::string_view workspace_id, std::string_view bot_id,
                                      NewSource source, const Actor& actor) {
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = check_bot(tx, workspace_id, bot_id); !s) return s;
    if (source.row.external_id) {
      auto existing = find_source_by_external_id(tx, bot_id, *source.row.external_id);
      if (!existing) return existing.error();
      if (*existing) {
        return make_error(ErrorCode::conflict,
                          "external_id: this bot already has a source with this external_id (" +
                              (*existing)->id + ")");
      }
    }
    if (auto s = insert_source(tx, source.row); !s) return s;
    if (auto s = put_source_content(tx, source.row.id, source.content_sealed); !s) return s;
    if (auto s = check_limits(tx, bot_id); !s) return s;
    return audit_kb_change(ctx_, tx, workspace_id, actor, "source.created", source.row.id);
  });
  if (!written) return written.error();
  events_.source_queued();
  return view_of(source.row);
}

Result<SourceView> SourceService::add_file(std::string_view workspace_id, std::string_view bot_id,
                                           const FileInput& input, const Actor& actor) {
  auto checked = check_file_input(input, ctx_.config);
  if (!checked) return checked.error();
  auto made = prepare(workspace_id, bot_id, "file", checked->title, std::nullopt, input.bytes,
                      checked->options, std::nullopt, std::nullopt);
  if (!made) return made.error();
  made->row.file_type = checked->file_type;
  return add(workspace_id, bot_id, std::move(*made), actor);
}

Result<SourceView> SourceService::add_text(std::string_view workspace_id, std::string_view bot_id,
                                           const TextInput& input, const Actor& actor) {
  if (auto s = check_text_input(input); !s) return s.error();
  auto made = prepare(workspace_id, bot_id, "text", input.title, input.url, input.text, "{}",
                      input.external_id, std::nullopt);
  if (!made) return made.error();
  return add(workspace_id, bot_id, std::move(*made), actor);
}

Result<SourceView> SourceService::add_qa(std::string_view workspace_id, std::string_view bot_id,
                                         const QaInput& input, const Actor& actor) {
  if (auto s = check_qa_input(input); !s) return s.error();
  auto made = prepare(workspace_id, bot_id, "qa", input.question, std::nullopt, qa_content(input),
                      "{}", input.external_id, std::nullopt);
  if (!made) return made.error();
  return add(workspace_id, bot_id, std::move(*made), actor);
}

Result<SourceView> SourceService::add_website(std::string_view workspace_id,
                                              std::string_view bot_id, const WebsiteInput& input,
                                              const Actor& actor) {
  auto options = check_website_input(input, ctx_.crawl);
  if (!options) return options.error();
  auto made = prepare(workspace_id, bot_id, "url", input.url, input.url, "", *options, std::nullopt,
                      std::nullopt);
  if (!made) return made.error();
  return add(workspace_id, bot_id, std::move(*made), actor);
}

Result<BulkResult> SourceService::add_bulk(std::string_view workspace_id, std::string_view bot_id,
                                           std::string_view jsonl, const Actor& actor) {
  auto lines = parse_bulk_lines(jsonl);
  if (!lines) return lines.error();
  auto known =
      read_value<ExternalIds>(ctx_.store, [&](Tx& tx) { return list_external_ids(tx, bot_id); });
  if (!known) return known.error();

  std::vector<NewSource> made;
  made.reserve(lines->size());
  BulkResult result;
  for (BulkLine& line : *lines) {
    const std::optional<std::string>& external_id =
        line.qa ? line.qa->external_id : line.text->external_id;
    std::optional<std::string> existing;
    if (external_id) {
      if (auto found = known->find(*external_id); found != known->end()) existing = found->second;
    }
    auto one = line.qa ? prepare(workspace_id, bot_id, "qa", line.qa->question, std::nullopt,
                                 qa_content(*line.qa), "{}", external_id, existing)
                       : prepare(workspace_id, bot_id, "text", line.text->title, line.text->url,
                                 line.text->text, "{}", external_id, existing);
    if (!one) return one.error();
    result.items.push_back({one->row.id, external_id, !existing});
    made.push_back(std::move(*one));
  }

  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = check_bot(tx, workspace_id, bot_id); !s) return s;
    auto now_known = list_external_ids(tx, bot_id);
    if (!now_known) return now_known.error();
    if (*now_known != *known) {
      return make_error(ErrorCode::conflict,
                        "the bot's sources changed while importing; send the import again");
    }
    for (size_t i = 0; i < made.size(); ++i) {
      const SourceRow& row = made[i].row;
      Status stored = result.items[i].created ? insert_source(tx, row) : replace_source(tx, row);
      if (!stored) return stored;
      if (auto s = put_source_content(tx, row.id, made[i].content_sealed); !s) return s;
    }
    if (auto s = check_limits(tx, bot_id); !s) return s;
    return audit_kb_change(ctx_, tx, workspace_id, actor, "source.imported", bot_id);
  });
  if (!written) return written.error();
  for (const BulkItem& item : result.items) ++(item.created ? result.created : result.updated);
  events_.source_queued();
  return result;
}

Result<SourceView> SourceService::view_of(const SourceRow& row) {
  SourceView view;
  view.id = row.id;
  view.bot_id = row.bot_id;
  view.kind = row.kind;
  view.status = row.status;
  view.progress_done = row.progress_done;
  view.progress_total = row.progress_total;
  auto title = open_source_title(ctx_.keyring, row);
  if (!title) return title.error();
  view.title = std::move(*title);
  auto url = open_source_url(ctx_.keyring, row);
  if (!url) return url.error();
  if (row.url_sealed) view.url = std::move(*url);
  view.external_id = row.external_id;
  view.file_type = row.file_type;
  view.byte_size = row.byte_size;
  view.page_count = row.page_count;
  view.chunk_count = row.chunk_count;
  view.error = row.error;
  view.options = row.options;
  view.created_at = row.created_at;
  view.updated_at = row.updated_at;
  view.synced_at = row.synced_at;
  return view;
}

Result<SourceView> SourceService::get(std::string_view workspace_id, std::string_view bot_id,
                                      std::string_view source_id) {
  auto row = read_value<std::optional<SourceRow>>(
      ctx_.store, [&](Tx& tx) -> Result<std::optional<SourceRow>> {
        if (auto s = check_bot(tx, workspace_id, bot_id); !s) return s.error();
        return find_source(tx, bot_id, source_id);
      });
  if (!row) return row.error();
  if (!*row) return no_source();
  return view_of(**row);
}

Result<SourcePage> SourceService::list(std::string_view workspace_id, std::string_view bot_id,
                                       std::string_view cursor, int limit) {
  auto rows =
      read_value<std::vector<SourceRow>>(ctx_.store, [&](Tx& tx) -> Result<std::vector<SourceRow>> {
        if (auto s = check_bot(tx, workspace_id, bot_id); !s) return s.error();
        return list_sources(tx, bot_id, cursor, limit + 1);
      });
  if (!rows) return rows.error();
  SourcePage page;
  if (rows->size() > static_cast<size_t>(limit)) {
    rows->resize(limit);
    page.next_cursor = rows->back().id;
  }
  for (const SourceRow& row : *rows) {
    auto view = view_of(row);
    if (!view) return view.error();
    page.sources.push_back(std::move(*view));
  }
  return page;
}

Result<SourceView> SourceService::resync(std::string_view workspace_id, std::string_view bot_id,
                                         std::string_view source_id, const Actor& actor) {
  Status written = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = check_bot(tx, workspace_id, bot_id); !s) return s;
    auto row = find_source(tx, bot_id, source_id);
    if (!row) return row.error();
    if (!*row) return no_source();
    if ((*row)->status == "processing" || (*row)->status == "queued") {
      return make_error(ErrorCode::conflict,
                        "the source is " + (*row)->status + "; re-sync it once it is done");
    }
    if (auto s = requeue_source(tx, bot_id, source_id, ctx_.clock.now_ms()); !s) return s;
    return audit_kb_change(ctx_, tx, workspace_id, actor, "source.resynced",
                           std::string(source_id));
  });
  if (!written) return written.error();
  events_.source_queued();
  return get(workspace_id, bot_id, source_id);
}

Status SourceService::remove(std::string_view workspace_id, std::string_view bot_id,
                             std::string_view source_id, const Actor& actor) {
  Status removed = ctx_.store.db().write([&](Tx& tx) -> Status {
    if (auto s = check_bot(tx, workspace_id, bot_id); !s) return s;
    if (auto s = delete_source(tx, bot_id, source_id); !s) return s;
    // Its vectors go too, unless another source of the workspace has the same text.
    if (auto pruned = prune_embeddings(tx, workspace_id); !pruned) return pruned.error();
    return audit_kb_change(ctx_, tx, workspace_id, actor, "source.deleted", source_id);
  });
  if (removed) events_.source_removed(std::string(bot_id), std::string(source_id));
  return removed;
}

Result<ChunkPage> SourceService::chunks(std::string_view workspace_id, std::string_view bot_id,
                                        std::string_view source_id, std::string_view cursor,
                                        int limit) {
  auto after = chunk_cursor_from(cursor);
  if (!after) return after.error();
  auto rows =
      read_value<std::vector<ChunkRow>>(ctx_.store, [&](Tx& tx) -> Result<std::vector<ChunkRow>> {
        if (auto s = check_bot(tx, workspace_id, bot_id); !s) return s.error();
        if (!source_id.empty()) {
          auto source = find_source(tx, bot_id, source_id);
          if (!source) return source.error();
          if (!*source) return no_source();
        }
        return list_chunks(tx, bot_id, source_id, *after, limit + 1);
      });
  if (!rows) return rows.error();
  ChunkPage page;
  if (rows->size() > static_cast<size_t>(limit)) {
    rows->resize(limit);
    page.next_cursor = chunk_cursor_of(rows->back());
  }
  const std::string workspace(workspace_id);
  for (const ChunkRow& row : *rows) {
    auto body = open_chunk_body(ctx_.keyring, workspace, row);
    if (!body) return body.error();
    page.chunks.push_back({row.id, row.source_id, row.kind, row.ordinal, std::move(*body)});
  }
  return page;
}

}  // namespace parley
