// Migration 4: the mail outbox (src/store/outbox_repo.h). Recipient, subject and body are
// sealed with the key of the mail's owner, so erasing the owner erases their mail.
#include "store/schema.h"

namespace parley {

Migration outbox_migration() {
  return {4, "create mail outbox",
          "CREATE TABLE mail_outbox (\n"
          "  id TEXT PRIMARY KEY,\n"
          // Whose key seals the mail: the recipient's user id, or an invitation id.
          "  owner_id TEXT NOT NULL,\n"
          "  to_sealed BYTES NOT NULL,\n"
          "  subject_sealed BYTES NOT NULL,\n"
          // Emptied once the mail is sent or has failed: it carries the tokens.
          "  body_sealed BYTES NOT NULL,\n"
          // verify_email, reset_password, invitation, ...
          "  kind TEXT NOT NULL,\n"
          // queued | sent | failed
          "  status TEXT NOT NULL,\n"
          "  attempts BIGINT NOT NULL DEFAULT 0,\n"
          // When a queued mail is due; a claimed mail's lease end while it is being sent.
          "  next_attempt_at BIGINT NOT NULL,\n"
          "  created_at BIGINT NOT NULL,\n"
          "  sent_at BIGINT,\n"
          "  last_error TEXT NOT NULL DEFAULT ''\n"
          ");\n"
          "CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);\n"};
}

}  // namespace parley
