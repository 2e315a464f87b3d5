#include "kb/extract/text.h"

#include <array>
#include <cstdint>

namespace parley {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Length of the valid UTF-8 sequence at text[pos] and its code point in *cp, or 0 when the
// bytes there are not a valid sequence (overlong, surrogate, beyond U+10FFFF, cut short).
size_t decode_utf8_at(std::string_view text, size_t pos, char32_t* cp) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  if (lead < 0x80) {
    *cp = lead;
    return 1;
  }
  size_t len = 0;
  char32_t value = 0;
  char32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2, value = lead & 0x1F, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3, value = lead & 0x0F, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4, value = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (pos + len > text.size()) return 0;
  for (size_t i = 1; i < len; ++i) {
    unsigned char next = byte(pos + i);
    if ((next & 0xC0) != 0x80) return 0;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *cp = value;
  return len;
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Windows-1252 0x80..0x9F; 0 marks the five bytes it leaves undefined. 0xA0..0xFF are Latin-1.
constexpr std::array<char16_t, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

char32_t cp1252_code_point(unsigned char byte) {
  if (byte >= 0x80 && byte < 0xA0) return kCp1252High[byte - 0x80];
  return byte;
}

std::string cp1252_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (char c : bytes) append_utf8(cp1252_code_point(static_cast<unsigned char>(c)), out);
  return out;
}

std::string utf16_to_utf8(std::string_view bytes, bool little_endian) {
  std::string out;
  out.reserve(bytes.size());
  auto unit = [&](size_t i) -> char16_t {
    auto b0 = static_cast<unsigned char>(bytes[i]), b1 = static_cast<unsigned char>(bytes[i + 1]);
    return little_endian ? static_cast<char16_t>(b0 | (b1 << 8))
                         : static_cast<char16_t>((b0 << 8) | b1);
  };
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    char32_t cp = unit(i);
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < bytes.size()) {
      char16_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      }
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = kReplacement;
    append_utf8(cp == 0 ? kReplacement : cp, out);
  }
  return out;
}

bool is_binary_control(unsigned char byte) {
  return (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r' && byte != '\f' &&
          byte != '\v' && byte != 0x1B) ||
         byte == 0x7F;
}

// Whitespace that separates words, in any script.
bool is_space(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// Invisible characters that only get in the way of matching words.
bool is_dropped(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xAD || cp == 0x200B || cp == 0x2060 ||
         cp == 0xFEFF;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  char32_t cp = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t len = decode_utf8_at(text, pos, &cp);
    if (len == 0) return false;
    pos += len;
  }
  return true;
}

std::string to_valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char32_t cp = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t len = decode_utf8_at(text, pos, &cp);
    if (len == 0 || cp == 0) {
      append_utf8(kReplacement, out);
      pos += len == 0 ? 1 : len;
    } else {
      out.append(text.substr(pos, len));
      pos += len;
    }
  }
  return out;
}

std::optional<std::string> decode_text(std::string_view bytes) {
  std::string decoded;
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    decoded = to_valid_utf8(bytes.substr(3));
  } else if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    decoded = utf16_to_utf8(bytes.substr(2), bytes[0] == '\xFF');
  } else {
    if (bytes.find('\0') != std::string_view::npos) return std::nullopt;
    size_t invalid = 0, multibyte = 0, cp1252_undefined = 0;
    char32_t cp = 0;
    for (size_t pos = 0; pos < bytes.size();) {
      size_t len = decode_utf8_at(bytes, pos, &cp);
      if (len > 1) ++multibyte;
      if (len == 0) ++invalid;
      pos += len == 0 ? 1 : len;
    }
    for (char c : bytes) {
      if (cp1252_code_point(static_cast<unsigned char>(c)) == 0) ++cp1252_undefined;
    }
    // A few broken bytes in a mostly UTF-8 file (a cut or a stray paste) are repaired; a file
    // without UTF-8 sequences is a legacy encoding; anything else is not text.
    bool mostly_utf8 = invalid <= 3 || invalid * 10 <= multibyte;
    if (invalid == 0 || (multibyte > 0 && mostly_utf8)) {
      decoded = to_valid_utf8(bytes);
    } else if (cp1252_undefined == 0) {
      decoded = cp1252_to_utf8(bytes);
    } else if (mostly_utf8) {
      decoded = to_valid_utf8(bytes);
    } else {
      return std::nullopt;
    }
  }
  size_t controls = 0;
  for (char c : decoded) controls += is_binary_control(static_cast<unsigned char>(c)) ? 1 : 0;
  if (controls > 2 + decoded.size() / 100) return std::nullopt;
  return decoded;
}

std::string normalize_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  char32_t cp = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t len = decode_utf8_at(text, pos, &cp);
    if (len == 0) cp = kReplacement;
    if (is_space(cp)) {
      pending_space = !out.empty();
    } else if (!is_dropped(cp)) {
      if (pending_space) out += ' ';
      pending_space = false;
      if (len == 0) {
        append_utf8(kReplacement, out);
      } else {
        out.append(text.substr(pos, len));
      }
    }
    pos += len == 0 ? 1 : len;
  }
  return out;
}

std::vector<std::string> split_paragraphs(std::string_view text) {
  std::vector<std::string> paragraphs;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) paragraphs.push_back(std::move(current));
    current.clear();
  };
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of("\n\f", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (normalize_whitespace(line).empty()) {
      flush();
    } else {
      if (!current.empty()) current += '\n';
      current.append(line);
    }
    if (end < text.size() && text[end] == '\f') flush();  // a page break ends a paragraph
    start = end + 1;
  }
  flush();
  return paragraphs;
}

std::string table_row_text(const std::vector<std::string>& cells) {
  std::vector<std::string> collapsed;
  collapsed.reserve(cells.size());
  for (const auto& cell : cells) collapsed.push_back(normalize_whitespace(cell));
  while (!collapsed.empty() && collapsed.back().empty()) collapsed.pop_back();
  std::string line;
  for (size_t i = 0; i < collapsed.size(); ++i) {
    if (i > 0) line += collapsed[i].empty() ? " |" : " | ";
    line += collapsed[i];
  }
  return line;
}

std::string truncate_utf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

Result<Document> extract_text(std::string_view text) {
  Document document;
  for (const auto& paragraph : split_paragraphs(text)) {
    std::string collapsed = normalize_whitespace(paragraph);
    if (collapsed.empty()) continue;
    document.blocks.push_back(Block{BlockKind::paragraph, 0, std::move(collapsed), 0});
  }
  return document;
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\n\v\f\r") == std::string_view::npos;
}

}  // namespace parley
