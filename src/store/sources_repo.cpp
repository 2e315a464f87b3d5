#include "store/sources_repo.h"

#include "store/repo_util.h"

namespace parley {
namespace {

constexpr std::string_view kColumns =
    "id, workspace_id, bot_id, kind, external_id, title_sealed, url_sealed, file_type, "
    "byte_size, options, status, progress_done, progress_total, error, page_count, "
    "chunk_count, claimed_until, created_at, updated_at, synced_at";

std::string select_sources(std::string_view where) {
  return "SELECT " + std::string(kColumns) + " FROM sources WHERE " + std::string(where);
}

SourceRow source_from(const Row& row) {
  SourceRow s;
  s.id = row.text(0);
  s.workspace_id = row.text(1);
  s.bot_id = row.text(2);
  s.kind = row.text(3);
  s.external_id = text_or_null(row, 4);
  s.title_sealed = row.bytes(5);
  if (!row.is_null(6)) s.url_sealed = row.bytes(6);
  s.file_type = text_or_null(row, 7);
  s.byte_size = row.integer(8);
  s.options = row.text(9);
  s.status = row.text(10);
  s.progress_done = row.integer(11);
  s.progress_total = row.integer(12);
  s.error = text_or_null(row, 13);
  s.page_count = row.integer(14);
  s.chunk_count = row.integer(15);
  s.claimed_until = integer_or_null(row, 16);
  s.created_at = row.integer(17);
  s.updated_at = row.integer(18);
  s.synced_at = integer_or_null(row, 19);
  return s;
}

Result<std::optional<SourceRow>> first_source(Result<std::vector<Row>> rows) {
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<SourceRow>{};
  return std::optional<SourceRow>(source_from(rows->front()));
}

}  // namespace

Status insert_source(Tx& tx, const SourceRow& s) {
  return done(tx.exec(
      "INSERT INTO sources (" + std::string(kColumns) +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
          "$18, $19, $20)",
      {s.id,
       s.workspace_id,
       s.bot_id,
       s.kind,
       or_null(s.external_id),
       s.title_sealed,
       or_null(s.url_sealed),
       or_null(s.file_type),
       s.byte_size,
       s.options,
       s.status,
       s.progress_done,
       s.progress_total,
       or_null(s.error),
       s.page_count,
       s.chunk_count,
       or_null(s.claimed_until),
       s.created_at,
       s.updated_at,
       or_null(s.synced_at)}));
}

Status replace_source(Tx& tx, const SourceRow& s) {
  return changed_one(
      tx.exec("UPDATE sources SET kind = $3, title_sealed = $4, url_sealed = $5, byte_size = $6, "
              "options = $7, status = 'queued', progress_done = 0, progress_total = 0, "
              "error = NULL, claimed_until = NULL, updated_at = $8 WHERE id = $1 AND bot_id = $2",
              {s.id, s.bot_id, s.kind, s.title_sealed, or_null(s.url_sealed), s.byte_size,
               s.options, s.updated_at}),
      "source");
}

Result<std::optional<SourceRow>> find_source(Tx& tx, std::string_view bot_id,
                                             std::string_view source_id) {
  return first_source(tx.query(select_sources("id = $1 AND bot_id = $2"),
                               {std::string(source_id), std::string(bot_id)}));
}

Result<std::optional<SourceRow>> find_source_by_external_id(Tx& tx, std::string_view bot_id,
                                                            std::string_view external_id) {
  return first_source(tx.query(select_sources("bot_id = $1 AND external_id = $2"),
                               {std::string(bot_id), std::string(external_id)}));
}

Result<std::vector<SourceRow>> list_sources(Tx& tx, std::string_view bot_id,
                                            std::string_view after_id, int limit) {
  auto rows = tx.query(select_sources("bot_id = $1 AND id > $2 ORDER BY id LIMIT $3"),
                       {std::string(bot_id), std::string(after_id), int64_t{limit}});
  if (!rows) return rows.error();
  std::vector<SourceRow> sources;
  for (const Row& row : *rows) sources.push_back(source_from(row));
  return sources;
}

Result<ExternalIds> list_external_ids(Tx& tx, std::string_view bot_id) {
  auto rows =
      tx.query("SELECT external_id, id FROM sources WHERE bot_id = $1 AND external_id IS NOT NULL",
               {std::string(bot_id)});
  if (!rows) return rows.error();
  ExternalIds ids;
  for (const Row& row : *rows) ids.emplace(row.text(0), row.text(1));
  return ids;
}

Result<BotUsage> bot_usage(Tx& tx, std::string_view bot_id) {
  auto rows =
      tx.query("SELECT COUNT(*), COALESCE(SUM(byte_size), 0) FROM sources WHERE bot_id = $1",
               {std::string(bot_id)});
  if (!rows) return rows.error();
  return BotUsage{rows->front().integer(0), rows->front().integer(1)};
}

Status delete_source(Tx& tx, std::string_view bot_id, std::string_view source_id) {
  return changed_one(tx.exec("DELETE FROM sources WHERE id = $1 AND bot_id = $2",
                             {std::string(source_id), std::string(bot_id)}),
                     "source");
}

Result<std::vector<SourceRow>> claim_sources(Tx& tx, int64_t now, int64_t lease_until,
                                             int max_light) {
  constexpr std::string_view kClaimable =
      "(status = 'queued' OR (status = 'processing' AND claimed_until < $1))";
  auto first =
      tx.query(select_sources(std::string(kClaimable) + " ORDER BY updated_at, id LIMIT 1"), {now});
  if (!first) return first.error();
  std::vector<SourceRow> claimed;
  if (first->empty()) return claimed;
  claimed.push_back(source_from(first->front()));
  if (claimed.front().kind == "text" || claimed.front().kind == "qa") {
    auto more = tx.query(
        select_sources(std::string(kClaimable) + " AND kind IN ('text', 'qa') AND id <> $2 "
                                                 "ORDER BY updated_at, id LIMIT $3"),
        {now, claimed.front().id, int64_t{max_light - 1}});
    if (!more) return more.error();
    for (const Row& row : *more) claimed.push_back(source_from(row));
  }
  for (SourceRow& source : claimed) {
    auto marked = tx.exec(
        "UPDATE sources SET status = 'processing', claimed_until = $2, updated_at = $3 "
        "WHERE id = $1",
        {source.id, lease_until, now});
    if (!marked) return marked.error();
    source.status = "processing";
    source.claimed_until = lease_until;
  }
  return claimed;
}

Result<bool> still_claimed(Tx& tx, std::string_view source_id, int64_t lease) {
  auto rows = tx.query(
      "SELECT 1 FROM sources WHERE id = $1 AND status = 'processing' AND claimed_until = $2",
      {std::string(source_id), lease});
  if (!rows) return rows.error();
  return !rows->empty();
}

Status requeue_source(Tx& tx, std::string_view bot_id, std::string_view source_id, int64_t now) {
  return changed_one(
      tx.exec("UPDATE sources SET status = 'queued', progress_done = 0, progress_total = 0, "
              "error = NULL, claimed_until = NULL, updated_at = $3 WHERE id = $1 AND bot_id = $2",
              {std::string(source_id), std::string(bot_id), now}),
      "source");
}

Result<bool> set_source_progress(Tx& tx, std::string_view source_id, int64_t done_count,
                                 int64_t total, int64_t lease, int64_t new_lease, int64_t now) {
  auto changed = tx.exec(
      "UPDATE sources SET progress_done = $2, progress_total = $3, claimed_until = $5, "
      "updated_at = $6 WHERE id = $1 AND status = 'processing' AND claimed_until = $4",
      {std::string(source_id), done_count, total, lease, new_lease, now});
  if (!changed) return changed.error();
  return *changed > 0;
}

Status finish_source(Tx& tx, std::string_view source_id, const SourceOutcome& outcome,
                     int64_t now) {
  auto finished = tx.exec(
      "UPDATE sources SET status = $2, error = $3, file_type = COALESCE($4, file_type), "
      "title_sealed = COALESCE($5, title_sealed), page_count = $6, chunk_count = $7, "
      "claimed_until = NULL, updated_at = $8, synced_at = $8, "
      "progress_done = progress_total WHERE id = $1",
      {std::string(source_id), outcome.status, or_null(outcome.error), or_null(outcome.file_type),
       or_null(outcome.title_sealed), outcome.page_count, outcome.chunk_count, now});
  return changed_one(std::move(finished), "source");
}

Status put_source_content(Tx& tx, std::string_view source_id, const Bytes& content_sealed) {
  return done(
      tx.exec("INSERT INTO source_contents (source_id, content_sealed) VALUES ($1, $2) "
              "ON CONFLICT (source_id) DO UPDATE SET content_sealed = excluded.content_sealed",
              {std::string(source_id), content_sealed}));
}

Result<std::optional<Bytes>> find_source_content(Tx& tx, std::string_view source_id) {
  auto rows = tx.query("SELECT content_sealed FROM source_contents WHERE source_id = $1",
                       {std::string(source_id)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Bytes>{};
  return std::optional<Bytes>(rows->front().bytes(0));
}

Result<std::string> upsert_page(Tx& tx, const PageRow& page) {
  auto rows = tx.query(
      "INSERT INTO source_pages (id, source_id, url_hash, url_sealed, etag, last_modified, "
      "content_hash, simhash, links_sealed, fetched_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
      "ON CONFLICT (source_id, url_hash) DO UPDATE SET etag = excluded.etag, "
      "last_modified = excluded.last_modified, content_hash = excluded.content_hash, "
      "simhash = excluded.simhash, links_sealed = excluded.links_sealed, "
      "fetched_at = excluded.fetched_at RETURNING id",
      {page.id, page.source_id, page.url_hash, page.url_sealed, or_null(page.etag),
       or_null(page.last_modified), page.content_hash, page.simhash, page.links_sealed,
       page.fetched_at});
  if (!rows) return rows.error();
  return rows->front().text(0);
}

Result<std::vector<PageRow>> list_pages(Tx& tx, std::string_view source_id) {
  auto rows = tx.query(
      "SELECT id, source_id, url_hash, url_sealed, etag, last_modified, content_hash, simhash, "
      "links_sealed, fetched_at FROM source_pages WHERE source_id = $1 ORDER BY id",
      {std::string(source_id)});
  if (!rows) return rows.error();
  std::vector<PageRow> pages;
  for (const Row& row : *rows) {
    pages.push_back({row.text(0), row.text(1), row.text(2), row.bytes(3), text_or_null(row, 4),
                     text_or_null(row, 5), row.text(6), row.integer(7), row.bytes(8),
                     row.integer(9)});
  }
  return pages;
}

Status delete_page(Tx& tx, std::string_view source_id, std::string_view page_id) {
  return done(tx.exec("DELETE FROM source_pages WHERE id = $1 AND source_id = $2",
                      {std::string(page_id), std::string(source_id)}));
}

}  // namespace parley
