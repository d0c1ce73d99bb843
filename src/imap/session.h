// Session: one IMAP connection from greeting to goodbye (RFC 9051 IMAP4rev2, RFC 3501
// IMAP4rev1 by default). One coroutine, Run(), reads commands with CommandReader
// (parser.h), answers them in order, and writes untagged updates about the selected
// mailbox where the RFC allows them.
//
// The selected mailbox's state is a MailboxIndex (UIDs, modseqs, flags) — the session's
// view, normally the snapshot the core's sessions share (MailboxIndexCache). Message
// sequence numbers are positions in it. Other sessions' changes are read from the store
// (once per core) when the hub says the mailbox changed (MailboxWatcher), and diffed
// against the view: new messages become EXISTS, flag changes FETCH, expunges EXPUNGE
// (or VANISHED under QRESYNC) — the latter never during FETCH, STORE or SEARCH, where an
// expunged message stays in the view (a "ghost") until it may be announced.
//
// STARTTLS (RFC 9051 §6.2.1, commands/starttls.cc): offered when the listener gave a
// StreamUpgrader and the stream is not encrypted yet. Until then the session advertises
// LOGINDISABLED and no AUTH= mechanism and refuses LOGIN and AUTHENTICATE with
// NO [PRIVACYREQUIRED]. After its tagged OK the session flushes, discards whatever the client
// pipelined behind the command (CVE-2011-0411), and continues over the upgraded stream.
//
// COMPRESS=DEFLATE (RFC 4978, commands/compress.cc): after its OK the session continues over
// a DeflateStream (deflate_stream.h) wrapping the current stream, which it owns.
//
// Commands live one family per file in commands/ (auth, starttls, compress, mailbox, list,
// select, fetch, store, search, expunge, copy, append, replace, quota, idle); this file holds
// the loop and shared
// helpers. Lives on the connection's core; everything in SessionServices outlives it, and the
// upgrader (and the streams it returns) outlive the session.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "directory/authenticator.h"
#include "imap/command.h"
#include "imap/message_view.h"
#include "imap/parser.h"
#include "mail/mailbox_hub.h"
#include "mail/mailbox_index_cache.h"
#include "runtime/stream.h"
#include "runtime/task.h"
#include "store/blob_store.h"
#include "store/metadata_store.h"

namespace ringmail::imap {

struct SessionLimits {
  Limits reader;  // line, literal and command sizes (append_size_max is our APPENDLIMIT)
  uint32_t login_timeout_ms = 60 * 1000;           // idle before authentication
  uint32_t idle_timeout_ms = 30 * 60 * 1000;       // idle after it (RFC 9051 §5.4: >= 30 min)
  uint32_t idle_duration_max_ms = 29 * 60 * 1000;  // one IDLE command, then BYE
  uint32_t bad_commands_max = 10;                  // BAD answers in a row before BYE
  size_t output_flush_bytes = 256 * 1024;          // FETCH output buffered before a flush
};

struct SessionServices {
  MetadataStore* metadata = nullptr;
  BlobStore* blobs = nullptr;
  Authenticator* authenticator = nullptr;
  MailboxHub* hub = nullptr;  // null: no live updates (changes show at NOOP)
  // The selected mailboxes' indexes shared by the sessions of a core; null: each session
  // loads its own. Needs `hub` (its wake-ups are what invalidates a shared index).
  MailboxIndexCache* index_cache = nullptr;
  SessionLimits limits;
  std::string hostname = "localhost";
};

// A mailbox name as the store keeps it: "INBOX" as the first level in any case spelled
// "INBOX", one trailing "/" dropped (RFC 9051 §6.3.4). nullopt for names we refuse: empty,
// a leading "/", an empty level ("a//b"), "." or ".." levels.
std::optional<std::string> StoreMailboxName(std::string_view name);

// "1:3,7" from ascending UIDs (UIDPLUS, VANISHED).
std::string CompactUidSet(const std::vector<uint32_t>& uids);

// The selected mailbox of a Session (outside the class: clang cannot default-construct a
// nested struct with member initializers inside std::optional of its enclosing class).
struct SelectedMailbox {
  int64_t mailbox_id = 0;
  std::string name;
  bool read_only = false;
  // What the client was last told. Usually the core's shared snapshot (MailboxIndexCache);
  // the session's own copy while it differs: entries with Session::kGhostBit are expunged
  // but not announced yet, or this session's STORE applied before the next reload.
  std::shared_ptr<const MailboxIndex> view;
  bool view_is_own = false;  // `view` is this session's copy (MutableView)
  size_t ghosts = 0;         // how many ghosts
};

class DeflateStream;

class Session final : private MailboxWatcher {
 public:
  // The account's quota root "" (commands/quota.cc).
  struct QuotaUsage {
    uint64_t limit_bytes = 0;     // 0: unlimited
    uint64_t limit_messages = 0;  // 0: unlimited
    uint64_t used_bytes = 0;
    uint64_t used_messages = 0;
    bool limited() const { return limit_bytes != 0 || limit_messages != 0; }
  };
  // What an EXPUNGE of a mailbox would remove (STATUS DELETED and DELETED-STORAGE).
  struct DeletedUsage {
    uint64_t messages = 0;
    uint64_t bytes = 0;
  };

  // `starttls`: the listener offers STARTTLS through it (null: not offered).
  Session(const SessionServices* services, Stream* stream, StreamUpgrader* starttls = nullptr);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Serves the connection until LOGOUT, a BYE, the client closing or a stream error.
  Task<void> Run();

 private:
  enum class State { kNotAuthenticated, kAuthenticated, kSelected, kLogout };

  using Selected = SelectedMailbox;
  static constexpr uint8_t kGhostBit = 0x80;

  // The loop (session.cc).
  Task<bool> ReadCommand(Command* command);
  // Answers `command` (moved from), then writes live updates and the tagged answer.
  Task<void> Dispatch(Command* command);
  // The command's handler, not started yet (a plain function; session.cc says why).
  Task<void> Handler(Command command);
  Task<void> NotSupported(std::string tag);
  bool Allowed(const Command& command) const;

  // Responses (session.cc).
  void Write(std::string_view text) { stream_->Write(text); }
  void Untagged(std::string_view text);
  // Sets the tagged answer, written by Dispatch after the live updates.
  void Tagged(const std::string& tag, std::string_view status, std::string_view text);
  // A store failure as NO: [UNAVAILABLE] for outages, [NONEXISTENT] for kNotFound,
  // [ALREADYEXISTS], [OVERQUOTA], [LIMIT], else [SERVERBUG].
  void StoreFailure(const std::string& tag, const Error& error);
  Task<bool> FlushOut();
  std::string CapabilityList() const;
  // STARTTLS is offered and has not happened: no password may be sent yet.
  bool TlsPending() const { return starttls_ != nullptr && !stream_->encrypted(); }
  // The name as the client reads it (modified UTF-7 or UTF-8), as an astring.
  void AppendMailboxName(std::string* out, std::string_view name) const;
  bool utf8() const { return utf8_accept_ || rev2_; }

  // Mailbox lookup in this account only (session.cc).
  // The account's mailboxes (kUnavailable etc. on failure).
  Task<Result<std::vector<MailboxRecord>>> Mailboxes();
  // The mailbox called `name` (INBOX case-insensitive), or nullopt.
  Task<Result<std::optional<MailboxRecord>>> FindMailbox(std::string name);
  // The mailbox `wire_name` (as the client sent it) names, or nullopt once the command has
  // been answered: NO `missing` when there is none, the store's failure otherwise.
  Task<std::optional<MailboxRecord>> MailboxOrReply(std::string tag, std::string wire_name,
                                                    std::string missing);
  void MailboxChanged(int64_t mailbox_id) override;
  void Notify(int64_t mailbox_id);  // tells the hub after this session changed a mailbox

  // Live updates (commands/updates.cc).
  // The mailbox's current index: the shared snapshot when there is a cache (`force`: reload
  // it even if no change was signalled), else a fresh load.
  Task<Result<std::shared_ptr<const MailboxIndex>>> LoadIndex(int64_t mailbox_id, bool force);
  const MailboxIndex& shown() const { return *selected_->view; }
  // The view, copied first if it is shared.
  MailboxIndex& MutableView();
  // Reloads the index when a change is pending (or `force`) and writes what changed.
  Task<Result<void>> Sync(bool allow_expunge, bool force);
  void Announce(std::shared_ptr<const MailboxIndex> fresh, bool allow_expunge);
  void WriteFlagsFetch(size_t index, bool with_uid);
  // Puts a message's new flags and modseq (from UpdateFlags) into the view.
  void ApplyRecord(const MessageRecord& record);
  std::string FlagList(const IndexEntry& entry, const MailboxIndex& index) const;
  // Positions (0-based) in the view of a sequence set; ghosts excluded unless asked.
  std::vector<size_t> Resolve(const SequenceSet& set, bool uid) const;

  // commands/auth.cc
  Task<void> Capability(Command command);
  Task<void> Noop(Command command);
  Task<void> Logout(Command command);
  Task<void> Login(Command command);
  Task<void> Authenticate(Command command);
  Task<void> Enable(Command command);
  Task<void> Id(Command command);
  Task<void> LoggedIn(const std::string& tag, AuthenticatedPrincipal principal);
  void AuthFailed(const std::string& tag, AuthFailure failure);
  // commands/starttls.cc
  Task<void> StartTls(Command command);
  // commands/mailbox.cc
  Task<void> Create(Command command);
  Task<void> Delete(Command command);
  Task<void> Rename(Command command);
  Task<void> Subscribe(Command command);
  Task<void> Status(Command command);
  Task<void> Namespace(Command command);
  void AppendStatusItems(std::string* out, const MailboxRecord& m, uint16_t items,
                         const DeletedUsage& deleted) const;
  // The \Deleted messages of the mailbox, when `items` asks for them (else zero); kNotFound
  // etc. from the store.
  Task<Result<DeletedUsage>> LoadDeleted(int64_t mailbox_id, uint16_t items);
  // commands/list.cc
  Task<void> List(Command command);
  // commands/select.cc
  Task<void> Select(Command command);
  void WriteSelectResponses(bool examine);
  Task<void> QresyncSince(QresyncParams q);
  Task<void> Close(Command command);
  Task<void> Check(Command command);
  void Deselect();
  // commands/fetch.cc
  Task<void> Fetch(Command command);
  Task<Result<void>> FetchBatch(const FetchArgs& args, const std::vector<size_t>& positions,
                                bool uid);
  // Sets \Seen on those of the messages without it; returns their UIDs.
  Task<Result<std::vector<uint32_t>>> MarkSeen(const std::vector<size_t>& positions);
  // One FETCH response line; false for a BINARY of an unknown transfer encoding. ENVELOPE
  // and BODYSTRUCTURE come from `summary` when it holds them, else from `view`.
  bool RenderFetch(const FetchArgs& args, size_t position, bool uid, bool add_flags,
                   const MessageRecord* record, const CachedSummary* summary, MessageView* view,
                   std::string* line);
  // commands/store.cc
  Task<void> StoreFlags(Command command);
  // commands/search.cc
  Task<void> Search(Command command);
  Task<void> SortOrThread(Command command);
  Task<Result<std::vector<size_t>>> Matching(const SearchKey& key,
                                             std::vector<MessageRecord>* recs);
  // commands/expunge.cc
  Task<void> Expunge(Command command);
  // commands/copy.cc
  Task<void> Copy(Command command);
  // commands/append.cc
  Task<void> Append(Command command);
  // Fills `request` (flags, date, target, cached forms) for one APPEND or REPLACE message;
  // on a client error sets the tagged answer and returns false.
  bool AppendRequest(const std::string& tag, const AppendMessage& m, int64_t mailbox_id,
                     DeliveryRequest* request);
  // commands/replace.cc
  Task<void> Replace(Command command);
  // commands/quota.cc
  Task<void> GetQuotaRoot(Command command);
  Task<void> GetQuota(Command command);
  Task<void> SetQuota(Command command);
  Task<Result<QuotaUsage>> LoadQuota();
  // Whether the account stays within its quota (both resources) after adding `adding_bytes`
  // in `adding_messages` messages and removing `removing_bytes` in `removing_messages`; if
  // not (or the store failed) the tagged answer is set (NO [OVERQUOTA]).
  Task<bool> QuotaAllows(std::string tag, uint64_t adding_bytes, uint64_t removing_bytes,
                         uint64_t adding_messages, uint64_t removing_messages);
  // commands/compress.cc
  Task<void> Compress(Command command);
  // commands/idle.cc
  // Takes only the tag: its frame stays alive for the whole IDLE.
  Task<void> Idle(std::string tag);

  const SessionServices* services_;
  Stream* stream_;  // the upgraded stream after STARTTLS, deflate_ after COMPRESS
  StreamUpgrader* starttls_;
  CommandReader reader_;
  State state_ = State::kNotAuthenticated;
  uint32_t bad_in_a_row_ = 0;

  std::unique_ptr<DeflateStream> deflate_;  // COMPRESS DEFLATE is active

  std::string user_;
  int64_t account_id_ = 0;
  uint64_t principal_quota_bytes_ = 0;  // the directory's quota at login: when the account has none
  bool rev2_ = false;
  bool utf8_accept_ = false;
  bool condstore_ = false;  // CONDSTORE enabled (ENABLE, SELECT (CONDSTORE), or a use of it)
  bool qresync_ = false;

  std::optional<Selected> selected_;
  bool change_pending_ = false;       // the hub said the selected mailbox changed
  bool idling_ = false;               // in IDLE, waiting for DONE
  std::vector<uint32_t> saved_uids_;  // SEARCHRES "$"
  std::string tagged_;                // the current command's tagged answer
};

}  // namespace ringmail::imap
