#include "kb/source_input.h"

#include <boost/json.hpp>
#include <map>

#include "kb/extract/extract.h"

namespace parley {
namespace json = boost::json;
namespace {

constexpr size_t kMaxTitleBytes = 500;
constexpr size_t kMaxTextBytes = 4 * 1024 * 1024;
constexpr size_t kMaxQuestionBytes = 1000;
constexpr size_t kMaxAnswerBytes = 20000;
constexpr size_t kMaxAlternatives = 20;
constexpr size_t kMaxExternalIdBytes = 200;
constexpr size_t kMaxUrlBytes = 2000;
constexpr int kDefaultMaxPages = 100;
constexpr int kDefaultMaxDepth = 3;
constexpr int kMaxErrorsReported = 10;

Error invalid(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

bool has_control(std::string_view text) {
  for (unsigned char ch : text) {
    if (ch < ' ' || ch == 0x7f) return true;
  }
  return false;
}

bool is_http_url(std::string_view url) {
  bool scheme = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  if (!scheme || url.size() > kMaxUrlBytes || has_control(url)) return false;
  std::string_view rest = url.substr(url.find("://") + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  return !authority.empty() && authority.find('@') == std::string_view::npos &&
         authority.find(' ') == std::string_view::npos;
}

// Field readers over a JSON object: absent is fine for optional ones; a wrong type is not.
class Fields {
 public:
  explicit Fields(const json::object& object) : object_(object) {}

  Result<std::string> string(std::string_view name, bool required) const {
    const json::value* value = object_.if_contains(name);
    if (!value || value->is_null()) {
      if (required) return invalid(std::string(name) + ": this field is required");
      return std::string();
    }
    if (!value->is_string()) return invalid(std::string(name) + ": give a string");
    return std::string(value->as_string());
  }
  Result<std::optional<std::string>> optional_string(std::string_view name) const {
    const json::value* value = object_.if_contains(name);
    if (!value || value->is_null()) return std::optional<std::string>{};
    if (!value->is_string()) return invalid(std::string(name) + ": give a string");
    return std::optional<std::string>(std::string(value->as_string()));
  }
  Result<std::vector<std::string>> strings(std::string_view name) const {
    std::vector<std::string> out;
    const json::value* value = object_.if_contains(name);
    if (!value || value->is_null()) return out;
    if (!value->is_array()) return invalid(std::string(name) + ": give a list of strings");
    for (const json::value& item : value->as_array()) {
      if (!item.is_string()) return invalid(std::string(name) + ": give a list of strings");
      out.emplace_back(item.as_string());
    }
    return out;
  }
  Result<std::optional<int>> integer(std::string_view name) const {
    const json::value* value = object_.if_contains(name);
    if (!value || value->is_null()) return std::optional<int>{};
    if (!value->is_int64() || value->as_int64() < 0 || value->as_int64() > 1'000'000'000) {
      return invalid(std::string(name) + ": give a whole number");
    }
    return std::optional<int>(static_cast<int>(value->as_int64()));
  }

 private:
  const json::object& object_;
};

Status check_external_id(const std::optional<std::string>& id) {
  if (id && (id->empty() || id->size() > kMaxExternalIdBytes || has_control(*id))) {
    return invalid("external_id: give 1 to 200 bytes without control characters");
  }
  return ok_status();
}

Result<TextInput> text_from(const Fields& f) {
  TextInput input;
  auto title = f.string("title", true);
  auto text = f.string("text", true);
  auto external_id = f.optional_string("external_id");
  auto url = f.optional_string("url");
  if (!title) return title.error();
  if (!text) return text.error();
  if (!external_id) return external_id.error();
  if (!url) return url.error();
  input = {*title, *text, *external_id, *url};
  if (auto s = check_text_input(input); !s) return s.error();
  return input;
}

Result<QaInput> qa_from(const Fields& f) {
  auto question = f.string("question", true);
  auto answer = f.string("answer", true);
  auto alternatives = f.strings("alternatives");
  auto external_id = f.optional_string("external_id");
  if (!question) return question.error();
  if (!answer) return answer.error();
  if (!alternatives) return alternatives.error();
  if (!external_id) return external_id.error();
  QaInput input{*question, *answer, *alternatives, *external_id};
  if (auto s = check_qa_input(input); !s) return s.error();
  return input;
}

Result<WebsiteInput> website_from(const json::object& body) {
  Fields f(body);
  auto url = f.string("url", true);
  if (!url) return url.error();
  WebsiteInput input;
  input.url = *url;
  if (const json::value* crawl = body.if_contains("crawl"); crawl && !crawl->is_null()) {
    if (!crawl->is_object())
      return invalid("crawl: give an object {max_pages, max_depth, sitemap}");
    Fields c(crawl->as_object());
    for (const auto& [key, value] : crawl->as_object()) {
      if (key != "max_pages" && key != "max_depth" && key != "sitemap") {
        return invalid("crawl." + std::string(key) + " is not a crawl option");
      }
    }
    auto max_pages = c.integer("max_pages");
    auto max_depth = c.integer("max_depth");
    if (!max_pages) return invalid("crawl." + max_pages.error().message);
    if (!max_depth) return invalid("crawl." + max_depth.error().message);
    input.max_pages = *max_pages;
    input.max_depth = *max_depth;
    const json::value* sitemap = crawl->as_object().if_contains("sitemap");
    if (sitemap && sitemap->is_bool()) {
      if (sitemap->as_bool()) input.sitemap = "";  // the site's /sitemap.xml
    } else if (sitemap && sitemap->is_string()) {
      input.sitemap = std::string(sitemap->as_string());
    } else if (sitemap && !sitemap->is_null()) {
      return invalid("crawl.sitemap: give the sitemap's URL, or true for /sitemap.xml");
    }
  }
  return input;
}

std::string base_name(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

Result<SourceRequest> parse_source_json(const json::object& body) {
  Fields f(body);
  auto type = f.string("type", true);
  if (!type) return type.error();
  if (*type == "text") {
    auto input = text_from(f);
    if (!input) return input.error();
    return SourceRequest(std::move(*input));
  }
  if (*type == "qa") {
    auto input = qa_from(f);
    if (!input) return input.error();
    return SourceRequest(std::move(*input));
  }
  if (*type == "url") {
    auto input = website_from(body);
    if (!input) return input.error();
    return SourceRequest(std::move(*input));
  }
  return invalid("type: give \"text\", \"qa\" or \"url\" (upload files as multipart/form-data)");
}

Result<std::vector<BulkLine>> parse_bulk_lines(std::string_view jsonl) {
  std::vector<BulkLine> lines;
  std::string errors;
  int error_count = 0;
  size_t line_number = 0;
  auto fail = [&](const std::string& message) {
    if (++error_count <= kMaxErrorsReported) {
      errors +=
          (errors.empty() ? "" : "; ") + ("line " + std::to_string(line_number) + ": ") + message;
    }
  };
  while (!jsonl.empty()) {
    ++line_number;
    size_t end = jsonl.find('\n');
    std::string_view line = jsonl.substr(0, end);
    jsonl = end == std::string_view::npos ? std::string_view{} : jsonl.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    boost::system::error_code ec;
    json::value value = json::parse(line, ec);
    if (ec || !value.is_object()) {
      fail("not a JSON object");
      continue;
    }
    const json::object& object = value.as_object();
    Fields f(object);
    auto type = f.string("type", false);
    if (!type) {
      fail(type.error().message);
      continue;
    }
    bool is_qa = *type == "qa" || (type->empty() && object.contains("question"));
    if (!is_qa && !type->empty() && *type != "text") {
      fail("type: a bulk import takes \"text\" and \"qa\" lines only");
      continue;
    }
    BulkLine parsed;
    if (is_qa) {
      auto qa = qa_from(f);
      if (!qa) {
        fail(qa.error().message);
        continue;
      }
      parsed.qa = std::move(*qa);
    } else {
      auto text = text_from(f);
      if (!text) {
        fail(text.error().message);
        continue;
      }
      parsed.text = std::move(*text);
    }
    lines.push_back(std::move(parsed));
  }
  if (error_count > 0) {
    if (error_count > kMaxErrorsReported) {
      errors += "; and " + std::to_string(error_count - kMaxErrorsReported) + " more bad lines";
    }
    return invalid("nothing was imported: " + errors);
  }
  if (lines.empty()) return invalid("nothing to import: give one JSON object per line");
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& id = lines[i].qa ? lines[i].qa->external_id : lines[i].text->external_id;
    if (id && !seen.emplace(*id, i).second) {
      return invalid("nothing was imported: external_id \"" + *id +
                     "\" appears on more than one line");
    }
  }
  return lines;
}

Result<CheckedFile> check_file_input(const FileInput& input, const KbConfig& config) {
  if (input.bytes.empty()) return invalid("file: the file is empty");
  if (static_cast<int64_t>(input.bytes.size()) > config.max_upload_bytes) {
    return make_error(ErrorCode::payload_too_large,
                      "file: larger than " + std::to_string(config.max_upload_bytes) +
                          " bytes, the most allowed (kb.max_upload_bytes)");
  }
  CheckedFile checked;
  checked.title = base_name(input.filename);
  if (checked.title.empty()) checked.title = "upload";
  if (checked.title.size() > kMaxTitleBytes || has_control(checked.title)) {
    return invalid("file: the file name is too long or has control characters");
  }
  FileType type = detect_file_type(input.bytes, checked.title);
  if (type == FileType::unsupported) {
    return make_error(ErrorCode::unsupported_media,
                      "file: \"" + checked.title +
                          "\" is not a type Parley reads (PDF, DOCX, XLSX, CSV, HTML, Markdown "
                          "or plain text); the type is read from the content, not the name");
  }
  checked.file_type = file_type_name(type);
  checked.options = json::serialize(json::object{{"filename", checked.title}});
  return checked;
}

Status check_text_input(const TextInput& input) {
  if (input.title.empty() || input.title.size() > kMaxTitleBytes) {
    return invalid("title: give a title of 1 to 500 bytes");
  }
  if (input.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return invalid("text: the text is empty");
  }
  if (input.text.size() > kMaxTextBytes) {
    return make_error(ErrorCode::payload_too_large,
                      "text: larger than 4 MB; upload it as a file or split it");
  }
  if (input.url && !is_http_url(*input.url)) {
    return invalid("url: give an http:// or https:// URL of at most 2000 bytes");
  }
  return check_external_id(input.external_id);
}

Status check_qa_input(const QaInput& input) {
  if (input.question.find_first_not_of(" \t\r\n") == std::string::npos ||
      input.question.size() > kMaxQuestionBytes) {
    return invalid("question: give a question of 1 to 1000 bytes");
  }
  if (input.answer.find_first_not_of(" \t\r\n") == std::string::npos ||
      input.answer.size() > kMaxAnswerBytes) {
    return invalid("answer: give an answer of 1 to 20000 bytes");
  }
  if (input.alternatives.size() > kMaxAlternatives) {
    return invalid("alternatives: give at most 20 other phrasings");
  }
  for (const std::string& alternative : input.alternatives) {
    if (alternative.empty() || alternative.size() > kMaxQuestionBytes) {
      return invalid("alternatives: each phrasing must be 1 to 1000 bytes");
    }
  }
  return check_external_id(input.external_id);
}

Result<std::string> check_website_input(const WebsiteInput& input, const CrawlConfig& config) {
  if (!is_http_url(input.url)) {
    return invalid(
        "url: give an http:// or https:// URL of at most 2000 bytes, without a user name");
  }
  int max_pages = input.max_pages.value_or(std::min(kDefaultMaxPages, config.max_pages));
  int max_depth = input.max_depth.value_or(std::min(kDefaultMaxDepth, config.max_depth));
  if (max_pages < 1 || max_pages > config.max_pages) {
    return invalid("crawl.max_pages: give 1 to " + std::to_string(config.max_pages) +
                   " (crawl.max_pages in the configuration)");
  }
  if (max_depth < 0 || max_depth > config.max_depth) {
    return invalid("crawl.max_depth: give 0 to " + std::to_string(config.max_depth) +
                   " (crawl.max_depth in the configuration)");
  }
  std::string sitemap;
  if (input.sitemap) {
    sitemap = input.sitemap->empty() ? "" : *input.sitemap;
    if (!sitemap.empty() && !is_http_url(sitemap)) {
      return invalid("crawl.sitemap: give an http:// or https:// URL");
    }
    if (sitemap.empty()) {
      std::string_view rest = std::string_view(input.url).substr(input.url.find("://") + 3);
      size_t path = rest.find_first_of("/?#");
      sitemap = input.url.substr(0, input.url.find("://") + 3) + std::string(rest.substr(0, path)) +
                "/sitemap.xml";
    }
  }
  return json::serialize(json::object{{"url", input.url},
                                      {"max_pages", max_pages},
                                      {"max_depth", max_depth},
                                      {"sitemap", sitemap}});
}

std::string qa_content(const QaInput& input) {
  json::array alternatives;
  for (const std::string& alternative : input.alternatives) alternatives.emplace_back(alternative);
  return json::serialize(json::object{{"question", input.question},
                                      {"answer", input.answer},
                                      {"alternatives", std::move(alternatives)}});
}

Result<QaInput> qa_from_content(std::string_view content) {
  boost::system::error_code ec;
  json::value value = json::parse(content, ec);
  if (ec || !value.is_object()) return make_error(ErrorCode::internal, "unreadable Q&A content");
  auto qa = qa_from(Fields(value.as_object()));
  if (!qa) return make_error(ErrorCode::internal, "stored Q&A pair: " + qa.error().message);
  return qa;
}

Result<WebsiteOptions> website_options_from(std::string_view options) {
  boost::system::error_code ec;
  json::value value = json::parse(options, ec);
  if (ec || !value.is_object()) return make_error(ErrorCode::internal, "unreadable crawl options");
  const json::object& o = value.as_object();
  WebsiteOptions out;
  Fields f(o);
  auto url = f.string("url", true);
  auto sitemap = f.string("sitemap", false);
  auto pages = f.integer("max_pages");
  auto depth = f.integer("max_depth");
  if (!url || !sitemap || !pages || !depth || !*pages || !*depth) {
    return make_error(ErrorCode::internal, "incomplete crawl options");
  }
  return WebsiteOptions{*url, **pages, **depth, *sitemap};
}

}  // namespace parley
