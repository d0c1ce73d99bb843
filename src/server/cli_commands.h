// The CLI's commands (cli.h). Internal to server/cli*.cc.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "runtime/task.h"
#include "runtime/worker_pool.h"
#include "server/cli_args.h"
#include "server/config.h"
#include "store/metadata_store.h"

namespace ringmail::cli {

// `domain ...` and `account ...`: `args` starts with the command word. Returns the exit code.
// Passwords are hashed on `workers`.
Task<int> RunStoreCommand(MetadataStore* store, WorkerPool* workers, const Config* config,
                          std::vector<std::string> args);

// --- Shared by the commands ---
// Prints the error and returns its exit code (1; 2 for a usage error).
int Refused(const Error& error);
// Prints the usage line and returns 2.
int Usage(const char* what);
// Reads a password from stdin (cli_args.h); the operations hash it (admin_ops.h).
// The A-label domain, followed by its Unicode form in parentheses when they differ.
std::string DomainForDisplay(const std::string& domain);

// `account update NAME ...` and `account passwd NAME --password-stdin` (cli_account_edit.cc).
Task<int> AccountUpdateCommand(MetadataStore* store, WorkerPool* workers, const Config* config,
                               Args args);
// `account list` and `account show NAME` (cli_account_show.cc).
Task<int> AccountShow(MetadataStore* store, Args args);

// `queue list | retry ID|--all | remove ID` (cli_queue.cc).
Task<int> QueueCommand(MetadataStore* store, std::vector<std::string> words);

// `api-key add|list|revoke ...` (cli_api_key.cc).
Task<int> ApiKeyCommand(MetadataStore* store, std::vector<std::string> words);

// `dns-records DOMAIN`, from the listeners the config declares.
int DnsRecords(const Config& config, const std::vector<std::string>& args);

}  // namespace ringmail::cli
