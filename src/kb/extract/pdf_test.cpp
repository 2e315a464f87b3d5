#include "kb/extract/pdf.h"

#include <gtest/gtest.h>

#include "tests/support/sample_files.h"

namespace parley {
namespace {

std::vector<std::string> texts_on_page(const Document& document, int page) {
  std::vector<std::string> texts;
  for (const auto& block : document.blocks) {
    if (block.page == page) texts.push_back(block.text);
  }
  return texts;
}

TEST(Pdf, EachPageKeepsItsTextAndNumber) {
  std::string pdf =
      test::make_pdf({"Opening hours\n\nWe open at nine on weekdays.",
                      "Returns are free within thirty days.", "Contact us by phone or email."});
  auto document = extract_pdf(pdf);
  ASSERT_TRUE(document.ok()) << document.error().message;
  EXPECT_EQ(document->page_count, 3);
  EXPECT_EQ(texts_on_page(*document, 1),
            (std::vector<std::string>{"Opening hours", "We open at nine on weekdays."}));
  EXPECT_EQ(texts_on_page(*document, 2),
            std::vector<std::string>{"Returns are free within thirty days."});
  EXPECT_EQ(texts_on_page(*document, 3), std::vector<std::string>{"Contact us by phone or email."});
  EXPECT_EQ(document->title, "Opening hours");  // no metadata title: the first line
}

TEST(Pdf, LinesOfAParagraphJoinAndHyphenatedWordsAreWholeAgain) {
  std::string pdf = test::make_pdf(
      {"The warranty covers all infor-\nmation devices sold by\nJean-\nPaul in our shop.\n\n"
       "Second paragraph."});
  auto document = extract_pdf(pdf);
  ASSERT_TRUE(document.ok()) << document.error().message;
  ASSERT_EQ(document->blocks.size(), 2u);
  EXPECT_EQ(document->blocks[0].text,
            "The warranty covers all information devices sold by Jean- Paul in our shop.");
  EXPECT_EQ(document->blocks[1].text, "Second paragraph.");
}

TEST(Pdf, LongLinesWrappedOnThePageReadAsOneParagraph) {
  std::string sentence;
  for (int i = 0; i < 30; ++i) sentence += "word" + std::to_string(i) + " ";
  auto document = extract_pdf(test::make_pdf({sentence}));
  ASSERT_TRUE(document.ok()) << document.error().message;
  ASSERT_EQ(document->blocks.size(), 1u);
  EXPECT_EQ(document->blocks[0].text + " ", sentence);
}

TEST(Pdf, MetadataTitleWins) {
  auto document = extract_pdf(test::make_pdf({"Body text"}, "Price list 2024"));
  ASSERT_TRUE(document.ok()) << document.error().message;
  EXPECT_EQ(document->title, "Price list 2024");
}

TEST(Pdf, NonAsciiTextSurvives) {
  auto document = extract_pdf(test::make_pdf({"Crème brûlée für 5 €"}));
  ASSERT_TRUE(document.ok()) << document.error().message;
  ASSERT_EQ(document->blocks.size(), 1u);
  EXPECT_EQ(document->blocks[0].text, "Crème brûlée für 5 €");
}

TEST(Pdf, TruncatedFileIsAClearError) {
  std::string pdf = test::make_pdf({"First page", "Second page", "Third page"});
  auto document = extract_pdf(pdf.substr(0, pdf.size() / 2));
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(document.error().message.find("the PDF is damaged and cannot be read"),
            std::string::npos)
      << document.error().message;
}

TEST(Pdf, GarbageAfterTheHeaderIsAClearError) {
  auto document = extract_pdf("%PDF-1.7\nthis is not really a PDF at all\n%%EOF\n");
  ASSERT_FALSE(document.ok());
  EXPECT_NE(document.error().message.find("damaged"), std::string::npos)
      << document.error().message;
}

TEST(Pdf, PasswordProtectedFileSaysSo) {
  auto document = extract_pdf(test::make_locked_pdf());
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(document.error().message.find("the PDF is password-protected"), std::string::npos)
      << document.error().message;
}

TEST(Pdf, PagesWithoutTextAreReportedAsAScan) {
  auto document = extract_pdf(test::make_pdf({"", ""}));
  ASSERT_FALSE(document.ok());
  EXPECT_NE(document.error().message.find("no text"), std::string::npos)
      << document.error().message;
}

}  // namespace
}  // namespace parley
