#include "kb/chunker.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "core/sha256.h"

namespace parley {
namespace {

// A heading path entry longer than this is a paragraph set in a heading tag; kept short so
// every chunk carrying the path stays small.
constexpr size_t kMaxPathEntry = 300;

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
bool is_prose(BlockKind kind) {
  return kind == BlockKind::paragraph || kind == BlockKind::list_item;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// The longest prefix of `text` of at most `limit` bytes that ends on a character boundary.
std::string_view utf8_prefix(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  while (limit > 0 && is_continuation(text[limit])) --limit;
  return text.substr(0, limit);
}

// Where a sentence ends if one ends at text[i]: the index just past it, else 0. A sentence
// ends with . ! ? (and any closing quotes or brackets) before a space or the end, or with
// an ideographic full stop or full-width ! ?, which need no space.
size_t sentence_end_at(std::string_view text, size_t i) {
  static constexpr std::string_view kWide[] = {"\xE3\x80\x82", "\xEF\xBC\x81", "\xEF\xBC\x9F"};
  for (std::string_view stop : kWide) {
    if (text.substr(i, stop.size()) == stop) return i + stop.size();
  }
  char c = text[i];
  if (c != '.' && c != '!' && c != '?') return 0;
  size_t end = i + 1;
  while (true) {
    if (end < text.size() &&
        (text[end] == '"' || text[end] == '\'' || text[end] == ')' || text[end] == ']')) {
      ++end;
    } else if (text.substr(end, 3) == "\xE2\x80\x9D" || text.substr(end, 3) == "\xE2\x80\x99") {
      end += 3;  // ” ’
    } else {
      break;
    }
  }
  return end == text.size() || is_space(text[end]) ? end : 0;
}

enum class CutAt { sentence, line, space };

// The cut (length of the first piece) of `text` nearest `target`, no more than `limit` and
// no less than half the target, at a boundary of the given kind; 0 when there is none.
size_t nearest_cut(std::string_view text, CutAt at, size_t target, size_t limit) {
  size_t low = std::max<size_t>(1, std::min(target, limit) / 2);
  size_t best = 0;
  auto consider = [&](size_t cut) {
    if (cut < low || cut > limit) return;
    auto distance = [&](size_t c) { return c > target ? c - target : target - c; };
    if (best == 0 || distance(cut) < distance(best)) best = cut;
  };
  for (size_t i = 0; i < text.size() && i <= limit; ++i) {
    if (at == CutAt::sentence) {
      if (size_t end = sentence_end_at(text, i)) consider(end);
    } else if (at == CutAt::line ? text[i] == '\n' : is_space(text[i])) {
      consider(i);
    }
  }
  return best;
}

// Where to cut a block too long for the room left: at a sentence (prose) or row (tables,
// code) near the target, else at a space, else inside a word but never inside a character.
size_t find_cut(std::string_view text, BlockKind kind, size_t target, size_t limit) {
  limit = std::min(limit, text.size());
  target = std::min(target, limit);
  CutAt first = is_prose(kind) ? CutAt::sentence : CutAt::line;
  if (size_t cut = nearest_cut(text, first, target, limit)) return cut;
  if (size_t cut = nearest_cut(text, CutAt::space, target, limit)) return cut;
  size_t cut = utf8_prefix(text, limit).size();
  if (cut == 0) {  // room for less than one character: take one anyway, to make progress
    cut = 1;
    while (cut < text.size() && is_continuation(text[cut])) ++cut;
  }
  return cut;
}

// The last whole sentences of `text` that fit in `limit` bytes; failing that, its last
// whole words.
std::string_view tail_of(std::string_view text, size_t limit) {
  text = trim(text);
  if (text.size() <= limit) return text;
  for (size_t i = 0; i < text.size(); ++i) {
    size_t end = sentence_end_at(text, i);
    if (end == 0 || end >= text.size()) continue;
    std::string_view tail = trim(text.substr(end));
    if (tail.size() <= limit) return tail;
  }
  for (size_t i = text.size() - limit - 1; i < text.size(); ++i) {
    if (is_space(text[i])) return trim(text.substr(i));
  }
  return {};
}

class ChunkBuilder {
 public:
  ChunkBuilder(const Document& doc, const ChunkingOptions& options, std::string_view url)
      : doc_(doc), url_(url) {
    max_ = std::max<size_t>(options.max_chars, 1);
    target_ = std::clamp<size_t>(options.target_chars, 1, max_);
    overlap_ = std::min(options.overlap_chars, max_ / 2);
  }

  std::vector<Chunk> run() {
    for (const Block& block : doc_.blocks) {
      if (trim(block.text).empty()) continue;
      if (block.kind == BlockKind::heading && block.text.size() <= target_) {
        heading(block);
      } else {
        body(block);
      }
    }
    emit();
    // Headings with nothing below are dropped, unless they are all the document has.
    if (chunks_.empty() && !headings_.empty()) {
      text_ = std::exchange(headings_, {});
      has_body_ = true;
      emit();
    }
    return std::move(chunks_);
  }

 private:
  void heading(const Block& block) {
    emit();  // a new section starts without overlap
    if (!headings_.empty() && headings_.size() + 1 + block.text.size() > target_) {
      text_ = std::exchange(headings_, {});  // a long run of empty headings becomes a chunk itself
      has_body_ = true;
      emit();
    }
    int level = std::max(block.level, 1);
    while (!path_.empty() && path_.back().first >= level) path_.pop_back();
    path_.emplace_back(level, std::string(utf8_prefix(trim(block.text), kMaxPathEntry)));
    headings_ += (headings_.empty() ? "" : "\n") + std::string(trim(block.text));
  }

  void body(const Block& block) {
    std::string_view rest = trim(block.text);
    if (block.page != page_) emit();  // a chunk never spans pages, nor does its overlap
    page_ = block.page;
    if (!has_body_ && !headings_.empty()) {  // the section's headings lead its first chunk
      text_ = std::exchange(headings_, {});
    }
    if (has_body_ && text_.size() + 1 + rest.size() > target_) continue_section();
    if (!seeded_.empty() && rest.size() <= max_ && room_after(text_) < rest.size()) {
      text_.clear();  // a whole block is worth more than the overlap before it
    }
    seeded_.clear();
    std::string_view header;  // a table cut in parts repeats its first row in each
    if (block.kind == BlockKind::table) header = rest.substr(0, rest.find('\n'));
    if (header.size() > max_ / 4) header = {};
    while (room_after(text_) < rest.size()) {
      size_t room = std::max<size_t>(room_after(text_), 1);
      size_t used = text_.empty() ? 0 : text_.size() + 1;
      size_t target = target_ > used ? target_ - used : room / 2;
      size_t cut = find_cut(rest, block.kind, target, room);
      append(trim(rest.substr(0, cut)), block.kind);
      rest = trim(rest.substr(cut));
      if (rest.empty()) return;
      continue_section(header);
    }
    append(rest, block.kind);
  }

  // Bytes a piece may have to join the chunk without passing max_chars.
  size_t room_after(const std::string& text) const {
    size_t used = text.empty() ? 0 : text.size() + 1;
    return used >= max_ ? 0 : max_ - used;
  }

  void append(std::string_view piece, BlockKind kind) {
    if (piece.empty()) return;
    // After the overlap, the rest of the same paragraph follows on the same line.
    if (!text_.empty()) text_ += !has_body_ && !seeded_.empty() && is_prose(kind) ? ' ' : '\n';
    text_ += piece;
    has_body_ = true;
    last_piece_ = piece;
    last_kind_ = kind;
  }

  // Ends the chunk and starts the next one of the same section with the end of this one's
  // prose (or a table's header row), so a passage cut mid-thought keeps its context.
  void continue_section(std::string_view table_header = {}) {
    std::string seed;
    if (!table_header.empty()) {
      seed = table_header;
    } else if (is_prose(last_kind_) && overlap_ > 0) {
      seed = tail_of(last_piece_, overlap_);
    }
    emit();
    text_ = seed;
    seeded_ = seed;
  }

  void emit() {
    if (has_body_) {
      std::string text(trim(text_));
      std::string hash = sha256_hex(text);
      if (seen_.insert(hash).second) {
        Chunk chunk;
        chunk.text = std::move(text);
        chunk.title = doc_.title;
        for (const auto& [level, heading] : path_) chunk.heading_path.push_back(heading);
        chunk.page = page_;
        chunk.url = url_;
        chunk.content_hash = std::move(hash);
        chunks_.push_back(std::move(chunk));
      }
    }
    text_.clear();
    seeded_.clear();
    has_body_ = false;
    last_piece_.clear();
  }

  const Document& doc_;
  std::string url_;
  size_t target_, max_, overlap_;
  std::vector<std::pair<int, std::string>> path_;  // (level, text) from h1 down
  std::string headings_;                           // headings not yet followed by any text
  std::string text_;                               // the chunk being built
  std::string seeded_;  // the overlap text_ was started with, while nothing follows it
  bool has_body_ = false;
  int page_ = 0;
  std::string last_piece_;  // the last block (or part of one) added, for the overlap
  BlockKind last_kind_ = BlockKind::paragraph;
  std::vector<Chunk> chunks_;
  std::unordered_set<std::string> seen_;
};

}  // namespace

std::vector<Chunk> chunk_document(const Document& doc, const ChunkingOptions& options,
                                  std::string_view url) {
  return ChunkBuilder(doc, options, url).run();
}

}  // namespace parley
