// The administration CLI (CONTRACT.md, docs/cli.md): `domain`, `account` and `dns-records`
// commands against the configured store. It works whether or not a server is running: it
// opens the metadata store itself (SQLite in WAL mode shares the file; PostgreSQL is shared
// anyway) and a running server sees a change at its next lookup.
#pragma once

#include <string>
#include <vector>

#include "server/config.h"

namespace ringmail {

// Runs `args` (the command word first) and returns the exit code: 0 done, 1 refused (the
// reason on stderr), 2 usage or configuration error. Output on stdout, errors on stderr.
// Blocking; on the main thread.
int RunCli(const Config& config, const std::vector<std::string>& args);

// Whether `word` is a CLI command (main.cc dispatches on it).
bool IsCliCommand(const std::string& word);

void PrintCliUsage(FILE* out);

}  // namespace ringmail
