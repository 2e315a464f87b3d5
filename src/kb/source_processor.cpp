#include "kb/source_processor.h"

#include <boost/json.hpp>

#include "core/ids.h"
#include "core/sha256.h"
#include "kb/chunk_codec.h"
#include "kb/chunker.h"
#include "kb/embedding_codec.h"
#include "kb/extract/markdown.h"
#include "kb/source_input.h"
#include "kb/source_seal.h"
#include "store/chunks_repo.h"

namespace parley {
namespace {

Error no_text() {
  return make_error(ErrorCode::invalid_argument,
                    "no text found (a scanned image? Parley does not read text in images)");
}

// Identical Q&A pairs are stored once, like identical passages.
std::string qa_hash(const QaPair& pair) {
  std::string all = pair.question + '\n' + pair.answer;
  for (const std::string& alternative : pair.alternatives) all += '\n' + alternative;
  return sha256_hex(all);
}

ProcessedSource stopped() {
  ProcessedSource gone;
  gone.outcome.status = "failed";
  gone.outcome.error = kSourceChangedMeanwhile;
  return gone;
}

std::string filename_of(std::string_view options) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(options, ec);
  if (ec || !value.is_object()) return "upload";
  const boost::json::value* name = value.as_object().if_contains("filename");
  return name && name->is_string() ? std::string(name->as_string()) : "upload";
}

}  // namespace

ExtractOptions SourceProcessor::extract_options(std::string_view base_url) const {
  ExtractOptions options;
  options.base_url = std::string(base_url);
  options.max_uncompressed_bytes =
      static_cast<int64_t>(ctx_.config.extract_max_uncompressed_mb) * 1024 * 1024;
  options.max_zip_entries = ctx_.config.extract_max_zip_entries;
  return options;
}

Result<SourceProcessor::Chunks> SourceProcessor::chunk_rows(
    const SourceRow& source, const Document& document, const std::string& title,
    const std::string& url, const std::optional<std::string>& page_id) {
  ChunkingOptions options;
  options.target_chars = static_cast<size_t>(ctx_.config.chunk_target_chars);
  options.max_chars = static_cast<size_t>(ctx_.config.chunk_max_chars);
  options.overlap_chars = static_cast<size_t>(ctx_.config.chunk_overlap_chars);
  const std::string chunk_title = document.title.empty() ? title : document.title;

  Chunks rows;
  auto add_row = [&](const char* kind, const std::string& hash, const ChunkBody& body) -> Status {
    ChunkRow row;
    row.id = new_id("chk", ctx_.clock);
    row.bot_id = source.bot_id;
    row.source_id = source.id;
    row.page_id = page_id;
    row.kind = kind;
    row.ordinal = static_cast<int64_t>(rows.size());
    row.page = body.page;
    row.content_hash = hash;
    row.embed_hash = embedding_hash(body);
    row.created_at = ctx_.clock.now_ms();
    auto sealed = seal_chunk_body(ctx_.keyring, source.workspace_id, source.id, hash, body);
    if (!sealed) return sealed.error();
    row.body_sealed = std::move(*sealed);
    rows.push_back(std::move(row));
    return ok_status();
  };
  for (const Chunk& chunk : chunk_document(document, options, url)) {
    ChunkBody body{chunk.text,
                   chunk.title.empty() ? chunk_title : chunk.title,
                   chunk.heading_path,
                   chunk.url.empty() ? url : chunk.url,
                   chunk.page,
                   "",
                   {}};
    if (auto s = add_row("passage", chunk.content_hash, body); !s) return s.error();
  }
  for (const QaPair& pair : document.qa_pairs) {
    ChunkBody body{pair.answer, pair.question, {}, url, 0, pair.question, pair.alternatives};
    if (auto s = add_row("qa", qa_hash(pair), body); !s) return s.error();
  }
  return rows;
}

Result<ProcessedSource> SourceProcessor::process_file(const SourceRow& source,
                                                      const std::string& content) {
  std::string filename = filename_of(source.options);
  auto document = extract_(content, filename, extract_options(""));
  if (!document) return document.error();
  if (document->blocks.empty() && document->qa_pairs.empty()) return no_text();
  auto rows = chunk_rows(source, *document, filename, "", std::nullopt);
  if (!rows) return rows.error();
  ProcessedSource done;
  done.outcome.page_count = document->page_count;
  done.chunks = std::move(*rows);
  return done;
}

Result<ProcessedSource> SourceProcessor::process_text(const SourceRow& source,
                                                      const std::string& content) {
  auto document = extract_markdown(content);
  if (!document) return document.error();
  if (document->blocks.empty()) return no_text();
  auto title = open_source_title(ctx_.keyring, source);
  if (!title) return title.error();
  auto url = open_source_url(ctx_.keyring, source);
  if (!url) return url.error();
  document->title = *title;  // the owner's title wins over the first heading
  auto rows = chunk_rows(source, *document, *title, *url, std::nullopt);
  if (!rows) return rows.error();
  ProcessedSource done;
  done.chunks = std::move(*rows);
  return done;
}

Result<ProcessedSource> SourceProcessor::process_qa(const SourceRow& source,
                                                    const std::string& content) {
  auto qa = qa_from_content(content);
  if (!qa) return qa.error();
  Document document;
  document.qa_pairs.push_back({qa->question, qa->answer, qa->alternatives});
  auto rows = chunk_rows(source, document, qa->question, "", std::nullopt);
  if (!rows) return rows.error();
  ProcessedSource done;
  done.chunks = std::move(*rows);
  return done;
}

ProcessedSource SourceProcessor::process(const SourceRow& source, const ProgressFn& progress) {
  Result<ProcessedSource> done = make_error(ErrorCode::internal, "unknown source kind");
  try {
    if (source.kind == "url") {
      done = process_website(source, progress);
    } else {
      auto content = load_source_content(ctx_.store, ctx_.keyring, source);
      if (!content) {
        done = content.error();
      } else if (source.kind == "file") {
        if (!progress(0, 1)) return stopped();  // renews the lease before a long extraction
        done = process_file(source, *content);
      } else if (source.kind == "text") {
        done = process_text(source, *content);
      } else if (source.kind == "qa") {
        done = process_qa(source, *content);
      }
    }
  } catch (const std::exception& e) {
    done = make_error(ErrorCode::internal, std::string("processing failed: ") + e.what());
  }
  if (!done) {
    ProcessedSource failed;
    failed.outcome.status = "failed";
    failed.outcome.error = done.error().message;
    return failed;
  }
  done->outcome.status = "ready";
  if (done->chunks) done->outcome.chunk_count = static_cast<int64_t>(done->chunks->size());
  return std::move(*done);
}

}  // namespace parley
