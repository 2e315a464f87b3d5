#include "mail/smtp_client.h"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <mutex>

namespace parley {
namespace {

// curl_global_init is not safe to race with other threads' first curl calls.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

int check_cancel(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(user)->load() ? 1 : 0;
}

struct CurlFree {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

Status smtp_send(const SmtpSettings& settings, std::string_view from_address,
                 std::string_view to_address, std::string_view message,
                 const std::atomic<bool>& cancel) {
  init_curl_once();
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return make_error(ErrorCode::internal, "SMTP delivery failed: curl_easy_init");
  const std::string from = "<" + std::string(from_address) + ">";
  std::unique_ptr<curl_slist, CurlFree> recipients(
      curl_slist_append(nullptr, ("<" + std::string(to_address) + ">").c_str()));
  Upload upload{message};
  const bool implicit_tls = settings.url.rfind("smtps://", 0) == 0;

  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, settings.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  // smtp:// upgrades with STARTTLS when the server offers it; smtps:// is TLS throughout.
  curl_easy_setopt(c, CURLOPT_USE_SSL, implicit_tls ? long{CURLUSESSL_ALL} : long{CURLUSESSL_TRY});
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, long{settings.timeout_ms});
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long{settings.timeout_ms});
  if (!settings.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, settings.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, check_cancel);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&cancel));

  const CURLcode code = curl_easy_perform(c);
  if (code == CURLE_OK) return ok_status();
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    return make_error(ErrorCode::unavailable, "SMTP delivery cancelled: the mailer is stopping");
  }
  // curl's own error text can quote what the server said; the generic text and the reply
  // code are enough for the operator and hold no address.
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  std::string error = std::string("SMTP delivery failed: ") + curl_easy_strerror(code);
  if (reply != 0) error += " (server replied " + std::to_string(reply) + ")";
  return make_error(ErrorCode::unavailable, error);
}

}  // namespace parley
