#include "core/config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

namespace parley {
namespace {

std::filesystem::path write_file(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path;
}

TEST(Config, DefaultsWhenNothingIsGiven) {
  auto config = load_config({});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->server.port, 8080);
  EXPECT_EQ(config->server.bind, "127.0.0.1");
  EXPECT_EQ(config->storage.data_dir, "data");
  EXPECT_EQ(config->master_key_path(), std::filesystem::path("data") / "master.key");
}

TEST(Config, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  auto file = write_file("parley_precedence.toml",
                         "[server]\nport = 9001\nbind = \"0.0.0.0\"\nmax_connections = 7\n"
                         "[log]\nlevel = \"warn\"\n");
  ConfigSources sources;
  sources.file = file;
  sources.env = {{"PARLEY_SERVER_PORT", "9002"}, {"PARLEY_SERVER_BIND", "10.0.0.1"}};
  sources.flags = {{"server.port", "9003"}};
  auto config = load_config(sources);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.port, 9003);              // flag
  EXPECT_EQ(config->server.bind, "10.0.0.1");        // environment over file
  EXPECT_EQ(config->server.max_connections, 7);      // file over default
  EXPECT_EQ(config->log.level, "warn");              // file
  EXPECT_EQ(config->server.idle_timeout_ms, 60000);  // default
}

TEST(Config, InvalidValueNamesTheKeyAndWhereItCameFrom) {
  ConfigSources sources;
  sources.env = {{"PARLEY_SERVER_PORT", "eighty"}};
  auto config = load_config(sources);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("server.port"), std::string::npos);
  EXPECT_NE(config.error().message.find("PARLEY_SERVER_PORT"), std::string::npos);

  sources.env = {{"PARLEY_SERVER_PORT", "70000"}};
  config = load_config(sources);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("between 0 and 65535"), std::string::npos);
}

TEST(Config, ChatModelTimeoutIsSetFromTheChatSectionAndShownByConfigCheck) {
  auto config = load_config({});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->chat.model_timeout_ms, 20000);

  auto file = write_file("parley_chat.toml", "[chat]\nmodel_timeout_ms = 1500\n");
  ConfigSources sources;
  sources.file = file;
  config = load_config(sources);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->chat.model_timeout_ms, 1500);
  const auto lines = describe_config(*config);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "chat.model_timeout_ms = 1500"), lines.end());

  sources = {};
  sources.env = {{"PARLEY_CHAT_MODEL_TIMEOUT_MS", "0"}};
  config = load_config(sources);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("chat.model_timeout_ms"), std::string::npos);
}

TEST(Config, PrivacyPolicyVersionIsALabelRecordedWithConsents) {
  auto config = load_config({});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->privacy.policy_version, "2026-11-01");

  auto file = write_file("parley_privacy.toml", "[privacy]\npolicy_version = \"2027-01-15\"\n");
  ConfigSources sources;
  sources.file = file;
  config = load_config(sources);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->privacy.policy_version, "2027-01-15");
  const auto lines = describe_config(*config);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "privacy.policy_version = 2027-01-15"),
            lines.end());

  for (const std::string& bad : {std::string(), std::string("version 3"), std::string(65, 'v')}) {
    sources = {};
    sources.env = {{"PARLEY_PRIVACY_POLICY_VERSION", bad}};
    config = load_config(sources);
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_NE(config.error().message.find("privacy.policy_version"), std::string::npos);
  }
}

TEST(Config, TrustedProxiesAreAddressesOrRanges) {
  ConfigSources sources;
  sources.env = {{"PARLEY_SERVER_TRUSTED_PROXIES", "10.0.0.0/8, ::1"}};
  auto config = load_config(sources);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.trusted_proxies, "10.0.0.0/8, ::1");
  sources.env = {{"PARLEY_SERVER_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal"}};
  config = load_config(sources);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("server.trusted_proxies"), std::string::npos);
  EXPECT_NE(config.error().message.find("proxy.internal"), std::string::npos);
}

TEST(Config, UnknownKeyInFileIsRefused) {
  auto file = write_file("parley_unknown.toml", "[server]\nprot = 1\n");
  ConfigSources sources;
  sources.file = file;
  auto config = load_config(sources);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("server.prot"), std::string::npos);
}

TEST(Config, MalformedFileIsRefusedWithItsPath) {
  auto file = write_file("parley_malformed.toml", "[server\nport = 1\n");
  ConfigSources sources;
  sources.file = file;
  auto config = load_config(sources);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("parley_malformed.toml"), std::string::npos);
}

TEST(Config, SecretsAreMaskedInTheDescription) {
  ConfigSources sources;
  sources.env = {{"PARLEY_MASTER_KEY", "c2VjcmV0"},
                 {"PARLEY_DATABASE_URL", "postgresql://parley:hunter2@db:5432/parley"}};
  auto config = load_config(sources);
  ASSERT_TRUE(config.ok()) << config.error().message;
  std::string all;
  for (const auto& line : describe_config(*config)) all += line + "\n";
  EXPECT_EQ(all.find("c2VjcmV0"), std::string::npos);
  EXPECT_EQ(all.find("hunter2"), std::string::npos);
  EXPECT_NE(all.find("keys.master_key = ****"), std::string::npos);
  EXPECT_NE(all.find("postgresql://parley:***@db:5432/parley"), std::string::npos);
}

}  // namespace
}  // namespace parley
