// SMTP session tests: a real SQLite store and blob directory in a temp dir (StoresFixture),
// the internal directory over it, a real Authenticator, and sessions driven through a
// ScriptStream on a test reactor. Accounts: alice (alice@example.test, alias
// ali@example.test, password alice-pw), bob (bob@example.test), carol (inactive),
// full (quota 10 bytes, already used), in the local domain example.test.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "directory/authenticator.h"
#include "directory/internal_directory.h"
#include "mail/outbound.h"
#include "runtime/worker_pool.h"
#include "smtp/session.h"
#include "store/metadata_test_util.h"
#include "store/stores_fixture.h"
#include "testing/fake_upgrader.h"
#include "testing/run_on_reactor.h"
#include "testing/script_stream.h"

#define EXPECT_HAS(out, text) EXPECT_NE((out).find(text), std::string::npos) << (out)
#define EXPECT_LACKS(out, text) EXPECT_EQ((out).find(text), std::string::npos) << (out)

namespace ringmail::smtp::testing {

using ::ringmail::testing::FakeUpgrader;
using ::ringmail::testing::RunOnReactor;
using ::ringmail::testing::ScriptStream;

// Blob Puts fail while `down` is set (a store outage), else go to the real store.
class SwitchableBlobStore : public BlobStore {
 public:
  explicit SwitchableBlobStore(BlobStore* real) : real_(real) {}
  Task<Result<StoredBlob>> Put(BlobKey key, std::string_view message) override {
    if (down) co_return MakeError(ErrorCode::kUnavailable, "blob store down (test)");
    Result<StoredBlob> r = co_await real_->Put(key, message);
    co_return r;
  }
  Task<Result<std::string>> Get(BlobKey key) override { return real_->Get(key); }
  Task<Result<void>> Delete(BlobKey key) override { return real_->Delete(key); }
  Task<Result<BlobPage>> List(std::string cursor, size_t max) override {
    return real_->List(std::move(cursor), max);
  }
  bool down = false;

 private:
  BlobStore* real_;
};

// Records what submission queues.
class RecordingOutbound : public Outbound {
 public:
  Task<Result<int64_t>> Enqueue(OutboundMessage message) override {
    messages.push_back(std::move(message));
    co_return static_cast<int64_t>(messages.size());
  }
  std::vector<OutboundMessage> messages;
};

// Records the mailboxes delivery says changed.
class RecordingEvents : public MailboxEvents {
 public:
  void Changed(int64_t account_id, int64_t mailbox_id, uint64_t modseq) override {
    changes.push_back({account_id, mailbox_id, modseq});
  }
  struct Change {
    int64_t account_id, mailbox_id;
    uint64_t modseq;
  };
  std::vector<Change> changes;
};

// One session over a ScriptStream. Start() runs it to its greeting.
class Client {
 public:
  // `starttls`: the session is offered STARTTLS through upgrader() (fake_upgrader.h).
  Client(const SmtpServices* services, SessionConfig config, std::string peer = "127.0.0.1:40000",
         bool starttls = false)
      : config_(std::move(config)),
        stream_(SocketAddress::Parse(peer).value()),
        upgrader_(starttls ? std::make_unique<FakeUpgrader>(&stream_) : nullptr),
        session_(services, &config_, &stream_, upgrader_.get()) {}
  // A session still waiting for input is told that the client left, so that it ends (and its
  // coroutine frame is freed) before the objects it uses are destroyed.
  ~Client() {
    if (!stream_.ended()) stream_.CloseInput();
    EXPECT_TRUE(stream_.ended()) << "the session did not end when its client left";
  }

  Task<std::string> Start() {
    Spawn(Drive(&session_, &stream_));
    co_await stream_.Idle();
    co_return stream_.TakeOutput();
  }
  // Sends bytes, waits until the session wants more (or ended), returns its output.
  Task<std::string> Say(std::string bytes) {
    std::string out = co_await stream_.Exchange(std::move(bytes));
    co_return out;
  }
  // Say, then expect `want` in the output (EXPECT_*: the test goes on).
  Task<std::string> Expect(std::string bytes, std::string want) {
    std::string out = co_await stream_.Exchange(std::move(bytes));
    EXPECT_HAS(out, want);
    co_return out;
  }
  Task<std::string> ExpectEq(std::string bytes, std::string want) {
    std::string out = co_await stream_.Exchange(std::move(bytes));
    EXPECT_EQ(out, want);
    co_return out;
  }
  ScriptStream& stream() { return stream_; }
  FakeUpgrader* upgrader() { return upgrader_.get(); }
  bool ended() const { return stream_.ended(); }

 private:
  static Task<void> Drive(SmtpSession* session, ScriptStream* stream) {
    co_await session->Run();
    stream->Ended();
  }

  SessionConfig config_;
  ScriptStream stream_;
  std::unique_ptr<FakeUpgrader> upgrader_;
  SmtpSession session_;
};

class SmtpSessionTest : public ::ringmail::testing::StoresFixture {
 public:
  void SetUp() override {
    StoresFixture::SetUp();
    Result<std::unique_ptr<WorkerPool>> workers = WorkerPool::Create(1, 16);
    ASSERT_TRUE(workers.has_value());
    workers_ = std::move(*workers);
    directory_ = std::make_unique<InternalDirectory>(metadata_.get());
    authenticator_ =
        std::make_unique<Authenticator>(directory_.get(), workers_.get(), &auth_settings_, 1);
    blobs_switch_ = std::make_unique<SwitchableBlobStore>(blobs_.get());
    services_.metadata = metadata_.get();
    services_.blobs = blobs_switch_.get();
    services_.directory = directory_.get();
    services_.recipient_rules = &rules_;
    services_.authenticator = authenticator_.get();
    services_.outbound = &outbound_;
    services_.events = &events_;
    relay_networks_ = NetworkList::Parse({"10.0.0.0/8", "127.0.0.0/8"}).value();
  }
  void TearDown() override {
    authenticator_.reset();
    directory_.reset();
    workers_.reset();
    StoresFixture::TearDown();
  }

  SessionConfig Config(ListenerKind kind) const {
    SessionConfig c;
    c.kind = kind;
    c.hostname = "mx.example.test";
    c.relay_networks = &relay_networks_;
    return c;
  }

  // The accounts of the file comment.
  Task<bool> Populate();
  // Messages in `account`'s INBOX, in UID order, as stored.
  Task<std::vector<std::string>> Inbox(std::string account);
  Task<std::vector<std::string>> ExpectInbox(std::string account, size_t count) {
    std::vector<std::string> inbox = co_await Inbox(account);
    EXPECT_EQ(inbox.size(), count) << account;
    co_return inbox;
  }

  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<InternalDirectory> directory_;
  AuthSettings auth_settings_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<SwitchableBlobStore> blobs_switch_;
  RecipientRules rules_;
  RecordingOutbound outbound_;
  RecordingEvents events_;
  NetworkList relay_networks_;
  SmtpServices services_;
};

inline Task<bool> SmtpSessionTest::Populate() {
  Result<int64_t> domain = co_await metadata_->CreateDomain("example.test");
  if (!domain) co_return false;
  struct A {
    const char* name;
    std::vector<std::string> emails;
    bool active;
    uint64_t quota;
  };
  std::vector<A> accounts;
  accounts.push_back({"alice", {"alice@example.test", "ali@example.test"}, true, 0});
  accounts.push_back({"bob", {"bob@example.test"}, true, 0});
  accounts.push_back({"carol", {"carol@example.test"}, false, 0});
  accounts.push_back({"full", {"full@example.test"}, true, 10});
  for (const A& a : accounts) {
    AccountRecord r;
    r.name = a.name;
    r.emails = a.emails;
    r.active = a.active;
    r.quota_bytes = a.quota;
    r.secret = std::string("{PLAIN}") + a.name + "-pw";
    Result<AccountRecord> created = co_await metadata_->CreateAccount(std::move(r));
    if (!created) {
      ADD_FAILURE() << created.error().ToString();
      co_return false;
    }
  }
  // Fill "full" past its quota.
  Result<AccountRecord> full = co_await metadata_->GetAccount("full");
  Result<std::vector<MailboxRecord>> boxes = co_await metadata_->ListMailboxes(full->id);
  const std::string big = "Subject: big\r\n\r\nmore than ten bytes\r\n";
  DeliveryRequest request = ::ringmail::testing::MakeRequest(big, (*boxes)[0].id);
  request.enforce_quota = false;
  Result<StoredBlob> put = co_await blobs_->Put(request.blob, big);
  request.blob_stored_at_ms = MonotonicMs();
  Result<std::vector<PlacedMessage>> placed = co_await metadata_->Deliver(std::move(request));
  co_return put.has_value() && placed.has_value();
}

inline Task<std::vector<std::string>> SmtpSessionTest::Inbox(std::string account) {
  std::vector<std::string> out;
  Result<AccountRecord> a = co_await metadata_->GetAccount(account);
  if (!a) co_return out;
  Result<std::vector<MailboxRecord>> boxes = co_await metadata_->ListMailboxes(a->id);
  if (!boxes) co_return out;
  for (const MailboxRecord& m : *boxes) {
    if (m.name != "INBOX") continue;
    Result<MailboxSnapshot> snap = co_await metadata_->LoadMailbox(m.id);
    if (!snap) co_return out;
    for (const MessageRecord& r : snap->messages) {
      Result<std::string> body = co_await blobs_->Get(r.blob);
      out.push_back(body ? *body : "<missing>");
    }
  }
  co_return out;
}

}  // namespace ringmail::smtp::testing
