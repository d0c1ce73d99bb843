// A real store setup for the Email method family's tests: SQLite + blob directory in a
// temporary directory (StoresFixture), MailServices over them with a MailboxEvents that
// records what it is told, accounts alice and bob, and a CallContext per account. Methods are
// called directly (no HTTP) with arguments parsed by simdjson; answers are parsed back.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "jmap/email_methods.h"
#include "jmap/ids.h"
#include "server/protocol_setup.h"
#include "store/delivery.h"
#include "store/metadata_test_util.h"
#include "store/stores_fixture.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {

class RecordingEvents final : public MailboxEvents {
 public:
  void Changed(int64_t account_id, int64_t mailbox_id, uint64_t modseq) override {
    calls.emplace_back(account_id, mailbox_id, modseq);
  }
  std::vector<std::tuple<int64_t, int64_t, uint64_t>> calls;
};

class EmailMethodsTest : public StoresFixture {
 public:
  using StoresFixture::blob_root;
  void SetUp() override {
    StoresFixture::SetUp();
    stores_.metadata = std::move(metadata_);
    stores_.blobs = std::move(blobs_);
    services_.stores = &stores_;
    services_.events = &events_;
  }

  MetadataStore& metadata() { return *stores_.metadata; }

  // Creates alice and bob; fills alice_ / bob_ (their contexts) and their mailboxes.
  Task<void> MakeAccounts() {
    Result<int64_t> domain = co_await metadata().CreateDomain("example.test");
    EXPECT_TRUE(domain.has_value());
    for (jmap::CallContext* c : {&alice_, &bob_}) {
      AccountRecord a;
      a.name = c == &alice_ ? "alice" : "bob";
      a.emails.push_back(a.name + "@example.test");
      Result<AccountRecord> made = co_await metadata().CreateAccount(a);
      EXPECT_TRUE(made.has_value());
      if (!made) co_return;
      c->services = &services_;
      c->limits = &limits_;
      c->account_id = made->id;
      c->account_name = made->name;
      c->jmap_account_id = "A" + std::to_string(made->id);
      Result<std::vector<MailboxRecord>> boxes = co_await metadata().ListMailboxes(made->id);
      EXPECT_TRUE(boxes.has_value());
      for (const MailboxRecord& m : *boxes) mailboxes_[made->name + "/" + m.name] = m.id;
    }
  }
  // "alice/INBOX" -> its id.
  int64_t Box(const std::string& name) { return mailboxes_.at(name); }
  std::string BoxId(const std::string& name) { return jmap::MailboxId(Box(name)); }

  // Delivers `message` to the mailboxes; returns its JMAP email id.
  Task<std::string> Deliver(std::string message, std::vector<int64_t> mailboxes,
                            MessageFlags flags = {}, int64_t received_at = 1700000000) {
    DeliveryRequest request;
    request.received_at = received_at;
    for (int64_t id : mailboxes) request.targets.push_back({id, flags});
    Result<std::vector<PlacedMessage>> placed = co_await DeliverMessage(
        *stores_.blobs, *stores_.metadata, std::move(message), std::move(request));
    EXPECT_TRUE(placed.has_value());
    if (!placed) co_return "";
    co_return jmap::EmailId(placed->front().email_id);
  }

  // Calls `method` with `arguments` (JSON text) as `context`; returns the response's name and
  // parses its arguments into `parsed`.
  Task<std::string> Call(jmap::MethodFunction method, jmap::CallContext& context,
                         std::string arguments, simdjson::dom::element* parsed) {
    simdjson::dom::element args;
    auto error = args_parser_.parse(arguments).get(args);
    EXPECT_EQ(error, simdjson::SUCCESS) << arguments;
    simdjson::dom::object object;
    EXPECT_EQ(args.get_object().get(object), simdjson::SUCCESS);
    jmap::MethodResponse response = co_await method(context, object);
    last_ = response.arguments;
    auto parse_error = parser_.parse(last_).get(*parsed);
    EXPECT_EQ(parse_error, simdjson::SUCCESS) << last_;
    co_return response.name;
  }

  Stores stores_;
  MailServices services_;
  RecordingEvents events_;
  jmap::Limits limits_;
  jmap::CallContext alice_, bob_;
  std::map<std::string, int64_t> mailboxes_;
  simdjson::dom::parser args_parser_, parser_;
  std::string last_;  // the last answer's arguments, for failure messages
};

// Vectors built outside coroutines (GCC 12 cannot compile a braced list inside one).
template <typename... T>
std::vector<std::string> Strs(T... s) {
  return std::vector<std::string>{std::string(s)...};
}

// A string member, "" when absent or not a string.
template <typename E>
std::string Str(E e, std::string_view key) {
  std::string_view s;
  if (e[key].get_string().get(s) != simdjson::SUCCESS) return "";
  return std::string(s);
}

// The strings of an array member.
template <typename E>
std::vector<std::string> StrList(E e, std::string_view key) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (e[key].get_array().get(a) != simdjson::SUCCESS) return out;
  for (simdjson::dom::element item : a) {
    std::string_view s;
    if (item.get_string().get(s) == simdjson::SUCCESS) out.emplace_back(s);
  }
  return out;
}

template <typename E>
uint64_t Num(E e, std::string_view key) {
  uint64_t n = 0;
  if (e[key].get_uint64().get(n) != simdjson::SUCCESS) return UINT64_MAX;
  return n;
}
template <typename E>
bool Flag(E e, std::string_view key) {
  bool b = false;
  return e[key].get_bool().get(b) == simdjson::SUCCESS && b;
}
// The element at `index` of an array member (an empty object when missing).
template <typename E>
simdjson::dom::element At(E e, std::string_view key, size_t index) {
  simdjson::dom::element out;
  if (e[key].at(index).get(out) != simdjson::SUCCESS) return simdjson::dom::element();
  return out;
}
inline std::string Json(simdjson::dom::element e) { return simdjson::to_string(e); }
inline std::string Json(simdjson::simdjson_result<simdjson::dom::element> r) {
  simdjson::dom::element e;
  if (r.get(e) != simdjson::SUCCESS) return "<missing>";
  return simdjson::to_string(e);
}
inline bool IsNull(simdjson::dom::element e) { return e.is_null(); }
inline bool IsNull(simdjson::simdjson_result<simdjson::dom::element> r) {
  simdjson::dom::element e;
  return r.get(e) == simdjson::SUCCESS && e.is_null();
}

}  // namespace ringmail::testing
