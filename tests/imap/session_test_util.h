// A real IMAP session setup for protocol tests: a SQLite metadata store and a blob directory
// in a temporary directory, the internal directory over that store, an Authenticator with a
// worker pool, and the mailbox hub. Clients are ScriptStreams driving Sessions on the test's
// reactor (RunOnReactor): `co_await client.Run("a1 NOOP")` sends a line and returns what the
// session answered once it waits for input again.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "directory/authenticator.h"
#include "directory/internal_directory.h"
#include "directory/secret.h"
#include "imap/session.h"
#include "mail/mailbox_hub.h"
#include "runtime/awaitables.h"
#include "runtime/worker_pool.h"
#include "store/stores_fixture.h"
#include "testing/fake_upgrader.h"
#include "testing/run_on_reactor.h"
#include "testing/script_stream.h"

namespace ringmail::testing {

class ImapClient {
 public:
  // `starttls`: the session is offered STARTTLS through upgrader() (fake_upgrader.h).
  explicit ImapClient(const imap::SessionServices* services, bool starttls = false)
      : upgrader_(starttls ? std::make_unique<FakeUpgrader>(&stream_) : nullptr),
        session_(std::make_unique<imap::Session>(services, &stream_, upgrader_.get())) {}

  // Starts the session; returns the greeting.
  Task<std::string> Start() {
    Spawn(RunSession(session_.get(), &stream_));
    co_await stream_.Idle();
    co_return stream_.TakeOutput();
  }
  // Sends `line` + CRLF (or raw bytes with Send) and returns the session's output.
  Task<std::string> Run(std::string line) {
    std::string out = co_await stream_.Exchange(line + "\r\n");
    co_return out;
  }
  Task<std::string> Send(std::string bytes) {
    std::string out = co_await stream_.Exchange(std::move(bytes));
    co_return out;
  }
  // Waits (up to 5 s, polling) until the output so far contains `needle`; returns it all.
  Task<std::string> WaitFor(std::string needle) {
    std::string seen;
    for (int i = 0; i < 1000; ++i) {
      seen += stream_.TakeOutput();
      if (seen.find(needle) != std::string::npos) break;
      co_await Sleep(5);
    }
    co_return seen;
  }
  // Closes the client side and waits for the session to end.
  Task<void> Close() {
    stream_.CloseInput();
    co_await stream_.Idle();
  }
  ScriptStream& stream() { return stream_; }
  FakeUpgrader* upgrader() { return upgrader_.get(); }

 private:
  static Task<void> RunSession(imap::Session* session, ScriptStream* stream) {
    co_await session->Run();
    stream->Ended();
  }
  ScriptStream stream_;
  std::unique_ptr<FakeUpgrader> upgrader_;
  std::unique_ptr<imap::Session> session_;
};

class ImapSessionTest : public StoresFixture {
 public:  // the tests' coroutines are lambdas taking the fixture
  void SetUp() override {
    StoresFixture::SetUp();
    Result<std::unique_ptr<WorkerPool>> workers = WorkerPool::Create(1, 16);
    ASSERT_TRUE(workers.has_value());
    workers_ = std::move(*workers);
    directory_ = std::make_unique<InternalDirectory>(metadata_.get());
    auth_ = std::make_unique<Authenticator>(directory_.get(), workers_.get(), &settings_, 1);
    hub_ = std::make_unique<MailboxHub>(1);
    index_cache_ = std::make_unique<MailboxIndexCache>(metadata_.get(), 1);
    services_.index_cache = index_cache_.get();
    services_.metadata = metadata_.get();
    services_.blobs = blobs_.get();
    services_.authenticator = auth_.get();
    services_.hub = hub_.get();
    services_.hostname = "mail.example.test";
  }
  void TearDown() override {
    auth_.reset();
    directory_.reset();
    workers_.reset();
    StoresFixture::TearDown();
  }

  // Creates the accounts alice (password "alice-pw") and bob ("bob-pw").
  Task<void> MakeAccounts() {
    Result<int64_t> domain = co_await metadata_->CreateDomain("example.test");
    EXPECT_TRUE(domain.has_value());
    static constexpr const char* kNames[] = {"alice", "bob"};
    for (const char* name : kNames) {
      AccountRecord a;
      a.name = name;
      a.secret = "{PLAIN}" + std::string(name) + "-pw";
      a.emails.push_back(std::string(name) + "@example.test");
      Result<AccountRecord> made = co_await metadata_->CreateAccount(a);
      EXPECT_TRUE(made.has_value()) << made.error().ToString();
    }
  }
  // A started, logged-in client.
  Task<std::unique_ptr<ImapClient>> LoggedIn(std::string user) {
    auto client = std::make_unique<ImapClient>(&services_);
    co_await client->Start();
    std::string out = co_await client->Run("L1 LOGIN " + user + " " + user + "-pw");
    EXPECT_NE(out.find("L1 OK"), std::string::npos) << out;
    co_return client;
  }

  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<InternalDirectory> directory_;
  AuthSettings settings_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<MailboxHub> hub_;
  std::unique_ptr<MailboxIndexCache> index_cache_;
  imap::SessionServices services_;
};

// "TAG OK [MAILBOXID (Fn)] CREATE completed" (OBJECTID, RFC 8474).
inline bool Created(const std::string& out, const std::string& tag) {
  return out.starts_with(tag + " OK [MAILBOXID (F") && out.ends_with("] CREATE completed\r\n");
}

inline bool Has(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace ringmail::testing
