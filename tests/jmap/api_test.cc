#include "jmap/api.h"

#include <gtest/gtest.h>

#include "jmap/ids.h"
#include "testing/run_on_reactor.h"

namespace ringmail::jmap {
namespace {

// A fake method family: Foo/get answers its (resolved) arguments back with a fixed list,
// Foo/set creates one "F<n>" per creation id, Foo/fail fails as a store would.
Task<MethodResponse> FooGet(CallContext& /*context*/, simdjson::dom::object arguments) {
  std::string args = simdjson::minify(arguments);
  co_return MethodResponse{"Foo/get", R"({"accountId":"A1","list":[{"id":"f1","threadId":"t1"},)"
                                      R"({"id":"f2","threadId":"t2"}],"args":)" +
                                          args + "}"};
}

Task<MethodResponse> FooSet(CallContext& context, simdjson::dom::object arguments) {
  simdjson::dom::object create;
  std::string created = "{";
  if (arguments["create"].get_object().get(create) == simdjson::SUCCESS) {
    for (auto field : create) {
      const std::string id = MailboxId(static_cast<int64_t>(context.created_ids.size()) + 10);
      context.created_ids[std::string(field.key)] = id;
      if (created.size() > 1) created += ",";
      created += "\"" + std::string(field.key) + "\":{\"id\":\"" + id + "\"}";
    }
  }
  co_return MethodResponse{"Foo/set", "{\"created\":" + created + "}}"};
}

Task<MethodResponse> FooFail(CallContext& /*context*/, simdjson::dom::object /*arguments*/) {
  co_return StoreFailure(Error{ErrorCode::kUnavailable, "database down"});
}

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() {
    RegisterCoreMethods(&table_);
    table_.Add("Foo/get", kMailCapability, FooGet);
    table_.Add("Foo/set", kMailCapability, FooSet);
    table_.Add("Foo/fail", kMailCapability, FooFail);
    context_.account_id = 1;
    context_.jmap_account_id = "A1";
    context_.limits = &limits_;
  }

  ApiAnswer Run(std::string body) {
    ApiAnswer answer;
    testing::RunOnReactor([](ApiTest* t, std::string b, ApiAnswer* out) -> Task<void> {
      *out = co_await ProcessRequest(&t->table_, &t->context_, std::move(b), "s1");
    }(this, std::move(body), &answer));
    return answer;
  }

  // The method responses of a successful request, as JSON text.
  std::string Responses(std::string body) {
    ApiAnswer a = Run(std::move(body));
    EXPECT_EQ(a.status, 200) << a.body;
    const std::string prefix = "{\"methodResponses\":";
    EXPECT_TRUE(a.body.starts_with(prefix)) << a.body;
    return a.body;
  }

  MethodTable table_;
  Limits limits_;
  CallContext context_;
};

constexpr std::string_view kUsing =
    R"("using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:mail"])";

std::string Req(std::string_view calls, std::string_view extra = "") {
  return "{" + std::string(kUsing) + ",\"methodCalls\":" + std::string(calls) + std::string(extra) +
         "}";
}

TEST_F(ApiTest, RequestLevelErrors) {
  ApiAnswer a = Run("{not json");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.content_type, "application/problem+json");
  EXPECT_NE(a.body.find("urn:ietf:params:jmap:error:notJSON"), std::string::npos);
  EXPECT_NE(Run("[]").body.find("error:notRequest"), std::string::npos);
  EXPECT_NE(Run(R"({"using":[],"methodCalls":{}})").body.find("error:notRequest"),
            std::string::npos);
  EXPECT_NE(Run(R"({"using":[1],"methodCalls":[]})").body.find("error:notRequest"),
            std::string::npos);
  EXPECT_NE(Run(R"({"using":[],"methodCalls":[["a",{}]]})").body.find("error:notRequest"),
            std::string::npos);
  EXPECT_NE(Run(R"({"using":[],"methodCalls":[["a",[],"c"]]})").body.find("error:notRequest"),
            std::string::npos);
  a = Run(R"({"using":["urn:example:nope"],"methodCalls":[]})");
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.body.find("error:unknownCapability"), std::string::npos);
}

TEST_F(ApiTest, Limits) {
  limits_.max_calls_in_request = 2;
  ApiAnswer a = Run(Req(R"([["Core/echo",{},"a"],["Core/echo",{},"b"],["Core/echo",{},"c"]])"));
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.body.find("error:limit"), std::string::npos);
  EXPECT_NE(a.body.find(R"("limit":"maxCallsInRequest")"), std::string::npos);
  EXPECT_EQ(Run(Req(R"([["Core/echo",{},"a"],["Core/echo",{},"b"]])")).status, 200);
  limits_.max_size_request = 20;
  a = Run(Req(R"([])"));
  EXPECT_NE(a.body.find(R"("limit":"maxSizeRequest")"), std::string::npos);
}

TEST_F(ApiTest, EchoAndMethodErrors) {
  EXPECT_EQ(Responses(Req(R"([["Core/echo",{"hello":true,"n":[1,2]},"c1"]])")),
            R"({"methodResponses":[["Core/echo",{"hello":true,"n":[1,2]},"c1"]],)"
            R"("sessionState":"s1"})");
  const std::string r = Responses(Req(
      R"([["Nope/get",{},"a"],["Foo/get",{"accountId":"A2"},"b"],["Foo/get",{"accountId":3},"c"],)"
      R"(["Foo/fail",{},"d"]])"));
  EXPECT_NE(r.find(R"(["error",{"type":"unknownMethod","description":"no such method"},"a"])"),
            std::string::npos)
      << r;
  EXPECT_NE(r.find(R"(["error",{"type":"accountNotFound"},"b"])"), std::string::npos) << r;
  EXPECT_NE(r.find(R"(["error",{"type":"invalidArguments")"), std::string::npos) << r;
  EXPECT_NE(r.find(R"(["error",{"type":"serverUnavailable","description":"database down"},"d"])"),
            std::string::npos)
      << r;
  // A method whose capability the request does not use is unknown.
  const std::string core_only =
      Responses(R"({"using":["urn:ietf:params:jmap:core"],"methodCalls":[["Foo/get",{},"x"]]})");
  EXPECT_NE(core_only.find("unknownMethod"), std::string::npos) << core_only;
}

TEST_F(ApiTest, Rfc8620Section37Example) {
  // The RFC's example: Foo/changes → Foo/get of "#ids" from /created, and a Foo/get of the
  // threadIds gathered with "*". Here Foo/get's fixed list stands in for both sources.
  const std::string r = Responses(Req(
      R"([["Foo/get",{"accountId":"A1"},"t0"],)"
      R"(["Foo/get",{"#ids":{"resultOf":"t0","name":"Foo/get","path":"/list/*/threadId"}},"t1"],)"
      R"(["Foo/get",{"#ids":{"resultOf":"t1","name":"Foo/get","path":"/args/ids"}},"t2"]])"));
  EXPECT_NE(r.find(R"("args":{"ids":["t1","t2"]}},"t1"])"), std::string::npos) << r;
  EXPECT_NE(r.find(R"("args":{"ids":["t1","t2"]}},"t2"])"), std::string::npos) << r;
}

TEST_F(ApiTest, BadReferences) {
  const std::string r = Responses(Req(
      R"([["Foo/get",{},"t0"],)"
      R"(["Foo/get",{"#ids":{"resultOf":"t9","name":"Foo/get","path":"/list"}},"a"],)"
      R"(["Foo/get",{"#ids":{"resultOf":"t0","name":"Foo/set","path":"/list"}},"b"],)"
      R"(["Foo/get",{"#ids":{"resultOf":"t0","name":"Foo/get","path":"/nope"}},"c"],)"
      R"(["Foo/get",{"#ids":{"resultOf":"t0"}},"d"],)"
      R"(["Foo/get",{"ids":[],"#ids":{"resultOf":"t0","name":"Foo/get","path":"/list"}},"e"]])"));
  for (const char* id : {"a", "b", "c", "d"}) {
    EXPECT_NE(r.find(std::string(R"(["error",{"type":"invalidResultReference")")),
              std::string::npos);
    EXPECT_NE(r.find(std::string("},\"") + id + "\"]"), std::string::npos) << id << " " << r;
  }
  EXPECT_NE(r.find(R"(["error",{"type":"invalidArguments")"), std::string::npos) << r;
  EXPECT_EQ(r.find(R"(["Foo/get",{"accountId":"A1","list")", r.find("\"a\"]")), std::string::npos)
      << r;
}

TEST_F(ApiTest, CreatedIds) {
  // Without createdIds in the request, none in the response.
  std::string r = Responses(Req(R"([["Foo/set",{"create":{"k1":{}}},"a"]])"));
  EXPECT_EQ(r.find("createdIds"), std::string::npos) << r;
  context_.created_ids.clear();
  r = Responses(
      Req(R"([["Foo/set",{"create":{"k1":{},"k2":{}}},"a"]])", R"(,"createdIds":{"k0":"F99"})"));
  EXPECT_NE(r.find(R"("createdIds":{"k0":"F99","k1":"F11","k2":"F12"})"), std::string::npos) << r;
  EXPECT_NE(Run(Req("[]", R"(,"createdIds":[])")).body.find("notRequest"), std::string::npos);
}

TEST(ConcurrencyGateTest, PerAccountBudget) {
  auto gate = std::make_unique<ConcurrencyGate>();
  EXPECT_TRUE(gate->Enter(7, 2));
  EXPECT_TRUE(gate->Enter(7, 2));
  EXPECT_FALSE(gate->Enter(7, 2));
  EXPECT_TRUE(gate->Enter(8, 2));
  gate->Leave(7);
  EXPECT_TRUE(gate->Enter(7, 2));
}

TEST(JmapIdsTest, RoundTrips) {
  EXPECT_EQ(MailboxId(12), "F12");
  EXPECT_EQ(ParseMailboxId("F12"), 12);
  EXPECT_EQ(ParseMailboxId("F012"), std::nullopt);
  EXPECT_EQ(ParseMailboxId("F"), std::nullopt);
  EXPECT_EQ(ParseMailboxId("F0"), std::nullopt);
  EXPECT_EQ(ParseMailboxId("M12"), std::nullopt);
  EXPECT_EQ(ParseEmailId(EmailId(5)), 5);
  EXPECT_EQ(ParseThreadId(ThreadId(6)), 6);
  EXPECT_EQ(ParseAccountId(AccountId(7)), 7);
  EXPECT_EQ(ParseState("0"), 0u);
  EXPECT_EQ(ParseState("-1"), std::nullopt);
  const BlobKey key = BlobKey::Of("hello");
  EXPECT_EQ(ParseBlobId(BlobId(key)), key);
  std::string upper = BlobId(key);
  upper[1] = 'A';
  EXPECT_EQ(ParseBlobId(upper), std::nullopt);
}

}  // namespace
}  // namespace ringmail::jmap
