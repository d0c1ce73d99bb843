// `api-key add ACCOUNT NAME [--expires WHEN]`, `api-key list ACCOUNT`,
// `api-key revoke ACCOUNT NAME` (docs/directory.md, "API keys"), through the operations the
// admin API runs too (admin_ops.h). `add` prints the key once, on stdout, and nothing else
// there, so that a script can capture it.
#include <cstdio>
#include <ctime>
#include <string>

#include "server/admin_ops.h"
#include "server/cli_commands.h"
#include "server/server.h"

namespace ringmail::cli {
namespace {

constexpr const char* kUsage =
    "api-key add ACCOUNT NAME [--expires 30d|YYYY-MM-DD] | api-key list ACCOUNT | "
    "api-key revoke ACCOUNT NAME";

Task<int> Add(MetadataStore* store, Args args) {
  if (args.positional.size() != 4) co_return Usage(kUsage);
  admin::ApiKeyRequest request;
  request.account = args.positional[2];
  request.name = args.positional[3];
  Result<std::optional<int64_t>> expires = admin::ParseExpiry(
      args.One("--expires").value_or(""), static_cast<int64_t>(std::time(nullptr)));
  if (!expires) co_return Refused(expires.error());
  request.expires_at = *expires;
  Result<admin::CreatedApiKey> created = co_await admin::CreateApiKey(store, std::move(request));
  if (!created) co_return Refused(created.error());
  std::printf("%s\n", created->key.c_str());
  std::fprintf(stderr,
               "ringmail: API key '%s' of %s created; it is shown only this once "
               "(send it as \"Authorization: Bearer KEY\")\n",
               created->record.name.c_str(), created->record.account.c_str());
  co_return kExitOk;
}

Task<int> List(MetadataStore* store, Args args) {
  if (args.positional.size() != 3) co_return Usage(kUsage);
  Result<std::vector<ApiKeyRecord>> keys = co_await admin::ListApiKeys(store, args.positional[2]);
  if (!keys) co_return Refused(keys.error());
  const auto when = [](const std::optional<int64_t>& t, const char* none) {
    return t ? admin::FormatTime(*t) : std::string(none);
  };
  std::printf("%-24s %-20s %-20s %s\n", "NAME", "CREATED", "LAST USED", "EXPIRES");
  for (const ApiKeyRecord& k : *keys) {
    std::printf("%-24s %-20s %-20s %s\n", k.name.c_str(), admin::FormatTime(k.created_at).c_str(),
                when(k.last_used_at, "never").c_str(), when(k.expires_at, "never").c_str());
  }
  co_return kExitOk;
}

}  // namespace

Task<int> ApiKeyCommand(MetadataStore* store, std::vector<std::string> words) {
  Result<Args> args = ParseArgs(words, {"--expires"}, {});
  if (!args) co_return Refused(args.error());
  const std::string verb = args->positional.size() > 1 ? args->positional[1] : "";
  if (verb == "add") {
    int code = co_await Add(store, std::move(*args));
    co_return code;
  }
  if (verb == "list") {
    int code = co_await List(store, std::move(*args));
    co_return code;
  }
  if (verb == "revoke" && args->positional.size() == 4) {
    Result<void> revoked =
        co_await admin::RevokeApiKey(store, args->positional[2], args->positional[3]);
    co_return revoked ? kExitOk : Refused(revoked.error());
  }
  co_return Usage(kUsage);
}

}  // namespace ringmail::cli
