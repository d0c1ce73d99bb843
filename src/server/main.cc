// ringmail: the daemon and its administration CLI (CONTRACT.md).
//
//   ringmail --version
//   ringmail serve [--config FILE]
//   ringmail --config FILE <command> ...   (the administration CLI, server/cli.h)
//
// The configuration comes from --config, else RINGMAIL_CONFIG, else the embedded default.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base/version.h"
#include "server/cli.h"
#include "server/config.h"
#include "server/server.h"

#ifdef RINGMAIL_MIMALLOC
#include <mimalloc.h>
#endif

namespace ringmail {
namespace {

void PrintUsage(FILE* out) {
  std::fprintf(out,
               "usage: ringmail --version\n"
               "       ringmail [--config FILE] serve\n"
               "       ringmail serve [--config FILE]\n");
  PrintCliUsage(out);
}

struct CommandLine {
  std::string config_path;
  std::vector<std::string> command;  // the command and its arguments
};

// --config may stand before or after the command word.
bool ParseCommandLine(int argc, char** argv, CommandLine* out) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0) {
      if (i + 1 >= argc) return false;
      out->config_path = argv[++i];
    } else if (std::strncmp(argv[i], "--config=", 9) == 0) {
      out->config_path = argv[i] + 9;
    } else {
      out->command.push_back(argv[i]);
    }
  }
  return true;
}

Result<Config> LoadConfig(const CommandLine& cl) {
  if (!cl.config_path.empty()) return LoadConfigFile(cl.config_path);
  if (const char* env = std::getenv("RINGMAIL_CONFIG"); env != nullptr && env[0] != '\0') {
    return LoadConfigFile(env);
  }
  return EmbeddedDefaultConfig("./var");
}

int Main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("ringmail %s (%s)\n", kVersion, kGitCommit);
    return kExitOk;
  }
  CommandLine cl;
  if (!ParseCommandLine(argc, argv, &cl) || cl.command.empty()) {
    PrintUsage(stderr);
    return kExitConfig;
  }
  if (cl.command[0] == "help" || cl.command[0] == "--help") {
    PrintUsage(stdout);
    return kExitOk;
  }
  const bool cli = IsCliCommand(cl.command[0]);
  if (!cli && (cl.command[0] != "serve" || cl.command.size() != 1)) {
    std::fprintf(stderr, "ringmail: unknown command '%s'\n", cl.command[0].c_str());
    PrintUsage(stderr);
    return kExitConfig;
  }
  Result<Config> config = LoadConfig(cl);
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
    return kExitConfig;
  }
  if (cli) return RunCli(*config, cl.command);
  return Serve(*config);
}

}  // namespace
}  // namespace ringmail

int main(int argc, char** argv) {
#ifdef RINGMAIL_MIMALLOC
  // Referencing mimalloc keeps it linked (and so the process allocator) under --as-needed.
  if (mi_version() <= 0) return 1;
#endif
  return ringmail::Main(argc, argv);
}
