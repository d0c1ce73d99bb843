// SmtpSession: one SMTP, submission, relay or LMTP connection (docs/smtp.md), as one coroutine
// Run() over a Stream, feeding the parsers of this folder (line_reader.h, command_parser.h,
// data_reader.h, bdat_reader.h). The session decides sequence, policy and replies; the store
// (delivery.h) and the directory (recipients.h, authenticator.h) decide facts.
//
// Files, one responsibility each: session.cc (the loop, greeting, EHLO/HELO/LHLO, RSET, NOOP,
// QUIT, HELP, VRFY, limits), session_envelope.cc (MAIL, RCPT), session_data.cc (DATA, BDAT),
// session_delivery.cc (trace headers, local delivery, the outbound queue, LMTP replies),
// session_auth.cc (AUTH), session_replies.h (the named replies).
//
// Pipelining (RFC 2920): replies are queued as commands are handled and flushed once the
// session needs input it has not got, so a batch of pipelined commands gets one write.
//
// Durability: 250 after the end of data is sent only once DeliverMessage (and, for remote
// recipients, Outbound::Enqueue) returned ok; a store outage is 451 4.3.0 and nothing is
// acknowledged.
//
// STARTTLS (RFC 3207, session_tls.cc): offered in EHLO when the listener gave a
// StreamUpgrader and the stream is not encrypted yet. After `220 2.0.0` the session flushes,
// discards whatever the client pipelined behind the command (CVE-2011-0411), continues over the
// upgraded stream, and forgets everything the client said before (EHLO required again). On
// submission, AUTH is neither advertised nor accepted before TLS (538 5.7.11; MAIL 530 5.7.0).
// Over TLS, REQUIRETLS (RFC 8689) is advertised and its MAIL parameter accepted; the Received
// header says ESMTPS/ESMTPSA with the TLS version and cipher in a comment.
//
// Runs on the connection's core. Everything in SmtpServices and SessionConfig must outlive
// the session; the Stream too.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "directory/authenticator.h"
#include "directory/directory.h"
#include "directory/network_list.h"
#include "directory/recipients.h"
#include "mail/inbox_ids.h"
#include "mail/mailbox_events.h"
#include "mail/outbound.h"
#include "runtime/stream.h"
#include "runtime/task.h"
#include "smtp/bdat_reader.h"
#include "smtp/command_parser.h"
#include "smtp/data_reader.h"
#include "smtp/line_reader.h"
#include "smtp/reply.h"
#include "smtp/source_limit.h"
#include "smtp/source_rate.h"
#include "store/blob_store.h"
#include "store/metadata_store.h"

namespace ringmail::smtp {

enum class ListenerKind {
  kMx,          // "smtp": local recipients only; no AUTH
  kSubmission,  // AUTH required; local delivery and the outbound queue
  kRelay,       // from relay networks only; local recipients only
  kLmtp,        // RFC 2033: LHLO, one reply per recipient after the data
};

// The session's named limits (config keys in docs/config.md, [smtp]).
struct SessionLimits {
  uint64_t message_size_max = 50ull << 20;  // body bytes (SIZE); 552 5.3.4 beyond
  uint32_t recipients_max = 100;            // per transaction; 452 4.5.3 beyond
  uint32_t errors_max = 20;                 // 4xx/5xx replies; then 421 and close
  uint32_t hops_max = 50;                   // Received: fields; 554 5.4.6 beyond
  uint32_t command_timeout_ms = 300000;     // RFC 5321 §4.5.3.2.7: 5 minutes
  uint32_t data_timeout_ms = 180000;        // RFC 5321 §4.5.3.2.5: 3 minutes per read
  uint32_t greeting_delay_ms = 0;           // early-talker check: wait this long for input
  LineLimits lines;
};

// Where the session's facts come from. Pointers, not owned; all outlive the session.
struct SmtpServices {
  MetadataStore* metadata = nullptr;
  BlobStore* blobs = nullptr;
  Directory* directory = nullptr;
  const RecipientRules* recipient_rules = nullptr;
  Authenticator* authenticator = nullptr;  // null: AUTH never offered
  MailboxEvents* events = nullptr;         // null: nobody is told about deliveries
  Outbound* outbound = nullptr;            // null: remote recipients get 451 4.3.0
  InboxIds* inboxes = nullptr;             // shared by the cores; null: INBOX looked up each time
};

struct SessionConfig {
  ListenerKind kind = ListenerKind::kMx;
  std::string hostname = "localhost";
  SessionLimits limits;
  BareNewlinePolicy bare_newlines = BareNewlinePolicy::kReject;
  // kRelay: the networks allowed to connect (others get 554 at the greeting).
  const NetworkList* relay_networks = nullptr;
  // kSubmission: MAIL FROM and From: must be addresses of the authenticated principal.
  bool must_match_sender = true;
  // Concurrent connections per source, shared by the listener's sessions; null: no limit.
  SourceLimit* source_limit = nullptr;
  // kMx: messages (MAIL commands) per source per minute, shared by the listener's sessions;
  // null: no limit. Authenticated sessions are not counted.
  SourceRate* message_rate = nullptr;
};

class SmtpSession {
 public:
  // `starttls`: the listener offers STARTTLS through it (null: not offered). It, and the
  // stream it returns, outlive the session.
  SmtpSession(const SmtpServices* services, const SessionConfig* config, Stream* stream,
              StreamUpgrader* starttls = nullptr);
  ~SmtpSession();

  // Serves the connection until QUIT, a fatal error, a timeout, the peer closing, or the
  // server's shutdown. Never fails: every outcome is a reply (or silence, when the peer is
  // gone). The caller closes the stream afterwards.
  Task<void> Run();

  // One accepted recipient of the current transaction.
  struct Recipient {
    std::string address;  // as given, without brackets (the Received "for", Outbound)
    RcptParams params;
    bool local = false;
    // local: the INBOXes it reaches (a group may reach several).
    std::vector<int64_t> mailboxes;
    // local: the addresses of each INBOX's account (as `mailboxes`), for its vacation reply.
    std::vector<std::vector<std::string>> mailbox_addresses;
  };

 private:
  // What NextLine found.
  struct Line {
    enum class Kind { kLine, kError, kEnd };
    Kind kind = Kind::kEnd;
    std::string text;  // kLine
    SmtpReply reply;   // kError
  };

  // session.cc
  Task<bool> Greet();
  Task<Line> NextLine();
  Task<bool> WaitForInput();  // flushes, then reads; false when the session must end
  bool HandleEnd(const Error& error);
  // Runs a command that needs no waiting and returns its outcome as a finished task, or
  // returns the not yet started handler task of one that waits (which may take `*command`
  // over); false: the session must end.
  Task<bool> Dispatch(SmtpCommand* command);
  void Hello(const SmtpCommand& command);
  void Reset();
  // Queues a reply; counts errors. False when errors_max was passed (421 queued instead).
  bool Reply(const SmtpReply& reply);
  void ReplyText(int code, std::string_view enhanced, std::string_view text);
  uint32_t Extensions() const;
  bool InTransaction() const { return sender_.has_value(); }

  // session_envelope.cc
  Task<void> Mail(SmtpCommand command);
  Task<void> Rcpt(SmtpCommand command);
  Task<std::optional<SmtpReply>> AddLocal(std::vector<Principal> principals, Recipient* out);
  Task<Result<int64_t>> InboxOf(Principal principal, bool* over_quota);
  bool SenderAllowed(std::string_view normalized) const;

  // session_data.cc
  Task<bool> Data();
  Task<bool> Bdat(SmtpCommand command);
  Task<bool> ReadChunk(BdatReader* reader, std::string* body);
  std::optional<SmtpReply> TransactionReady() const;

  // session_delivery.cc
  Task<void> Deliver(std::string body);
  // `id`: the transaction's trace id, the same in every copy (local and queued).
  std::string TraceHeaders(bool return_path, std::string_view id) const;
  std::optional<SmtpReply> CheckContent(std::string* body) const;
  Task<Result<void>> DeliverLocal(std::string message);
  Task<Result<void>> Enqueue(std::string message);
  // The vacation auto-replies of the accounts that got `message` (mail/vacation.h).
  Task<void> VacationReplies(std::vector<PlacedMessage> placed, std::string header_block);
  void ReplyAll(const SmtpReply& reply);

  // session_tls.cc
  // STARTTLS; false when the session must end (the handshake failed).
  Task<bool> StartTls();
  // STARTTLS is offered and has not happened yet.
  bool TlsPending() const { return starttls_ != nullptr && !stream_->encrypted(); }

  // session_auth.cc
  Task<bool> Auth(SmtpCommand command);
  bool AuthOffered() const;
  std::string AuthMechanisms() const;

  const char* ProtocolWord() const;
  const char* LogName() const;

  const SmtpServices* services_;
  const SessionConfig* config_;
  Stream* stream_;  // the upgraded stream after STARTTLS
  StreamUpgrader* starttls_;
  LineReader line_reader_;
  std::string peer_host_;

  // Session state.
  std::string helo_;
  bool esmtp_ = false;
  uint32_t errors_ = 0;
  bool closing_ = false;  // a reply asked to close; Run ends after flushing
  std::optional<AuthenticatedPrincipal> principal_;

  // Transaction state (MAIL to the end of data, or RSET).
  std::optional<SmtpPath> sender_;
  MailParams mail_params_;
  std::vector<Recipient> recipients_;
  std::unique_ptr<BdatReader> bdat_;
  std::string bdat_body_;
  uint32_t transaction_id_ = 0;
};

}  // namespace ringmail::smtp
