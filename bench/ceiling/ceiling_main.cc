// bench_ceiling --protocol imap|smtp [--corpus DIR] [--port P] [--cores 0[,1]] [--bind ADDR]
//
// The protocol ceilings on our runtime (bench/README.md, "Ceilings"): imap_ceiling.h (needs
// --corpus, the directory bench/imap/corpus.py generated) and smtp_sink.h. Prints `ready
// port=P`, on SIGUSR1 a `stats ...` line, and on SIGTERM/SIGINT
// `mode=ceiling-imap|ceiling-smtp requests=N ring_enters=... cpu_user_s=...` (requests:
// IMAP commands or SMTP messages) and exits 0.
#include <cstdio>
#include <memory>
#include <string>

#include "base/log.h"
#include "base/metrics.h"
#include "ceiling/imap_ceiling.h"
#include "ceiling/smtp_sink.h"
#include "common/engine_server.h"
#include "common/flags.h"
#include "runtime/runtime_metrics.h"

namespace ringmail::bench {

int Main(int argc, char** argv) {
  Flags flags(argc, argv, {"--protocol", "--corpus", "--port", "--cores", "--bind"});
  const std::string protocol = flags.String("--protocol", "");
  EngineServerOptions options{.name = protocol,
                              .bind = flags.String("--bind", "127.0.0.1"),
                              .port = static_cast<uint16_t>(flags.Int("--port", 0)),
                              .cores = flags.IntList("--cores", "0")};
  const sigset_t signals = BlockServerSignals();  // before any thread starts
  SetLogLevel(LogLevel::kWarn);
  RegisterRuntimeMetrics();
  const MetricId requests = MetricsRegistry::Global().Register(
      "bench_ceiling_requests_total", "IMAP commands or SMTP messages answered.",
      MetricType::kCounter);
  const ListenerMetrics listener = RegisterListenerMetrics(protocol);
  auto stats = [&] {
    return "mode=ceiling-" + protocol +
           " requests=" + std::to_string(MetricsRegistry::Global().Total(requests)) +
           RuntimeStatsFields(listener);
  };
  if (protocol == "smtp") {
    SmtpSinkHandler handler(requests);
    return ServeUntilStopped(options, &handler, signals, stats);
  }
  if (protocol == "imap") {
    Result<CeilingMailbox> mailbox = CeilingMailbox::Load(flags.String("--corpus", ""));
    if (!mailbox) {
      std::fprintf(stderr, "--corpus: %s\n", mailbox.error().ToString().c_str());
      return 2;
    }
    ImapCeilingHandler handler(&*mailbox, requests);
    return ServeUntilStopped(options, &handler, signals, stats);
  }
  std::fprintf(stderr, "--protocol must be imap or smtp\n");
  return 2;
}

}  // namespace ringmail::bench

int main(int argc, char** argv) { return ringmail::bench::Main(argc, argv); }
