#include "kb/extract/document_json.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

Document sample() {
  Document doc;
  doc.title = "Caf\xC3\xA9 \"menu\"";
  doc.language = "fr";
  doc.canonical_url = "https://cafe.example/menu";
  doc.blocks = {Block{BlockKind::heading, 1, "Menu", 1},
                Block{BlockKind::paragraph, 0, "Line\nbreak \\ and \xF0\x9F\x98\x80", 1},
                Block{BlockKind::list_item, 2, "Nested item", 2},
                Block{BlockKind::table, 0, "a | b\n1 | 2", 2},
                Block{BlockKind::code, 0, "x = 1", 3}};
  doc.qa_pairs = {QaPair{"Open on Sunday?", "Yes, 9-17.", {"Sunday hours?", "Weekend?"}}};
  doc.links = {"https://cafe.example/", "https://cafe.example/about"};
  doc.noindex = true;
  doc.nofollow = false;
  doc.page_count = 3;
  return doc;
}

void expect_same(const Document& a, const Document& b) {
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.language, b.language);
  EXPECT_EQ(a.canonical_url, b.canonical_url);
  ASSERT_EQ(a.blocks.size(), b.blocks.size());
  for (size_t i = 0; i < a.blocks.size(); ++i) {
    EXPECT_EQ(a.blocks[i].kind, b.blocks[i].kind) << i;
    EXPECT_EQ(a.blocks[i].level, b.blocks[i].level) << i;
    EXPECT_EQ(a.blocks[i].text, b.blocks[i].text) << i;
    EXPECT_EQ(a.blocks[i].page, b.blocks[i].page) << i;
  }
  ASSERT_EQ(a.qa_pairs.size(), b.qa_pairs.size());
  for (size_t i = 0; i < a.qa_pairs.size(); ++i) {
    EXPECT_EQ(a.qa_pairs[i].question, b.qa_pairs[i].question);
    EXPECT_EQ(a.qa_pairs[i].answer, b.qa_pairs[i].answer);
    EXPECT_EQ(a.qa_pairs[i].alternatives, b.qa_pairs[i].alternatives);
  }
  EXPECT_EQ(a.links, b.links);
  EXPECT_EQ(a.noindex, b.noindex);
  EXPECT_EQ(a.nofollow, b.nofollow);
  EXPECT_EQ(a.page_count, b.page_count);
}

TEST(DocumentJson, RoundTripsEveryField) {
  Document original = sample();
  auto back = document_from_json(document_to_json(original));
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_same(original, *back);
}

TEST(DocumentJson, EmptyDocumentRoundTrips) {
  auto back = document_from_json(document_to_json(Document{}));
  ASSERT_TRUE(back.ok());
  expect_same(Document{}, *back);
}

TEST(DocumentJson, InvalidUtf8IsRepairedSoTheJsonStillParses) {
  Document doc;
  doc.title = "bad \xFF byte";
  doc.blocks = {Block{BlockKind::paragraph, 0, "cut \xE2\x82", 0}};
  auto back = document_from_json(document_to_json(doc));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->title, "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(back->blocks[0].text, "cut \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(DocumentJson, MissingFieldsTakeTheirDefaults) {
  auto doc = document_from_json(R"({"title":"T","blocks":[{"text":"x"}]})");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->title, "T");
  ASSERT_EQ(doc->blocks.size(), 1u);
  EXPECT_EQ(doc->blocks[0].kind, BlockKind::paragraph);
  EXPECT_EQ(doc->page_count, 0);
}

TEST(DocumentJson, RejectsWhatIsNotADocumentNamingTheField) {
  for (const char* text :
       {"not json", "[1,2]", R"({"title":5})", R"({"blocks":[{"kind":"poem","text":"x"}]})",
        R"({"blocks":[{"level":-1}]})", R"({"links":["a",1]})", R"({"qa_pairs":{}})"}) {
    auto doc = document_from_json(std::string_view(text));
    ASSERT_FALSE(doc.ok()) << text;
    EXPECT_EQ(doc.error().code, ErrorCode::invalid_argument) << text;
    EXPECT_NE(doc.error().message.find("document JSON"), std::string::npos);
  }
}

}  // namespace
}  // namespace parley
