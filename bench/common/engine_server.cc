#include "common/engine_server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

#include "base/log.h"
#include "base/metrics.h"
#include "runtime/engine.h"
#include "runtime/runtime_metrics.h"

namespace ringmail::bench {

int ServeUntilStopped(const EngineServerOptions& options, ProtocolHandler* handler,
                      const sigset_t& signals, const std::function<std::string()>& stats) {
  Result<SocketAddress> address =
      SocketAddress::Parse(options.bind + ":" + std::to_string(options.port));
  if (!address) {
    std::fprintf(stderr, "bad --bind/--port: %s\n", address.error().ToString().c_str());
    return 2;
  }
  EngineListener listener;
  listener.name = options.name;
  listener.address = *address;
  listener.handler = handler;
  listener.connections_max = 1'000'000;
  EngineOptions engine_options;
  engine_options.cpus = options.cores;

  Engine engine;
  if (Result<void> started = engine.Start(engine_options, {listener}); !started) {
    std::fprintf(stderr, "engine: %s\n", started.error().ToString().c_str());
    return 1;
  }
  PrintLine("ready port=" + std::to_string(engine.addresses()[0].port()));
  while (WaitForStatsSignal(signals)) PrintLine("stats " + stats());
  engine.Stop();
  PrintLine(stats());
  return 0;
}

std::string RuntimeStatsFields(const ListenerMetrics& listener) {
  const MetricsRegistry& r = MetricsRegistry::Global();
  const RuntimeMetrics& rt = GetRuntimeMetrics();
  char text[200];
  std::snprintf(text, sizeof text, " ring_enters=%lld sqes=%lld completions=%lld connections=%lld",
                static_cast<long long>(r.Total(rt.ring_enters)),
                static_cast<long long>(r.Total(rt.sqes_submitted)),
                static_cast<long long>(r.Total(rt.completions)),
                static_cast<long long>(r.Total(listener.open)));
  return text + ProcessUsageFields();
}

sigset_t BlockServerSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return signals;
}

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

}  // namespace ringmail::bench
