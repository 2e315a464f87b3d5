#include "kb/extract/markdown.h"

#include <gtest/gtest.h>

#include <string>

namespace parley {
namespace {

Document extract(const std::string& markdown) {
  auto doc = extract_markdown(markdown);
  EXPECT_TRUE(doc.ok());
  return doc.ok() ? *doc : Document{};
}

std::string texts(const Document& doc) {
  std::string out;
  for (const auto& block : doc.blocks) out += block.text + "\n";
  return out;
}

TEST(ExtractMarkdown, ReadsStructureAndStripsInlineMarkup) {
  Document doc = extract(R"(# Shipping guide

We ship **worldwide** in _3 days_; see [our rates](https://x.example/rates) and `track()`.
A soft break joins lines.

## Countries

- Europe
  - France
- Asia

1. First
2. Second

| Zone | Days |
|------|------|
| EU   | 3    |
| Asia | ~~9~~ 7 |

```sh
curl example
  indented
```

> Quoted advice.

![badge](https://img.example/b.svg)
<div>raw html</div>
)");
  ASSERT_EQ(doc.blocks.size(), 11u) << texts(doc);
  EXPECT_EQ(doc.title, "Shipping guide");
  EXPECT_EQ(doc.blocks[0].kind, BlockKind::heading);
  EXPECT_EQ(doc.blocks[0].level, 1);
  EXPECT_EQ(doc.blocks[1].kind, BlockKind::paragraph);
  EXPECT_EQ(doc.blocks[1].text,
            "We ship worldwide in 3 days; see our rates and track(). A soft break joins lines.");
  EXPECT_EQ(doc.blocks[2].level, 2);
  EXPECT_EQ(doc.blocks[3].kind, BlockKind::list_item);
  EXPECT_EQ(doc.blocks[3].text, "Europe");
  EXPECT_EQ(doc.blocks[3].level, 1);
  EXPECT_EQ(doc.blocks[4].text, "France");
  EXPECT_EQ(doc.blocks[4].level, 2);
  EXPECT_EQ(doc.blocks[5].text, "Asia");
  EXPECT_EQ(doc.blocks[5].level, 1);
  EXPECT_EQ(doc.blocks[6].text, "First");
  EXPECT_EQ(doc.blocks[7].text, "Second");
  EXPECT_EQ(doc.blocks[8].kind, BlockKind::table);
  EXPECT_EQ(doc.blocks[8].text, "Zone | Days\nEU | 3\nAsia | 9 7");
  EXPECT_EQ(doc.blocks[9].kind, BlockKind::code);
  EXPECT_EQ(doc.blocks[9].text, "curl example\n  indented");
  EXPECT_EQ(doc.blocks[10].text, "Quoted advice.");
}

TEST(ExtractMarkdown, FrontMatterGivesTheTitleAndIsNotText) {
  Document doc = extract("---\ntitle: \"FAQ\"\nlayout: page\n---\n# Questions\n\nBody.\n");
  EXPECT_EQ(doc.title, "FAQ");
  EXPECT_EQ(texts(doc), "Questions\nBody.\n");
}

TEST(ExtractMarkdown, TitleIsTheFirstH1EvenAfterOtherText) {
  Document doc = extract("Intro.\n\n## Sub\n\nSetext title\n============\n");
  EXPECT_EQ(doc.title, "Setext title");
}

TEST(ExtractMarkdown, EmptyInputHasNoBlocks) {
  Document doc = extract("");
  EXPECT_TRUE(doc.blocks.empty());
  EXPECT_TRUE(doc.title.empty());
}

TEST(ExtractMarkdown, HostileNestingDoesNotCrash) {
  std::string deep(50000, '>');
  deep += " deep\n";
  EXPECT_TRUE(extract_markdown(deep).ok());
}

}  // namespace
}  // namespace parley
