// `account update` and `account passwd`: the changes asked for, applied by
// admin::UpdateAccount (shared with the admin API).
#include <utility>

#include "server/admin_ops.h"
#include "server/cli_commands.h"
#include "server/server.h"

namespace ringmail::cli {

Task<int> AccountUpdateCommand(MetadataStore* store, WorkerPool* workers, const Config* config,
                               Args args) {
  const bool passwd = args.positional[1] == "passwd";
  if (args.positional.size() != 3 || (passwd && !args.Flag("--password-stdin"))) {
    co_return Usage(passwd ? "account passwd NAME --password-stdin"
                           : "account update NAME [--add-email ADDR]... ...");
  }
  admin::AccountChanges c;
  c.name = args.positional[2];
  if (args.Flag("--password-stdin")) {
    Result<std::string> password = ReadPasswordFromStdin();
    if (!password) co_return Refused(password.error());
    c.password = std::move(*password);
  }
  if (!passwd) {
    c.add_emails = args.All("--add-email");
    c.remove_emails = args.All("--remove-email");
    c.add_member_of = args.All("--add-member-of");
    c.remove_member_of = args.All("--remove-member-of");
    if (std::optional<std::string> quota = args.One("--quota")) {
      Result<uint64_t> bytes = admin::ParseBytes(*quota);
      if (!bytes) co_return Refused(bytes.error());
      c.quota_bytes = *bytes;
    }
    if (std::optional<std::string> count = args.One("--quota-messages")) {
      Result<uint64_t> messages = admin::ParseCount(*count);
      if (!messages) co_return Refused(messages.error());
      c.quota_messages = *messages;
    }
    c.description = args.One("--description");
    c.role = args.One("--role");
    if (args.Flag("--active")) c.active = true;
    if (args.Flag("--inactive")) c.active = false;
  }
  Result<AccountRecord> updated =
      co_await admin::UpdateAccount(store, workers, config, std::move(c));
  if (!updated) co_return Refused(updated.error());
  co_return kExitOk;
}

}  // namespace ringmail::cli
