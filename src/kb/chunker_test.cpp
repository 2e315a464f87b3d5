#include "kb/chunker.h"

#include <gtest/gtest.h>

#include <string>

#include "core/sha256.h"

namespace parley {
namespace {

Block heading(int level, std::string text, int page = 0) {
  return Block{BlockKind::heading, level, std::move(text), page};
}
Block para(std::string text, int page = 0) {
  return Block{BlockKind::paragraph, 0, std::move(text), page};
}

// "Sentence 7 is about returns and refunds." style sentences, numbered so cuts show.
std::string sentences(int from, int count) {
  std::string text;
  for (int i = from; i < from + count; ++i) {
    text += (text.empty() ? "" : " ") + std::string("Sentence ") + std::to_string(i) +
            " explains the return policy in plain words.";
  }
  return text;
}

bool valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

using Path = std::vector<std::string>;

TEST(Chunker, EmptyDocumentHasNoChunks) {
  EXPECT_TRUE(chunk_document(Document{}, {}, "").empty());
  Document only_pairs;
  only_pairs.qa_pairs = {QaPair{"Open?", "Yes.", {}}};  // stored by the caller, not here
  EXPECT_TRUE(chunk_document(only_pairs, {}, "").empty());
}

TEST(Chunker, EveryChunkKnowsItsHeadingPath) {
  Document doc;
  doc.title = "Help";
  doc.blocks = {heading(1, "Shop"),      para("Intro."),        heading(2, "Returns"),
                para("Within 30 days."), heading(3, "Refunds"), para("To your card."),
                heading(2, "Shipping"),  para("Worldwide.")};
  auto chunks = chunk_document(doc, {}, "https://shop.example/help");
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[0].heading_path, (Path{"Shop"}));
  EXPECT_EQ(chunks[0].text, "Shop\nIntro.");
  EXPECT_EQ(chunks[1].heading_path, (Path{"Shop", "Returns"}));
  EXPECT_EQ(chunks[1].text, "Returns\nWithin 30 days.");
  EXPECT_EQ(chunks[2].heading_path, (Path{"Shop", "Returns", "Refunds"}));
  EXPECT_EQ(chunks[3].heading_path, (Path{"Shop", "Shipping"}));
  for (const auto& chunk : chunks) {
    EXPECT_EQ(chunk.title, "Help");
    EXPECT_EQ(chunk.url, "https://shop.example/help");
    EXPECT_EQ(chunk.content_hash, sha256_hex(chunk.text));
  }
}

TEST(Chunker, ALoneHeadingJoinsTheNextChunk) {
  Document doc;
  doc.blocks = {heading(1, "Guide"), heading(2, "Start"), para("Plug it in."),
                heading(2, "Trailing heading with nothing below")};
  auto chunks = chunk_document(doc, {}, "");
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].text, "Guide\nStart\nPlug it in.");
  EXPECT_EQ(chunks[0].heading_path, (Path{"Guide", "Start"}));
}

TEST(Chunker, SmallBlocksUnderOneHeadingArePacked) {
  Document doc;
  doc.blocks.push_back(heading(1, "FAQ"));
  for (int i = 0; i < 30; ++i) doc.blocks.push_back(para(sentences(i, 2)));  // ~100 bytes
  ChunkingOptions options;
  auto chunks = chunk_document(doc, options, "");
  ASSERT_GE(chunks.size(), 3u);
  ASSERT_LE(chunks.size(), 5u);
  for (const auto& chunk : chunks) {
    EXPECT_LE(chunk.text.size(), options.max_chars);
    EXPECT_GE(chunk.text.size(), options.target_chars / 2);  // packed, not one per block
  }
}

TEST(Chunker, TablesStayWholeWhenTheyFit) {
  std::string table = "Size | EU | US";
  for (int i = 0; i < 40; ++i)
    table += "\n" + std::to_string(i) + " | 3" + std::to_string(i) + " | 5";
  ASSERT_LT(table.size(), 1600u);
  ASSERT_GT(table.size(), 400u);
  Document doc;
  doc.blocks = {heading(1, "Sizes"), para(sentences(0, 12)), Block{BlockKind::table, 0, table, 0}};
  auto chunks = chunk_document(doc, {}, "");
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].text.find("Size | EU"), std::string::npos);
  EXPECT_NE(chunks[1].text.find(table), std::string::npos) << chunks[1].text;
}

TEST(Chunker, AHugeTableIsCutBetweenRowsRepeatingItsHeader) {
  std::string table = "Item | Price";
  for (int i = 0; i < 300; ++i) table += "\nitem number " + std::to_string(i) + " | 10 EUR";
  Document doc;
  doc.blocks = {Block{BlockKind::table, 0, table, 0}};
  ChunkingOptions options;
  auto chunks = chunk_document(doc, options, "");
  ASSERT_GE(chunks.size(), 4u);
  for (const auto& chunk : chunks) {
    EXPECT_LE(chunk.text.size(), options.max_chars);
    EXPECT_EQ(chunk.text.rfind("Item | Price\n", 0), 0u) << chunk.text.substr(0, 40);
    EXPECT_EQ(chunk.text.back(), 'R');  // every row whole: ends "... | 10 EUR"
  }
}

TEST(Chunker, ALongParagraphIsCutAtSentencesWithOverlap) {
  std::string text = sentences(0, 60);  // ~3.2 KB
  Document doc;
  doc.blocks = {para(text)};
  ChunkingOptions options;
  auto chunks = chunk_document(doc, options, "");
  ASSERT_GE(chunks.size(), 3u);
  for (size_t i = 0; i < chunks.size(); ++i) {
    const std::string& chunk = chunks[i].text;
    EXPECT_LE(chunk.size(), options.max_chars);
    EXPECT_EQ(chunk.back(), '.');                // cut at a sentence end
    EXPECT_EQ(chunk.rfind("Sentence ", 0), 0u);  // and begins with one
    if (i == 0) continue;
    // The chunk opens with the previous one's last sentence(s), at most overlap_chars.
    const std::string& previous = chunks[i - 1].text;
    size_t overlap = 0;
    for (size_t n = std::min(previous.size(), chunk.size()); n > 0; --n) {
      if (previous.compare(previous.size() - n, n, chunk, 0, n) == 0) {
        overlap = n;
        break;
      }
    }
    EXPECT_GT(overlap, 0u) << chunk.substr(0, 80);
    EXPECT_LE(overlap, options.overlap_chars);
  }
  EXPECT_NE(chunks.back().text.find("Sentence 59 "), std::string::npos);  // nothing lost
}

TEST(Chunker, ABlockThatFitsIsNeverCutToMakeRoomForOverlap) {
  std::string first = sentences(0, 12), second = sentences(100, 27);
  ASSERT_GT(second.size(), 1450u);
  ASSERT_LE(second.size(), 1600u);
  Document doc;
  doc.blocks = {para(first), para(second)};
  auto chunks = chunk_document(doc, {}, "");
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].text, first);
  EXPECT_EQ(chunks[1].text, second);
}

TEST(Chunker, ChunksNeverSpanPages) {
  Document doc;
  doc.blocks = {heading(1, "Manual", 1), para("Page one text.", 1), para("Page two text.", 2),
                para("More on two.", 2), para("Page three.", 3)};
  auto chunks = chunk_document(doc, {}, "");
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].page, 1);
  EXPECT_EQ(chunks[0].text, "Manual\nPage one text.");
  EXPECT_EQ(chunks[1].page, 2);
  EXPECT_EQ(chunks[1].text, "Page two text.\nMore on two.");
  EXPECT_EQ(chunks[1].heading_path, (Path{"Manual"}));
  EXPECT_EQ(chunks[2].page, 3);
}

TEST(Chunker, IdenticalChunksAreEmittedOnce) {
  Document doc;
  doc.blocks = {heading(2, "Contact"),        para("Call us on 555-0100."), heading(2, "Contact"),
                para("Call us on 555-0100."), heading(2, "Other"),          para("Different.")};
  auto chunks = chunk_document(doc, {}, "");
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].text, "Contact\nCall us on 555-0100.");
  EXPECT_EQ(chunks[1].text, "Other\nDifferent.");
}

TEST(Chunker, MultiByteTextIsNeverCutInsideACharacter) {
  ChunkingOptions options;
  options.target_chars = 100;
  options.max_chars = 160;
  options.overlap_chars = 30;
  // No spaces or sentence ends at all: the cuts fall between characters of 2, 3 and 4 bytes.
  // Different characters all along, so that no two chunks are the same.
  std::string text;
  for (int i = 0; i < 300; ++i) {
    char32_t cjk = 0x4E00 + i, emoji = 0x1F600 + i % 64;
    text += "\xC3\xA9";
    text += {static_cast<char>(0xE0 | (cjk >> 12)), static_cast<char>(0x80 | ((cjk >> 6) & 0x3F)),
             static_cast<char>(0x80 | (cjk & 0x3F))};
    text +=
        {static_cast<char>(0xF0 | (emoji >> 18)), static_cast<char>(0x80 | ((emoji >> 12) & 0x3F)),
         static_cast<char>(0x80 | ((emoji >> 6) & 0x3F)), static_cast<char>(0x80 | (emoji & 0x3F))};
  }
  Document doc;
  doc.blocks = {para(text)};
  auto chunks = chunk_document(doc, options, "");
  ASSERT_GE(chunks.size(), 17u);
  std::string joined;
  for (const auto& chunk : chunks) {
    EXPECT_TRUE(valid_utf8(chunk.text));
    EXPECT_LE(chunk.text.size(), options.max_chars);
    joined += chunk.text;
  }
  EXPECT_EQ(joined, text);  // no words to overlap with: nothing repeated, nothing lost
}

TEST(Chunker, IdeographicFullStopsEndSentences) {
  ChunkingOptions options;
  options.target_chars = 100;
  options.max_chars = 160;
  options.overlap_chars = 40;
  std::string text;
  for (int i = 0; i < 40; ++i) {  // "返品<i>は可能。": numbered, so no two chunks are the same
    text += "\xE8\xBF\x94\xE5\x93\x81" + std::to_string(i) +
            "\xE3\x81\xAF\xE5\x8F\xAF\xE8\x83\xBD\xE3\x80\x82";
  }
  Document doc;
  doc.blocks = {para(text)};
  auto chunks = chunk_document(doc, options, "");
  ASSERT_GE(chunks.size(), 5u);
  for (const auto& chunk : chunks) {
    EXPECT_TRUE(valid_utf8(chunk.text));
    EXPECT_EQ(chunk.text.substr(chunk.text.size() - 3), "\xE3\x80\x82");
  }
}

}  // namespace
}  // namespace parley
