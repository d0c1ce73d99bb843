// libFuzzer target for JMAP request processing (jmap/api.h) and ResultReference resolution
// (jmap/json_pointer.h): any bytes must give a 200 Response object or a 400 problem, both
// valid JSON, never a crash, hang or leak. The methods are Core/echo and a fake whose
// response has arrays to point into, so "#" references and "*" pointers are exercised.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/check.h"
#include "jmap/api.h"
#include "jmap/json_pointer.h"
#include "runtime/task.h"

namespace {

using ringmail::Task;
using ringmail::jmap::CallContext;
using ringmail::jmap::MethodResponse;

Task<MethodResponse> FakeGet(CallContext& /*context*/, simdjson::dom::object /*arguments*/) {
  co_return MethodResponse{"Foo/get",
                           R"({"list":[{"id":"a","ids":["x","y"]},{"id":"b","ids":[]}]})"};
}

Task<void> Process(std::string body, bool* done) {
  static ringmail::jmap::MethodTable* table = [] {
    auto* t = new ringmail::jmap::MethodTable;
    ringmail::jmap::RegisterCoreMethods(t);
    t->Add("Foo/get", ringmail::jmap::kMailCapability, FakeGet);
    return t;
  }();
  ringmail::jmap::Limits limits;
  CallContext context;
  context.jmap_account_id = "A1";
  context.limits = &limits;
  ringmail::jmap::ApiAnswer answer =
      co_await ringmail::jmap::ProcessRequest(table, &context, std::move(body), "s");
  CHECK(answer.status == 200 || answer.status == 400);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  CHECK(parser.parse(answer.body).get(root) == simdjson::SUCCESS);
  *done = true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The methods here never suspend, so the task runs to its end inside Spawn.
  bool done = false;
  ringmail::Spawn(Process(text, &done));
  CHECK(done);
  // The pointer alone, against a fixed document.
  static const std::string kDocument = R"({"a":[{"b":[1,2]},{"b":[3]}],"c~/":{"":0}})";
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  CHECK(parser.parse(kDocument).get(root) == simdjson::SUCCESS);
  (void)ringmail::jmap::EvaluatePointer(root, text);
  return 0;
}
