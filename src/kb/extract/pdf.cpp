#include "kb/extract/pdf.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kb/extract/text.h"

namespace parley {
namespace {

constexpr size_t kMaxTitleBytes = 200;

// poppler reports every oddity of a damaged file on stderr; the error we return says enough.
void silence_poppler() {
  static std::once_flag once;
  std::call_once(
      once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

std::string to_utf8(const poppler::ustring& text) {
  poppler::byte_array bytes = text.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

// Typographic ligatures (U+FB00..FB06) as their letters, so "ﬁnd" matches "find".
std::string expand_ligatures(std::string text) {
  static constexpr const char* kLetters[] = {"ff", "fi", "fl", "ffi", "ffl", "st", "st"};
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    if (byte(i) == 0xEF && i + 2 < text.size() && byte(i + 1) == 0xAC && byte(i + 2) <= 0x86 &&
        byte(i + 2) >= 0x80) {
      out += kLetters[byte(i + 2) - 0x80];
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool ends_with_letter_and_hyphen(const std::string& text) {
  if (text.size() < 2 || text.back() != '-') return false;
  auto before = static_cast<unsigned char>(text[text.size() - 2]);
  return std::isalpha(before) || before >= 0x80;
}

bool starts_lowercase(const std::string& text) {
  if (text.empty()) return false;
  auto first = static_cast<unsigned char>(text[0]);
  if (first >= 'a' && first <= 'z') return true;
  // Latin-1 lowercase letters (U+00DF..U+00FF) start with 0xC3 0x9F..0xBF.
  return first == 0xC3 && text.size() > 1 && static_cast<unsigned char>(text[1]) >= 0x9F;
}

// A line of text as laid out on the page; y grows downwards.
struct Line {
  std::string text;
  double top = 0, bottom = 0, right = 0;
  bool soft_hyphen_end = false;

  double height() const { return bottom - top; }
};

// The page's words, in poppler's reading order, gathered into lines: a word that starts
// left of the previous one or outside its line's height starts a new line.
std::vector<Line> page_lines(const poppler::page& page) {
  std::vector<Line> lines;
  for (const poppler::text_box& word : page.text_list()) {
    poppler::rectf box = word.bbox();
    std::string text = expand_ligatures(to_utf8(word.text()));
    double middle = box.y() + box.height() / 2;
    bool same_line = !lines.empty() && middle > lines.back().top && middle < lines.back().bottom &&
                     box.x() >= lines.back().right - 1;
    if (!same_line) lines.push_back(Line{"", box.y(), box.y() + box.height(), 0, false});
    Line& line = lines.back();
    line.text += text;
    if (word.has_space_after()) line.text += ' ';
    line.top = std::min(line.top, box.y());
    line.bottom = std::max(line.bottom, box.y() + box.height());
    line.right = box.x() + box.width();
  }
  for (Line& line : lines) {
    std::string_view raw = line.text;
    while (raw.ends_with(' ')) raw.remove_suffix(1);
    line.soft_hyphen_end = raw.ends_with("\xC2\xAD");
    line.text = normalize_whitespace(raw);
  }
  std::erase_if(lines, [](const Line& line) { return line.text.empty(); });
  return lines;
}

// A paragraph ends where the page shows one: more space above the next line than line
// spacing leaves (a blank line), a change of font size (a heading), or a move back up (the
// next column).
bool starts_paragraph(const Line& previous, const Line& next) {
  double height = std::max(previous.height(), next.height());
  if (next.top < previous.top) return true;
  if (next.top - previous.bottom > 0.6 * height) return true;
  return std::abs(next.height() - previous.height()) > 0.2 * height;
}

// Lines of one paragraph as one line: "infor-" + "mation" is "information" again, and a
// soft hyphen at a line end joins too. A hyphen before a capital ("Jean-" + "Paul") stays.
void append_line(std::string& paragraph, const Line& previous, const Line& line) {
  if (paragraph.empty()) {
    paragraph = line.text;
  } else if (previous.soft_hyphen_end) {
    paragraph += line.text;
  } else if (ends_with_letter_and_hyphen(paragraph) && starts_lowercase(line.text)) {
    paragraph.pop_back();
    paragraph += line.text;
  } else {
    paragraph += ' ';
    paragraph += line.text;
  }
}

std::vector<std::string> page_paragraphs(const std::vector<Line>& lines) {
  std::vector<std::string> paragraphs;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == 0 || starts_paragraph(lines[i - 1], lines[i])) paragraphs.emplace_back();
    append_line(paragraphs.back(), i > 0 ? lines[i - 1] : lines[i], lines[i]);
  }
  return paragraphs;
}

std::string metadata_title(const poppler::document& document) {
  std::string title = normalize_whitespace(to_utf8(document.get_title()));
  // Word's PDF export titles files after the Word file; that is no title to show anyone.
  constexpr std::string_view kWordPrefix = "Microsoft Word - ";
  if (title.starts_with(kWordPrefix)) title.clear();
  return truncate_utf8(title, kMaxTitleBytes);
}

bool has_end_marker(std::string_view bytes) {
  // Every complete PDF ends with %%EOF; readers look for it in the last kilobyte.
  constexpr size_t kTail = 1024;
  std::string_view tail = bytes.size() > kTail ? bytes.substr(bytes.size() - kTail) : bytes;
  return tail.find("%%EOF") != std::string_view::npos;
}

Error damaged(std::string_view why) {
  return make_error(ErrorCode::invalid_argument,
                    "the PDF is damaged and cannot be read" + std::string(why));
}

}  // namespace

Result<Document> extract_pdf(std::string_view bytes) {
  silence_poppler();
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return make_error(ErrorCode::invalid_argument, "the PDF is larger than 2 GB");
  }
  // poppler reads the bytes in place; they outlive `pdf`.
  std::unique_ptr<poppler::document> pdf(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (pdf == nullptr) return damaged("");
  if (pdf->is_locked()) {
    return make_error(ErrorCode::invalid_argument,
                      "the PDF is password-protected; remove the password and upload it again");
  }
  // poppler rebuilds what it can of a cut-off file; half a document must not pass as whole.
  if (!has_end_marker(bytes)) return damaged(": it looks cut off (was the upload complete?)");
  int pages = pdf->pages();
  if (pages <= 0) return damaged(": it has no pages");

  Document document;
  document.page_count = pages;
  document.title = metadata_title(*pdf);
  for (int index = 0; index < pages; ++index) {
    std::unique_ptr<poppler::page> page(pdf->create_page(index));
    if (page == nullptr) continue;
    std::vector<Line> lines = page_lines(*page);
    if (document.title.empty() && !lines.empty()) {
      document.title = truncate_utf8(lines.front().text, kMaxTitleBytes);
    }
    for (auto& paragraph : page_paragraphs(lines)) {
      document.blocks.push_back(Block{BlockKind::paragraph, 0, std::move(paragraph), index + 1});
    }
  }
  if (document.blocks.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "the PDF holds no text, only images (a scan?); Parley cannot read text "
                      "from images, so upload a PDF with selectable text");
  }
  return document;
}

}  // namespace parley
