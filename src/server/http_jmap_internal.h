// Internal to http_jmap*.cc: who a request authenticated as, and the endpoints beside the
// API (http_jmap_push.cc).
#pragma once

#include <cstdint>
#include <string>

#include "http/router.h"
#include "http/server.h"
#include "jmap/limits.h"
#include "server/protocol_setup.h"

namespace ringmail::jmap_http {

struct User {
  std::string name;  // the login name
  int64_t account_id = 0;
};

// GET /jmap/eventsource/?types=...&closeafter=state|no&ping=N (RFC 8620 §7.3).
Task<http::Response> EventSource(const MailServices& services, http::Request request, User user);
// GET /jmap/download/{accountId}/{blobId}/{name}?accept=T (RFC 8620 §6.2).
Task<http::Response> Download(const MailServices& services, http::Request request, User user);
// Registers the download metrics. REQUIRES: the metrics registry is not frozen yet.
void RegisterDownloadMetrics();
// What uploads need beside the services.
struct UploadSettings {
  jmap::Limits limits;    // the effective ones (the session advertises them)
  std::string spool_dir;  // for uploads too large to keep in memory (store/upload_spool.h)
};
// POST /jmap/upload/{accountId}/ (RFC 8620 §6.1; http_jmap_upload.cc). Streams the body
// (Request::body_reader; null when the body is empty).
Task<http::Response> Upload(const MailServices& services, UploadSettings settings,
                            http::Request request, User user);

}  // namespace ringmail::jmap_http
