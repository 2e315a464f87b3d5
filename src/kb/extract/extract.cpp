#include "kb/extract/extract.h"

#include <magic.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <new>
#include <string>

#include "kb/extract/csv.h"
#include "kb/extract/docx.h"
#include "kb/extract/html.h"
#include "kb/extract/markdown.h"
#include "kb/extract/pdf.h"
#include "kb/extract/text.h"
#include "kb/extract/xlsx.h"
#include "kb/extract/zip_reader.h"

namespace parley {
namespace {

// libmagic sniffs types from the start of a file; more costs time and says nothing new.
constexpr size_t kMagicBytes = 1024 * 1024;

// A libmagic handle per thread: a handle is not safe to share, and loading the database
// costs a few milliseconds, so each thread loads it once.
class MagicHandle {
 public:
  MagicHandle() : cookie_(magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS)) {
    if (cookie_ != nullptr && magic_load(cookie_, nullptr) != 0) {
      magic_close(cookie_);
      cookie_ = nullptr;
    }
  }
  ~MagicHandle() {
    if (cookie_ != nullptr) magic_close(cookie_);
  }
  MagicHandle(const MagicHandle&) = delete;
  MagicHandle& operator=(const MagicHandle&) = delete;

  // "" when libmagic is missing its database; the checks after it still hold.
  std::string mime_type(std::string_view bytes) {
    if (cookie_ == nullptr) return "";
    const char* mime = magic_buffer(cookie_, bytes.data(), std::min(bytes.size(), kMagicBytes));
    return mime != nullptr ? mime : "";
  }

 private:
  magic_t cookie_;
};

std::string mime_type_of(std::string_view bytes) {
  thread_local MagicHandle handle;
  return handle.mime_type(bytes);
}

std::string lowercase_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "FAQ.Markdown" -> "markdown"; "" without a dot in the last path segment.
std::string extension_of(std::string_view filename) {
  size_t slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos) filename.remove_prefix(slash + 1);
  size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "";
  return lowercase_ascii(filename.substr(dot + 1));
}

bool starts_like_html(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n\f");
  if (start == std::string_view::npos) return false;
  std::string head = lowercase_ascii(text.substr(start, 20));
  return head.starts_with("<!doctype html") || head.starts_with("<html");
}

FileType zip_file_type(std::string_view bytes) {
  auto zip = ZipReader::open(bytes, ZipLimits{});
  if (!zip.ok()) return FileType::unsupported;
  if (zip->contains("word/document.xml")) return FileType::docx;
  if (zip->contains("xl/workbook.xml")) return FileType::xlsx;
  return FileType::unsupported;
}

FileType text_file_type(std::string_view text, const std::string& mime, const std::string& ext) {
  if (starts_like_html(text)) return FileType::html;
  // Markdown may hold HTML tags that libmagic takes for a web page.
  if (ext == "md" || ext == "markdown") return FileType::markdown;
  if (mime == "text/html") return FileType::html;
  if (ext == "csv" || ext == "tsv" || mime == "text/csv") return FileType::csv;
  return FileType::text;
}

// Every string of the document valid UTF-8 and no empty block, whichever extractor ran.
void sanitize(Document& document) {
  document.title = to_valid_utf8(document.title);
  document.language = to_valid_utf8(document.language);
  std::erase_if(document.blocks, [](Block& block) {
    block.text = to_valid_utf8(block.text);
    return block.text.empty();
  });
  for (auto& pair : document.qa_pairs) {
    pair.question = to_valid_utf8(pair.question);
    pair.answer = to_valid_utf8(pair.answer);
    for (auto& alternative : pair.alternatives) alternative = to_valid_utf8(alternative);
  }
}

// Old Office files and encrypted new ones are OLE containers; saying so beats "unknown".
Error unsupported_error(std::string_view bytes) {
  std::string mime = mime_type_of(bytes);
  for (std::string_view office : {"application/msword", "application/vnd.ms-", "application/CDFV2",
                                  "application/x-ole-storage", "application/encrypted"}) {
    if (mime.starts_with(office)) {
      return make_error(ErrorCode::unsupported_media,
                        "Word 97-2003 (.doc), Excel 97-2003 (.xls) and password-protected Office "
                        "files are not read; save the file as .docx or .xlsx without a password "
                        "and upload it again");
    }
  }
  return make_error(ErrorCode::unsupported_media,
                    "not a file type Parley reads; upload PDF, Word (.docx), Excel (.xlsx), CSV, "
                    "HTML, Markdown or plain text");
}

Result<Document> extract_by_type(FileType type, std::string_view bytes,
                                 const ExtractOptions& options) {
  ZipLimits limits{options.max_uncompressed_bytes, options.max_zip_entries};
  switch (type) {
    case FileType::pdf:
      return extract_pdf(bytes);
    case FileType::docx:
      return extract_docx(bytes, limits);
    case FileType::xlsx:
      return extract_xlsx(bytes, limits);
    case FileType::unsupported:
      break;
    case FileType::csv:
    case FileType::html:
    case FileType::markdown:
    case FileType::text: {
      std::optional<std::string> text = decode_text(bytes);
      if (!text) break;
      if (type == FileType::csv) return extract_csv(*text);
      if (type == FileType::html) return extract_html(*text, options.base_url);
      if (type == FileType::markdown) return extract_markdown(*text);
      return extract_text(*text);
    }
  }
  return unsupported_error(bytes);
}

}  // namespace

const char* file_type_name(FileType type) {
  switch (type) {
    case FileType::pdf:
      return "pdf";
    case FileType::docx:
      return "docx";
    case FileType::xlsx:
      return "xlsx";
    case FileType::csv:
      return "csv";
    case FileType::html:
      return "html";
    case FileType::markdown:
      return "markdown";
    case FileType::text:
      return "text";
    case FileType::unsupported:
      return "unsupported";
  }
  return "unsupported";
}

FileType detect_file_type(std::string_view bytes, std::string_view filename_hint) {
  std::string ext = extension_of(filename_hint);
  if (bytes.empty()) return text_file_type(bytes, "", ext);
  std::string mime = mime_type_of(bytes);
  if (mime == "application/pdf") return FileType::pdf;
  // Office files are ZIPs; libmagic names some of them, the entries decide.
  if (bytes.starts_with("PK\x03\x04")) return zip_file_type(bytes);
  if (!mime.empty() && !mime.starts_with("text/")) return FileType::unsupported;
  std::optional<std::string> text = decode_text(bytes);
  if (!text) return FileType::unsupported;
  return text_file_type(*text, mime, ext);
}

Result<Document> extract_document(std::string_view bytes, std::string_view filename_hint,
                                  const ExtractOptions& options) {
  try {
    auto document = extract_by_type(detect_file_type(bytes, filename_hint), bytes, options);
    if (document.ok()) sanitize(*document);
    return document;
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::invalid_argument,
                      "the file is too large to read in the memory Parley allows for it");
  } catch (const std::exception&) {
    // A library failed in a way it does not report as a value; the file is the likely cause.
    return make_error(ErrorCode::invalid_argument, "the file cannot be read");
  }
}

}  // namespace parley
