#include "store/schema.h"

namespace parley {

// Bots and their knowledge: sources (a file, a text, a Q&A pair, a website), the original
// content of each, the pages of a crawled site, and the chunks answers are made from.
// Content, titles and URLs are sealed with the workspace key; deleting a bot or a source
// removes everything under it through the foreign keys.
Migration kb_migration() {
  return {5, "create bots and knowledge sources",
          R"sql(
CREATE TABLE bots (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  public_id TEXT NOT NULL UNIQUE,
  name_sealed BYTES NOT NULL,
  language TEXT NOT NULL,
  settings_sealed BYTES NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX bots_by_workspace ON bots (workspace_id, id);
CREATE TABLE sources (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  bot_id TEXT NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  external_id TEXT,
  title_sealed BYTES NOT NULL,
  url_sealed BYTES,
  file_type TEXT,
  byte_size BIGINT NOT NULL,
  options TEXT NOT NULL,
  status TEXT NOT NULL,
  progress_done BIGINT NOT NULL DEFAULT 0,
  progress_total BIGINT NOT NULL DEFAULT 0,
  error TEXT,
  page_count BIGINT NOT NULL DEFAULT 0,
  chunk_count BIGINT NOT NULL DEFAULT 0,
  claimed_until BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  synced_at BIGINT
);
CREATE INDEX sources_by_bot ON sources (bot_id, id);
CREATE UNIQUE INDEX sources_by_external_id ON sources (bot_id, external_id);
CREATE INDEX sources_by_status ON sources (status, updated_at);
CREATE TABLE source_contents (
  source_id TEXT PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
  content_sealed BYTES NOT NULL
);
CREATE TABLE source_pages (
  id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  url_hash TEXT NOT NULL,
  url_sealed BYTES NOT NULL,
  etag TEXT,
  last_modified TEXT,
  content_hash TEXT NOT NULL,
  simhash BIGINT NOT NULL,
  links_sealed BYTES NOT NULL,
  fetched_at BIGINT NOT NULL,
  UNIQUE (source_id, url_hash)
);
CREATE TABLE chunks (
  id TEXT PRIMARY KEY,
  bot_id TEXT NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
  source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  page_id TEXT REFERENCES source_pages(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  ordinal BIGINT NOT NULL,
  page BIGINT NOT NULL,
  content_hash TEXT NOT NULL,
  body_sealed BYTES NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (source_id, content_hash)
);
CREATE INDEX chunks_by_bot ON chunks (bot_id, id);
CREATE INDEX chunks_by_page ON chunks (page_id);
)sql"};
}

}  // namespace parley
