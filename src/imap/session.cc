// The session loop and the helpers the command families share (session.h).
#include "imap/session.h"

#include <algorithm>
#include <utility>

#include "base/ascii.h"
#include "base/log.h"
#include "imap/deflate_stream.h"
#include "imap/mailbox_name.h"
#include "imap/wire.h"

namespace ringmail::imap {
namespace {

bool IsSelectedOnly(CommandName name) {
  switch (name) {
    case CommandName::kCheck:
    case CommandName::kClose:
    case CommandName::kUnselect:
    case CommandName::kExpunge:
    case CommandName::kSearch:
    case CommandName::kFetch:
    case CommandName::kStore:
    case CommandName::kCopy:
    case CommandName::kMove:
    case CommandName::kReplace:
    case CommandName::kSort:
    case CommandName::kThread: return true;
    default: return false;
  }
}

bool IsAnyState(CommandName name) {
  return name == CommandName::kCapability || name == CommandName::kNoop ||
         name == CommandName::kLogout || name == CommandName::kId;
}

bool IsNotAuthenticatedOnly(CommandName name) {
  return name == CommandName::kLogin || name == CommandName::kAuthenticate ||
         name == CommandName::kStartTls;
}

}  // namespace

std::optional<std::string> StoreMailboxName(std::string_view name) {
  std::string out(name);
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  if (out.empty() || out.front() == '/') return std::nullopt;
  size_t start = 0;
  while (start <= out.size()) {
    size_t end = out.find('/', start);
    if (end == std::string::npos) end = out.size();
    std::string_view level(out.data() + start, end - start);
    if (level.empty() || level == "." || level == "..") return std::nullopt;
    if (start == 0 && EqualsIgnoreCase(level, "INBOX")) out.replace(0, 5, "INBOX");
    start = end + 1;
  }
  return out;
}

Session::Session(const SessionServices* services, Stream* stream, StreamUpgrader* starttls)
    : services_(services), stream_(stream), starttls_(starttls), reader_([&] {
        Limits l = services->limits.reader;
        l.non_sync_literal_size_max = UINT64_MAX;  // we advertise LITERAL+
        return l;
      }()) {}

Session::~Session() { Deselect(); }

Task<void> Session::Run() {
  stream_->set_read_timeout_ms(services_->limits.login_timeout_ms);
  Untagged("OK [CAPABILITY " + CapabilityList() + "] " + services_->hostname +
           " ringmail IMAP4rev2 ready");
  bool flushed = co_await FlushOut();
  while (flushed && state_ != State::kLogout) {
    Command command;
    const bool read = co_await ReadCommand(&command);
    if (!read) break;
    co_await Dispatch(&command);
    flushed = co_await FlushOut();
  }
  Deselect();
}

Task<bool> Session::ReadCommand(Command* command) {
  while (true) {
    std::string_view input = stream_->buffered();
    if (!input.empty()) {
      const ReadResult r = reader_.Feed(input);
      stream_->Consume(r.consumed);
      if (r.state == ReadState::kDone) {
        *command = reader_.TakeCommand();
        co_return true;
      }
      if (r.state == ReadState::kNeedContinuation) {
        Write("+ Ready for literal data\r\n");
        const bool ok = co_await FlushOut();
        if (!ok) co_return false;
        continue;
      }
      if (r.state == ReadState::kError) {
        const CommandError& e = reader_.error();
        std::string line = e.tag.empty() ? "*" : e.tag;
        line += e.status == ErrorStatus::kBad ? " BAD " : " NO ";
        if (*e.code != '\0') line += std::string("[") + e.code + "] ";
        line += e.text;
        line += "\r\n";
        Write(line);
        if (e.status == ErrorStatus::kBad &&
            ++bad_in_a_row_ >= services_->limits.bad_commands_max) {
          Untagged("BYE Too many invalid commands");
          co_await FlushOut();
          co_return false;
        }
        const bool ok = co_await FlushOut();
        if (!ok) co_return false;
        continue;
      }
    }
    if (stream_->shutdown_requested() && stream_->buffered().empty()) {
      Untagged("BYE Server shutting down");
      co_await FlushOut();
      co_return false;
    }
    Result<std::string_view> got = co_await stream_->Read();
    if (!got) {
      if (got.error().code == ErrorCode::kCancelled) continue;  // a live update meanwhile
      if (got.error().code == ErrorCode::kTimeout) {
        Untagged("BYE Autologout; idle for too long");
      } else if (got.error().code == ErrorCode::kShutdown) {
        Untagged("BYE Server shutting down");
      } else {
        co_return false;
      }
      co_await FlushOut();
      co_return false;
    }
  }
}

bool Session::Allowed(const Command& c) const {
  if (IsAnyState(c.name)) return true;
  if (state_ == State::kNotAuthenticated) return IsNotAuthenticatedOnly(c.name);
  if (IsNotAuthenticatedOnly(c.name)) return false;
  if (IsSelectedOnly(c.name)) return state_ == State::kSelected;
  return true;
}

// A plain function, not a coroutine: GCC gives each co_await of a coroutine its own slot in
// the frame, so awaiting every handler in Dispatch made its frame 8 KiB, alive for as long as
// a command (IDLE) runs.
Task<void> Session::Handler(Command c) {
  switch (c.name) {
    case CommandName::kCapability: return Capability(std::move(c));
    case CommandName::kNoop: return Noop(std::move(c));
    case CommandName::kLogout: return Logout(std::move(c));
    case CommandName::kLogin: return Login(std::move(c));
    case CommandName::kAuthenticate: return Authenticate(std::move(c));
    case CommandName::kStartTls: return StartTls(std::move(c));
    case CommandName::kEnable: return Enable(std::move(c));
    case CommandName::kId: return Id(std::move(c));
    case CommandName::kCreate: return Create(std::move(c));
    case CommandName::kDelete: return Delete(std::move(c));
    case CommandName::kRename: return Rename(std::move(c));
    case CommandName::kSubscribe:
    case CommandName::kUnsubscribe: return Subscribe(std::move(c));
    case CommandName::kStatus: return Status(std::move(c));
    case CommandName::kNamespace: return Namespace(std::move(c));
    case CommandName::kList:
    case CommandName::kLsub: return List(std::move(c));
    case CommandName::kSelect:
    case CommandName::kExamine: return Select(std::move(c));
    case CommandName::kClose:
    case CommandName::kUnselect: return Close(std::move(c));
    case CommandName::kCheck: return Check(std::move(c));
    case CommandName::kFetch: return Fetch(std::move(c));
    case CommandName::kStore: return StoreFlags(std::move(c));
    case CommandName::kSearch: return Search(std::move(c));
    case CommandName::kSort:
    case CommandName::kThread: return SortOrThread(std::move(c));
    case CommandName::kExpunge: return Expunge(std::move(c));
    case CommandName::kCopy:
    case CommandName::kMove: return Copy(std::move(c));
    case CommandName::kAppend: return Append(std::move(c));
    case CommandName::kReplace: return Replace(std::move(c));
    case CommandName::kGetQuotaRoot: return GetQuotaRoot(std::move(c));
    case CommandName::kGetQuota: return GetQuota(std::move(c));
    case CommandName::kSetQuota: return SetQuota(std::move(c));
    case CommandName::kCompress: return Compress(std::move(c));
    case CommandName::kIdle: return Idle(std::move(c.tag));
    default: return NotSupported(std::move(c.tag));
  }
}

Task<void> Session::NotSupported(std::string tag) {
  Tagged(tag, "BAD", "Command not supported");
  co_return;
}

Task<void> Session::Dispatch(Command* command) {
  if (!Allowed(*command)) {
    const char* why = state_ == State::kNotAuthenticated      ? "Log in first"
                      : IsNotAuthenticatedOnly(command->name) ? "Already authenticated"
                                                              : "No mailbox selected";
    Write(command->tag + " BAD " + why + "\r\n");
    ++bad_in_a_row_;
    co_return;
  }
  bad_in_a_row_ = 0;
  const CommandName name = command->name;
  Task<void> handler = Handler(std::move(*command));
  co_await handler;
  // Other sessions' changes, before the tagged answer; never EXPUNGE during FETCH, STORE
  // or SEARCH (RFC 9051 §7.5.1), whose client may still use the old numbers.
  if (selected_ && state_ == State::kSelected) {
    const bool expunge_ok = name != CommandName::kFetch && name != CommandName::kStore &&
                            name != CommandName::kSearch && name != CommandName::kSort &&
                            name != CommandName::kThread;
    const bool force = name == CommandName::kNoop || name == CommandName::kCheck;
    Result<void> synced = co_await Sync(expunge_ok, force);
    (void)synced;  // an outage shows at the next command
  }
  Write(std::exchange(tagged_, {}));
}

void Session::Untagged(std::string_view text) {
  std::string line = "* ";
  line += text;
  line += "\r\n";
  Write(line);
}

void Session::Tagged(const std::string& tag, std::string_view status, std::string_view text) {
  // Written by Dispatch after the live updates.
  std::string& line = tagged_;
  line = tag;
  line += ' ';
  line += status;
  line += ' ';
  line += text;
  line += "\r\n";
}

void Session::StoreFailure(const std::string& tag, const Error& error) {
  const char* code = "SERVERBUG";
  switch (error.code) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kBusy:
    case ErrorCode::kTimeout: code = "UNAVAILABLE"; break;
    case ErrorCode::kNotFound: code = "NONEXISTENT"; break;
    case ErrorCode::kAlreadyExists: code = "ALREADYEXISTS"; break;
    case ErrorCode::kLimitExceeded: code = "OVERQUOTA"; break;
    case ErrorCode::kInvalidArgument: code = "CANNOT"; break;
    default: break;
  }
  if (std::string_view(code) == "SERVERBUG" || std::string_view(code) == "UNAVAILABLE") {
    Log(LogLevel::kWarn, "imap_store_error", "user", user_, "error", error.ToString());
  }
  const char* text = std::string_view(code) == "UNAVAILABLE" ? "Temporary failure, try again later"
                     : std::string_view(code) == "NONEXISTENT"   ? "No such mailbox"
                     : std::string_view(code) == "ALREADYEXISTS" ? "Mailbox already exists"
                     : std::string_view(code) == "OVERQUOTA"     ? "Over quota"
                     : std::string_view(code) == "CANNOT"        ? "Cannot do that"
                                                                 : "Internal error";
  Tagged(tag, "NO", std::string("[") + code + "] " + text);
}

Task<bool> Session::FlushOut() {
  Result<void> r = co_await stream_->Flush();
  co_return r.has_value();
}

std::string Session::CapabilityList() const {
  std::string caps = "IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE IDLE";
  if (state_ == State::kNotAuthenticated && TlsPending()) {
    // RFC 9051 §6.2.3: no password before STARTTLS; §6.2.1: STARTTLS never once encrypted.
    return caps + " STARTTLS LOGINDISABLED";
  }
  if (state_ == State::kNotAuthenticated) {
    AuthContext context{stream_->peer(), stream_->encrypted(), "imap"};
    for (SaslMechanismKind kind : services_->authenticator->Mechanisms(context)) {
      caps += " AUTH=";
      caps += SaslMechanismName(kind);
    }
    if (!services_->authenticator->PlainTextAllowed(context)) caps += " LOGINDISABLED";
    return caps;
  }
  caps +=
      " NAMESPACE UNSELECT UIDPLUS MOVE CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE "
      "CREATE-SPECIAL-USE STATUS=SIZE ESEARCH SEARCHRES CONDSTORE QRESYNC UTF8=ACCEPT "
      "MULTIAPPEND OBJECTID SAVEDATE SORT SORT=DISPLAY THREAD=ORDEREDSUBJECT THREAD=REFERENCES "
      "BINARY PREVIEW QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE REPLACE COMPRESS=DEFLATE WITHIN "
      "APPENDLIMIT=";
  caps += std::to_string(services_->limits.reader.append_size_max);
  return caps;
}

void Session::AppendMailboxName(std::string* out, std::string_view name) const {
  if (utf8()) {
    AppendAString(out, name, true);
  } else {
    AppendAString(out, EncodeMailboxUtf7(name), false);
  }
}

Task<Result<std::vector<MailboxRecord>>> Session::Mailboxes() {
  Result<std::vector<MailboxRecord>> r = co_await services_->metadata->ListMailboxes(account_id_);
  co_return r;
}

Task<Result<std::optional<MailboxRecord>>> Session::FindMailbox(std::string name) {
  Result<std::optional<MailboxRecord>> r =
      co_await services_->metadata->FindMailbox(account_id_, std::move(name));
  co_return r;
}

Task<std::optional<MailboxRecord>> Session::MailboxOrReply(std::string tag, std::string wire_name,
                                                           std::string missing) {
  std::optional<std::string> name = StoreMailboxName(wire_name);
  if (!name) {
    Tagged(tag, "NO", missing);
    co_return std::nullopt;
  }
  Result<std::optional<MailboxRecord>> found = co_await FindMailbox(*name);
  if (!found) {
    StoreFailure(tag, found.error());
    co_return std::nullopt;
  }
  if (!*found) Tagged(tag, "NO", missing);
  co_return std::move(*found);
}

void Session::MailboxChanged(int64_t mailbox_id) {
  if (!selected_ || selected_->mailbox_id != mailbox_id) return;
  change_pending_ = true;
  if (services_->index_cache != nullptr) services_->index_cache->Invalidate(mailbox_id);
  if (idling_) stream_->InterruptRead();
}

void Session::Notify(int64_t mailbox_id) {
  if (selected_ && selected_->mailbox_id == mailbox_id) change_pending_ = true;
  // At once: this session (and any on this core) may reload before the hub's wake-up runs.
  if (services_->index_cache != nullptr) services_->index_cache->Invalidate(mailbox_id);
  if (services_->hub != nullptr) services_->hub->Changed(account_id_, mailbox_id, 0);
}

}  // namespace ringmail::imap
