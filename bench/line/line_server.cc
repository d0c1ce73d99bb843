// bench_line_server --mode uring|epoll [--port P] [--cores 0[,1]] [--bind 127.0.0.1]
//
// See line_server.h for what it prints and bench/README.md for how the scripts use it.
#include "line/line_server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

#include "common/flags.h"

namespace ringmail::bench {

bool WaitForStatsSignal(const sigset_t& signals) {
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    return sig == SIGUSR1;
  }
}

std::string ProcessUsageFields() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  long rss_pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    long size_pages = 0;
    if (std::fscanf(f, "%ld %ld", &size_pages, &rss_pages) != 2) rss_pages = 0;
    std::fclose(f);
  }
  char text[160];
  std::snprintf(text, sizeof text, " cpu_user_s=%.3f cpu_sys_s=%.3f rss_kib=%ld",
                static_cast<double>(ru.ru_utime.tv_sec) + ru.ru_utime.tv_usec / 1e6,
                static_cast<double>(ru.ru_stime.tv_sec) + ru.ru_stime.tv_usec / 1e6,
                rss_pages * sysconf(_SC_PAGESIZE) / 1024);
  return text;
}

void PrintLine(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

int Main(int argc, char** argv) {
  Flags flags(argc, argv, {"--mode", "--port", "--cores", "--bind"});
  LineServerOptions options;
  options.bind = flags.String("--bind", "127.0.0.1");
  options.port = static_cast<uint16_t>(flags.Int("--port", 0));
  options.cores = flags.IntList("--cores", "0");
  std::string mode = flags.String("--mode", "uring");

  // Blocked before any thread starts, so only the main thread receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (mode == "uring") return RunUringLineServer(options, signals);
  if (mode == "epoll") return RunEpollLineServer(options, signals);
  std::fprintf(stderr, "--mode must be uring or epoll\n");
  return 2;
}

}  // namespace ringmail::bench

int main(int argc, char** argv) { return ringmail::bench::Main(argc, argv); }
