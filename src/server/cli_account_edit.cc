// `account update` and `account passwd`: read the account, apply the changes asked for, and
// write back only the fields that changed.
#include <algorithm>
#include <utility>

#include "server/cli_commands.h"
#include "server/server.h"

namespace ringmail::cli {
namespace {

// `list` with `add` appended (those not in it yet) and `remove` taken out.
std::vector<std::string> Edited(std::vector<std::string> list, const std::vector<std::string>& add,
                                const std::vector<std::string>& remove) {
  for (const std::string& a : add) {
    if (std::find(list.begin(), list.end(), a) == list.end()) list.push_back(a);
  }
  std::erase_if(list, [&](const std::string& x) {
    return std::find(remove.begin(), remove.end(), x) != remove.end();
  });
  return list;
}

}  // namespace

Task<int> AccountUpdateCommand(MetadataStore* store, WorkerPool* workers, const Config* config,
                               Args args) {
  const bool passwd = args.positional[1] == "passwd";
  if (args.positional.size() != 3 || (passwd && !args.Flag("--password-stdin"))) {
    co_return Usage(passwd ? "account passwd NAME --password-stdin"
                           : "account update NAME [--add-email ADDR]... ...");
  }
  Result<AccountRecord> current = co_await store->GetAccount(args.positional[2]);
  if (!current) co_return Refused(current.error());
  AccountUpdate u;
  u.name = current->name;
  if (args.Flag("--password-stdin")) {
    Result<std::string> secret = co_await NewSecret(workers, config);
    if (!secret) co_return Refused(secret.error());
    u.secret = std::move(*secret);
  }
  if (!passwd) {
    Result<std::vector<std::string>> add = NormalizedEmails(args.All("--add-email"));
    if (!add) co_return Refused(add.error());
    Result<std::vector<std::string>> remove = NormalizedEmails(args.All("--remove-email"));
    if (!remove) co_return Refused(remove.error());
    if (!add->empty() || !remove->empty()) u.emails = Edited(current->emails, *add, *remove);
    if (!args.All("--add-member-of").empty() || !args.All("--remove-member-of").empty()) {
      u.member_of =
          Edited(current->member_of, args.All("--add-member-of"), args.All("--remove-member-of"));
    }
    if (std::optional<std::string> quota = args.One("--quota")) {
      Result<uint64_t> bytes = ParseBytes(*quota);
      if (!bytes) co_return Refused(bytes.error());
      u.quota_bytes = *bytes;
    }
    u.description = args.One("--description");
    if (args.Flag("--active")) u.active = true;
    if (args.Flag("--inactive")) u.active = false;
  }
  Result<AccountRecord> updated = co_await store->UpdateAccount(std::move(u));
  if (!updated) co_return Refused(updated.error());
  co_return kExitOk;
}

}  // namespace ringmail::cli
