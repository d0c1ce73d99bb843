// `domain` and `account` commands over the metadata store (the internal directory).
#include "server/cli_commands.h"

#include <cstdio>
#include <utility>

#include "server/admin_ops.h"
#include "server/cli.h"
#include "server/cli_args.h"
#include "server/server.h"

namespace ringmail::cli {

int Refused(const Error& error) {
  std::fprintf(stderr, "ringmail: %s\n", error.message.c_str());
  return error.code == ErrorCode::kInvalidArgument && error.message.starts_with("unknown option")
             ? kExitConfig
             : kExitFailure;
}

int Usage(const char* what) {
  std::fprintf(stderr, "ringmail: usage: ringmail [--config FILE] %s\n", what);
  return kExitConfig;
}

namespace {

Task<int> Domain(MetadataStore* store, std::vector<std::string> words) {
  const std::string verb = words.size() > 1 ? words[1] : "";
  if (verb == "list" && words.size() == 2) {
    Result<std::vector<std::string>> names = co_await store->ListDomains();
    if (!names) co_return Refused(names.error());
    for (const std::string& name : *names) std::printf("%s\n", DomainForDisplay(name).c_str());
    co_return kExitOk;
  }
  if ((verb != "add" && verb != "remove") || words.size() != 3) {
    co_return Usage("domain add|remove DOMAIN | domain list");
  }
  Result<std::string> done;
  if (verb == "add") {
    done = co_await admin::AddDomain(store, words[2]);
  } else {
    done = co_await admin::RemoveDomain(store, words[2]);
  }
  if (!done) co_return Refused(done.error());
  co_return kExitOk;
}

}  // namespace

namespace {

Task<int> AccountAdd(MetadataStore* store, WorkerPool* workers, const Config* config, Args args) {
  if (args.positional.size() != 3) {
    co_return Usage("account add NAME [--email ADDR]... [--password-stdin] ...");
  }
  admin::NewAccount a;
  a.name = args.positional[2];
  a.type = args.One("--type").value_or("individual");
  a.role = args.One("--role").value_or("user");
  a.description = args.One("--description").value_or("");
  a.active = !args.Flag("--inactive");
  a.member_of = args.All("--member-of");
  if (std::optional<std::string> quota = args.One("--quota")) {
    Result<uint64_t> bytes = admin::ParseBytes(*quota);
    if (!bytes) co_return Refused(bytes.error());
    a.quota_bytes = *bytes;
  }
  if (std::optional<std::string> count = args.One("--quota-messages")) {
    Result<uint64_t> messages = admin::ParseCount(*count);
    if (!messages) co_return Refused(messages.error());
    a.quota_messages = *messages;
  }
  a.emails = args.All("--email");
  if (args.Flag("--password-stdin")) {
    Result<std::string> password = ReadPasswordFromStdin();
    if (!password) co_return Refused(password.error());
    a.password = std::move(*password);
  }
  Result<AccountRecord> created =
      co_await admin::CreateAccount(store, workers, config, std::move(a));
  if (!created) co_return Refused(created.error());
  co_return kExitOk;
}

}  // namespace

Task<int> RunStoreCommand(MetadataStore* store, WorkerPool* workers, const Config* config,
                          std::vector<std::string> words) {
  if (words.front() == "domain") {
    int code = co_await Domain(store, std::move(words));
    co_return code;
  }
  if (words.front() == "queue") {
    int code = co_await QueueCommand(store, std::move(words));
    co_return code;
  }
  if (words.front() == "api-key") {
    int code = co_await ApiKeyCommand(store, std::move(words));
    co_return code;
  }
  Result<Args> args = ParseArgs(
      words,
      {"--email", "--type", "--member-of", "--quota", "--quota-messages", "--description",
       "--add-email", "--remove-email", "--add-member-of", "--remove-member-of", "--role"},
      {"--password-stdin", "--inactive", "--active"});
  if (!args) co_return Refused(args.error());
  const std::string verb = args->positional.size() > 1 ? args->positional[1] : "";
  int code = kExitConfig;
  if (verb == "add") {
    code = co_await AccountAdd(store, workers, config, std::move(*args));
  } else if (verb == "update" || verb == "passwd") {
    code = co_await AccountUpdateCommand(store, workers, config, std::move(*args));
  } else if (verb == "list" || verb == "show") {
    code = co_await AccountShow(store, std::move(*args));
  } else if (verb == "remove" && args->positional.size() == 3) {
    Result<void> removed = co_await store->DeleteAccount(args->positional[2]);
    code = removed ? kExitOk : Refused(removed.error());
  } else {
    PrintCliUsage(stderr);
  }
  co_return code;
}

}  // namespace ringmail::cli
