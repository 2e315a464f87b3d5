#include "kb/extract/html.h"

#include <gtest/gtest.h>

#include <string>

namespace parley {
namespace {

Document extract(const std::string& html, std::string_view base = "https://shop.example/docs/") {
  auto doc = extract_html(html, base);
  EXPECT_TRUE(doc.ok());
  return doc.ok() ? *doc : Document{};
}

// All the block texts, one per line, for assertions that read like the page.
std::string texts(const Document& doc) {
  std::string out;
  for (const auto& block : doc.blocks) out += block.text + "\n";
  return out;
}

const char* kPage = R"(<!doctype html>
<html lang="en-GB">
<head>
  <title> Returns &amp; refunds | Shop </title>
  <link rel="canonical" href="/help/returns?x=1#top">
  <script>var tracking = "SCRIPT_TEXT";</script>
  <style>.x { color: red } /* STYLE_TEXT */</style>
</head>
<body>
  <header><a href="/">Home</a> HEADER_TEXT</header>
  <nav><a href="/pricing">Pricing</a> <a href="/about#team">About</a> NAV_TEXT</nav>
  <div class="cookie-banner">COOKIE_TEXT <button>Accept</button></div>
  <main>
    <h1>Returns</h1>
    <p>You can return   an item within <b>30</b>&nbsp;days.</p>
    <h2>How</h2>
    <ul>
      <li>Pack it
        <ul><li>Use the <em>original</em> box</li></ul>
      </li>
      <li>Ship it</li>
    </ul>
    <table><tr><th>Item</th><th>Days</th></tr><tr><td>Shoes</td><td>30</td></tr></table>
    <pre>
line one
  line two
</pre>
    <div hidden>HIDDEN_TEXT</div>
    <div aria-hidden="true">ARIA_HIDDEN_TEXT</div>
    <p><span>Price</span><span>10 EUR</span></p>
    <form><label>FORM_TEXT</label> <input name="q"></form>
    <a href="/private" rel="nofollow">Private</a>
    <a href="https://other.example/page#x">Other</a>
    <a href="mailto:help@shop.example">Mail</a>
    <a href="/pricing">Pricing again</a>
  </main>
  <aside>ASIDE_TEXT</aside>
  <footer>FOOTER_TEXT <a href="contact.html">Contact</a></footer>
</body>
</html>)";

TEST(ExtractHtml, KeepsMainContentAsStructuredBlocks) {
  Document doc = extract(kPage);
  ASSERT_EQ(doc.blocks.size(), 10u) << texts(doc);

  EXPECT_EQ(doc.blocks[0].kind, BlockKind::heading);
  EXPECT_EQ(doc.blocks[0].level, 1);
  EXPECT_EQ(doc.blocks[0].text, "Returns");
  EXPECT_EQ(doc.blocks[1].kind, BlockKind::paragraph);
  EXPECT_EQ(doc.blocks[1].text, "You can return an item within 30 days.");
  EXPECT_EQ(doc.blocks[2].level, 2);
  EXPECT_EQ(doc.blocks[3].kind, BlockKind::list_item);
  EXPECT_EQ(doc.blocks[3].text, "Pack it");
  EXPECT_EQ(doc.blocks[3].level, 1);
  EXPECT_EQ(doc.blocks[4].text, "Use the original box");
  EXPECT_EQ(doc.blocks[4].level, 2);
  EXPECT_EQ(doc.blocks[5].text, "Ship it");
  EXPECT_EQ(doc.blocks[5].level, 1);
  EXPECT_EQ(doc.blocks[6].kind, BlockKind::table);
  EXPECT_EQ(doc.blocks[6].text, "Item | Days\nShoes | 30");
  EXPECT_EQ(doc.blocks[7].kind, BlockKind::code);
  EXPECT_EQ(doc.blocks[7].text, "line one\n  line two");
  EXPECT_EQ(doc.blocks[8].text, "Price 10 EUR");  // spans are not glued together
  EXPECT_EQ(doc.blocks[9].text, "Private Other Mail Pricing again");
}

TEST(ExtractHtml, LeavesOutChromeScriptsFormsAndHiddenText) {
  std::string all = texts(extract(kPage));
  for (const char* marker :
       {"SCRIPT_TEXT", "STYLE_TEXT", "HEADER_TEXT", "NAV_TEXT", "COOKIE_TEXT", "HIDDEN_TEXT",
        "ARIA_HIDDEN_TEXT", "FORM_TEXT", "ASIDE_TEXT", "FOOTER_TEXT", "Accept"}) {
    EXPECT_EQ(all.find(marker), std::string::npos) << marker << " leaked into:\n" << all;
  }
}

TEST(ExtractHtml, ReadsTitleLanguageAndCanonical) {
  Document doc = extract(kPage);
  EXPECT_EQ(doc.title, "Returns & refunds | Shop");
  EXPECT_EQ(doc.language, "en-GB");
  EXPECT_EQ(doc.canonical_url, "https://shop.example/help/returns?x=1");
  EXPECT_FALSE(doc.noindex);
  EXPECT_FALSE(doc.nofollow);
}

TEST(ExtractHtml, LinksComeFromTheWholePageAbsoluteAndOnce) {
  Document doc = extract(kPage);
  std::vector<std::string> expected = {"https://shop.example/", "https://shop.example/pricing",
                                       "https://shop.example/about", "https://other.example/page",
                                       "https://shop.example/docs/contact.html"};
  EXPECT_EQ(doc.links, expected);  // no nofollow, no mailto, no fragment, no repeat
}

TEST(ExtractHtml, TitleFallsBackToTheFirstH1) {
  Document doc = extract("<body><header><h1>Site</h1></header><p>Hi</p></body>");
  EXPECT_EQ(doc.title, "Site");
  doc = extract("<body><article><h2>Sub</h2><h1>Main heading</h1><p>Hi</p></article></body>");
  EXPECT_EQ(doc.title, "Main heading");
}

TEST(ExtractHtml, PrefersTheOnlyArticleAndReadsAllOfSeveral) {
  Document one = extract("<body><div>Outside</div><article><p>Inside</p></article></body>");
  EXPECT_EQ(texts(one), "Inside\n");
  Document two =
      extract("<body><article><p>First</p></article><article><p>Second</p></article></body>");
  EXPECT_EQ(texts(two), "First\nSecond\n");
}

TEST(ExtractHtml, RoleMainIsTheContent) {
  Document doc = extract(R"(<body><div>Promo</div><div role="main"><p>Body text</p></div>
    <div role="contentinfo">Legal</div></body>)");
  EXPECT_EQ(texts(doc), "Body text\n");
}

TEST(ExtractHtml, ChromeByClassOrIdIsDropped) {
  Document doc = extract(R"(<body class="has-sidebar">
    <div id="sidebar">Side</div><div class="main-menu">Menu</div>
    <div class="breadcrumbs">Home &gt; Help</div><div class="share-buttons">Tweet</div>
    <div class="content"><p>Real text</p><p class="menuitem-price">Soup 5 EUR</p></div>
    </body>)");
  EXPECT_EQ(texts(doc), "Real text\nSoup 5 EUR\n");
}

TEST(ExtractHtml, WhenClassNamesRemoveEverythingTheyAreIgnored) {
  Document doc =
      extract(R"(<body><div class="page-with-footer-menu"><p>Only text</p></div></body>)");
  EXPECT_EQ(texts(doc), "Only text\n");
}

TEST(ExtractHtml, RobotsMetaIsRead) {
  Document doc = extract(R"(<head><meta name="ROBOTS" content="NoIndex, follow"></head><p>x</p>)");
  EXPECT_TRUE(doc.noindex);
  EXPECT_FALSE(doc.nofollow);
  doc = extract(R"(<head><meta name="robots" content="none"></head><p>x</p>)");
  EXPECT_TRUE(doc.noindex);
  EXPECT_TRUE(doc.nofollow);
}

TEST(ExtractHtml, BaseElementChangesHowLinksResolve) {
  Document doc = extract(R"(<head><base href="https://cdn.example/a/"></head>
    <body><a href="b.html">B</a><a href="  /c d.html ">C</a></body>)");
  std::vector<std::string> expected = {"https://cdn.example/a/b.html",
                                       "https://cdn.example/c%20d.html"};
  EXPECT_EQ(doc.links, expected);
}

TEST(ExtractHtml, WithoutABaseOnlyAbsoluteLinksAreKept) {
  Document doc = extract(R"(<a href="/rel">r</a><a href="HTTPS://Abs.example/x">a</a>)", "");
  std::vector<std::string> expected = {"https://abs.example/x"};
  EXPECT_EQ(doc.links, expected);
}

TEST(ExtractHtml, BlockBoundariesSeparateTextAndEntitiesAreDecoded) {
  Document doc = extract(
      "<body><div>One<div>Two</div>Three</div><p>caf&eacute; &lt;tag&gt; &#x1F600;</p></body>");
  EXPECT_EQ(texts(doc), "One\nTwo\nThree\ncaf\xC3\xA9 <tag> \xF0\x9F\x98\x80\n");
}

TEST(ExtractHtml, LayoutTablesAreReadAsBlocks) {
  Document doc = extract(R"(<body><table><tr><td><h1>Welcome</h1><p>Text in a layout cell.</p>
    </td></tr></table></body>)");
  ASSERT_EQ(doc.blocks.size(), 2u) << texts(doc);
  EXPECT_EQ(doc.blocks[0].kind, BlockKind::heading);
  EXPECT_EQ(doc.blocks[1].kind, BlockKind::paragraph);
}

TEST(ExtractHtml, EmptyAndBrokenInputGiveAnEmptyDocument) {
  EXPECT_TRUE(extract("").blocks.empty());
  Document doc = extract("<p>unclosed <b>bold <i>text");
  EXPECT_EQ(texts(doc), "unclosed bold text\n");
}

TEST(ExtractHtml, HostileNestingDoesNotCrash) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "<div>";  // deeper than the walkers go
  deep += "deep";
  auto doc = extract_html(deep, "");
  EXPECT_TRUE(doc.ok());
}

}  // namespace
}  // namespace parley
