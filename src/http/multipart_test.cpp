#include "http/multipart.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(Multipart, ReadsAFileAndAFieldAsBrowsersSendThem) {
  const std::string file("%PDF-1.4\r\n\r\nbinary\0data", 24);  // CRLFs and a NUL inside
  std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
      "hello\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"a;b.pdf\"\r\n"
      "Content-Type: application/pdf\r\n\r\n" +
      file + "\r\n--XyZ--\r\n";
  auto parts = parse_multipart("multipart/form-data; boundary=XyZ", body);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "note");
  EXPECT_EQ((*parts)[0].data, "hello");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "a;b.pdf");
  EXPECT_EQ((*parts)[1].content_type, "application/pdf");
  EXPECT_EQ((*parts)[1].data, file);
}

TEST(Multipart, QuotedBoundaryWorks) {
  std::string body = "--a b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b--";
  auto parts = parse_multipart("multipart/form-data; boundary=\"a b\"", body);
  ASSERT_TRUE(parts.ok()) << parts.error().message;
  EXPECT_EQ((*parts)[0].data, "1");
}

TEST(Multipart, MalformedBodiesAreRefusedWithAReason) {
  EXPECT_EQ(parse_multipart("application/json", "{}").error().code, ErrorCode::unsupported_media);
  EXPECT_NE(parse_multipart("multipart/form-data", "x").error().message.find("boundary"),
            std::string::npos);
  auto unclosed = parse_multipart("multipart/form-data; boundary=b",
                                  "--b\r\nContent-Disposition: form-data; name=f\r\n\r\ndata");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.error().message.find("not closed"), std::string::npos);
}

}  // namespace
}  // namespace parley
