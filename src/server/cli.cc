#include "server/cli.h"

#include <cstdio>

#include "base/log.h"
#include "base/metrics.h"
#include "runtime/reactor.h"
#include "runtime/runtime_metrics.h"
#include "server/cli_commands.h"
#include "server/server.h"
#include "server/storage_setup.h"

namespace ringmail {
namespace {

constexpr int kCliWorkers = 1;
constexpr int kCliWorkerQueueMax = 16;

Task<void> RunThenStop(Task<int> command, int* code, Reactor* reactor) {
  *code = co_await std::move(command);
  reactor->RequestStop();
}

// Opens the metadata store (migrating a PostgreSQL schema, as the server would) and runs
// the store command on a reactor of its own.
int RunStoreCommand(const Config& config, const std::vector<std::string>& args) {
  // The queue lives in the metadata store whatever the directory is.
  if (config.directory.type != "internal" && args.front() != "queue") {
    std::fprintf(stderr,
                 "ringmail: the %s directory is managed where it lives, not with this command "
                 "([directory] type = \"%s\")\n",
                 config.directory.type.c_str(), config.directory.type.c_str());
    return kExitFailure;
  }
  Result<std::unique_ptr<WorkerPool>> workers = WorkerPool::Create(kCliWorkers, kCliWorkerQueueMax);
  if (!workers) {
    std::fprintf(stderr, "ringmail: %s\n", workers.error().ToString().c_str());
    return kExitFailure;
  }
  Stores stores;
  if (Result<void> opened = OpenMetadataStore(config, workers->get(), &stores); !opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    return opened.error().code == ErrorCode::kConfig ? kExitConfig : kExitFailure;
  }
  if (stores.postgres != nullptr) {
    if (Result<void> migrated = stores.postgres->Migrate(); !migrated) {
      std::fprintf(stderr, "ringmail: [storage] metadata: %s\n", migrated.error().message.c_str());
      return migrated.error().code == ErrorCode::kConfig ? kExitConfig : kExitFailure;
    }
  }
  // The command's own output is what the operator reads; the runtime's info lines are not.
  SetLogLevel(LogLevel::kWarn);
  RegisterRuntimeMetrics();
  MetricsRegistry::Global().Freeze(1);
  ReactorOptions options;
  options.core = 0;
  options.recv_buffer_count = 16;
  options.direct_files_max = 16;
  Result<std::unique_ptr<Reactor>> reactor = Reactor::Create(options);
  if (!reactor) {
    std::fprintf(stderr, "ringmail: %s\n", reactor.error().ToString().c_str());
    return kExitFailure;
  }
  int code = kExitFailure;
  Spawn(RunThenStop(cli::RunStoreCommand(stores.metadata.get(), workers->get(), &config, args),
                    &code, reactor->get()));
  (*reactor)->Run();
  return code;
}

}  // namespace

bool IsCliCommand(const std::string& word) {
  return word == "domain" || word == "account" || word == "dns-records" || word == "queue" ||
         word == "api-key";
}

void PrintCliUsage(FILE* out) {
  std::fprintf(
      out,
      "       ringmail [--config FILE] domain add|remove DOMAIN\n"
      "       ringmail [--config FILE] domain list\n"
      "       ringmail [--config FILE] account add NAME [--email ADDR]... "
      "[--type individual|group|list] [--role user|admin]\n"
      "                [--member-of GROUP]... [--quota BYTES] [--quota-messages N] "
      "[--description TEXT] [--inactive] [--password-stdin]\n"
      "       ringmail [--config FILE] account update NAME [--add-email ADDR]... "
      "[--remove-email ADDR]...\n"
      "                [--add-member-of G]... [--remove-member-of G]... "
      "[--quota BYTES] [--quota-messages N] [--description TEXT] [--active|--inactive] "
      "[--role user|admin]\n"
      "       ringmail [--config FILE] account list | show NAME | remove NAME\n"
      "       ringmail [--config FILE] account passwd NAME --password-stdin\n"
      "       ringmail [--config FILE] api-key add ACCOUNT NAME [--expires 30d|YYYY-MM-DD]\n"
      "       ringmail [--config FILE] api-key list ACCOUNT | revoke ACCOUNT NAME\n"
      "       ringmail [--config FILE] queue list | retry ID|--all | remove ID\n"
      "       ringmail [--config FILE] dns-records DOMAIN\n");
}

int RunCli(const Config& config, const std::vector<std::string>& args) {
  if (args.front() == "dns-records") return cli::DnsRecords(config, args);
  return RunStoreCommand(config, args);
}

}  // namespace ringmail
