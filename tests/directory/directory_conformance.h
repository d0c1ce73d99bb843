// The Directory conformance suite: every backend (internal, memory, sql) holds the same
// logical data set, built from one neutral description (DataSet() below), and must give the
// same answers through the Directory interface and through ResolveRecipient (recipients.h).
// A backend instantiates it with a factory type:
//
//   class MyFactory {
//    public:
//     MyFactory();  // blocking preparation on the test thread (may ADD_FAILURE)
//     // On the reactor: a directory holding DataSet(), owned by the factory; an error when
//     // it could not be built.
//     Task<Result<Directory*>> Open();
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(DirectoryMy, DirectoryConformance, MyFactory);
//
// How the data set is written for each backend (where they genuinely differ):
//  - internal: the store keeps normalized addresses only (the CLI normalizes), so the factory
//    normalizes them first; domains are created explicitly.
//  - memory: the config entries as written (mixed case, UTF-8 domains).
//  - sql: the operator's rows keep the local part's case but hold domains as A-labels: the
//    default query-recipient lower-cases the stored side only and cannot map a U-label
//    (sql_directory_config.h). It has no list of domains: a domain is local when some address
//    uses it, so every domain of the data set has an address.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "directory/directory.h"
#include "directory/recipients.h"
#include "store/metadata_test_util.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {

// One principal as an operator writes it in any backend.
struct DirectoryEntry {
  std::string name;
  std::string type;  // individual | group | list
  std::string secret;
  std::string description;
  bool active = true;
  uint64_t quota_bytes = 0;
  // As written (any case, UTF-8 domains, "@domain" a catch-all), the primary first and the
  // aliases in the order their normalized forms sort (the SQL default orders them so).
  std::vector<std::string> emails;
  std::vector<std::string> member_of;
};

// The domains, as written. Both have addresses (the SQL directory knows domains only so).
inline std::vector<std::string> DataSetDomains() { return {"example.test", "bücher.example"}; }

// news (list) ⊃ {bob, team}; team (group) ⊃ {alice, bob, carol}; carol is inactive; old is an
// inactive group holding alice; alumni holds only carol; ring1 and ring2 contain each other;
// postmaster owns the catch-all of example.test; bücher.example has no catch-all.
inline std::vector<DirectoryEntry> DataSet() {
  using V = std::vector<std::string>;
  std::vector<DirectoryEntry> set;
  set.push_back({"news", "list", "", "News letter", true, 0, V{"News@Example.test"}, V{}});
  set.push_back({"team", "group", "", "", true, 0, V{"team@example.test"}, V{"news"}});
  set.push_back({"old", "group", "", "", false, 0, V{"old@example.test"}, V{}});
  set.push_back({"alumni", "group", "", "", true, 0, V{"alumni@example.test"}, V{}});
  set.push_back({"ring1", "group", "", "", true, 0, V{"ring@example.test"}, V{"ring2"}});
  set.push_back({"ring2", "group", "", "", true, 0, V{}, V{"ring1"}});
  set.push_back({"alice", "individual", "{PLAIN}alice-pw", "Alice Liddell", true, 1073741824,
                 V{"alice@example.test", "ali@BÜCHER.example", "Alice.Liddell@Example.TEST"},
                 V{"old", "ring1", "team"}});
  set.push_back({"bob", "individual", "{PLAIN}bob-pw", "", true, 0,
                 V{"bob@example.test", "bob@bücher.example"}, V{"news", "team"}});
  set.push_back({"carol", "individual", "{PLAIN}carol-pw", "", false, 0, V{"carol@example.test"},
                 V{"alumni", "team"}});
  set.push_back({"postmaster", "individual", "", "", true, 0,
                 V{"postmaster@example.test", "@Example.Test"}, V{}});
  return set;
}

inline constexpr const char* kIdnDomain = "xn--bcher-kva.example";  // bücher.example

namespace dirconf {

using Names = std::vector<std::string>;

inline Names Sorted(Names names) {
  std::sort(names.begin(), names.end());
  return names;
}

inline Names PrincipalNames(const ResolvedRecipient& r) {
  Names names;
  for (const Principal& p : r.principals) names.push_back(p.name);
  return names;
}

inline const char* StatusName(RecipientStatus status) {
  switch (status) {
    case RecipientStatus::kLocal: return "local";
    case RecipientStatus::kUnknown: return "unknown";
    case RecipientStatus::kDisabled: return "disabled";
    case RecipientStatus::kNotLocal: return "not-local";
  }
  return "?";
}

// "status address: sorted names" (or "error CODE"), one comparable line per resolution.
inline Task<std::string> Resolve(Directory* d, std::string address, RecipientRules rules = {}) {
  Result<ResolvedRecipient> r = co_await ResolveRecipient(d, address, &rules);
  if (!r) co_return std::string("error ") + ErrorCodeName(r.error().code);
  std::string out = std::string(StatusName(r->status)) + " " + r->address + ":";
  const Names names = Sorted(PrincipalNames(*r));
  for (const std::string& name : names) out += " " + name;
  // Expansion yields every principal once.
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) out += " (duplicates)";
  co_return out;
}

// --- The bodies: the interface's exact lookups ---

inline Task<void> FindsPrincipals(Directory* d) {
  CO_ASSERT_OK(alice, d->FindPrincipal("alice"));
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->type, PrincipalType::kIndividual);
  EXPECT_EQ(alice->secret, "{PLAIN}alice-pw");
  EXPECT_EQ(alice->description, "Alice Liddell");
  EXPECT_TRUE(alice->active);
  EXPECT_EQ(alice->quota_bytes, 1073741824u);
  CO_ASSERT_TRUE(alice->emails.size() == 3u);
  EXPECT_EQ(alice->emails[0], "alice@example.test");  // the primary first
  EXPECT_EQ(Sorted(Names(alice->emails.begin() + 1, alice->emails.end())),
            (Names{"ali@xn--bcher-kva.example", "alice.liddell@example.test"}));
  EXPECT_EQ(Sorted(alice->member_of), (Names{"old", "ring1", "team"}));

  CO_ASSERT_OK(carol, d->FindPrincipal("carol"));
  EXPECT_FALSE(carol->active);
  EXPECT_EQ(carol->emails, Names{"carol@example.test"});
  CO_ASSERT_OK(team, d->FindPrincipal("team"));
  EXPECT_EQ(team->type, PrincipalType::kGroup);
  EXPECT_EQ(team->secret, "");
  EXPECT_EQ(team->member_of, Names{"news"});
  CO_ASSERT_OK(news, d->FindPrincipal("news"));
  EXPECT_EQ(news->type, PrincipalType::kList);
  EXPECT_EQ(news->description, "News letter");
  EXPECT_EQ(news->emails, Names{"news@example.test"});
  CO_ASSERT_OK(old, d->FindPrincipal("old"));
  EXPECT_FALSE(old->active);
  CO_ASSERT_OK(postmaster, d->FindPrincipal("postmaster"));
  EXPECT_EQ(postmaster->emails, (Names{"postmaster@example.test", "@example.test"}));

  // Names compare as stored.
  const Names missing_names = {"Alice", "ALICE", "nobody", "alice@example.test", ""};
  for (const std::string& name : missing_names) {
    Result<Principal> missing = co_await d->FindPrincipal(name);
    EXPECT_FALSE(missing.has_value()) << name;
    if (!missing) {
      EXPECT_EQ(missing.error().code, ErrorCode::kNotFound) << name;
    }
  }
}

inline Task<void> FindsAddresses(Directory* d) {
  CO_ASSERT_OK(primary, d->FindAddress("alice@example.test"));
  EXPECT_EQ(*primary, Names{"alice"});
  CO_ASSERT_OK(alias, d->FindAddress("alice.liddell@example.test"));  // written mixed case
  EXPECT_EQ(*alias, Names{"alice"});
  CO_ASSERT_OK(idn, d->FindAddress(std::string("bob@") + kIdnDomain));  // written as U-label
  EXPECT_EQ(*idn, Names{"bob"});
  CO_ASSERT_OK(list, d->FindAddress("news@example.test"));
  EXPECT_EQ(*list, Names{"news"});
  CO_ASSERT_OK(catch_all, d->FindAddress("@example.test"));
  EXPECT_EQ(*catch_all, Names{"postmaster"});
  const Names unknown = {"nobody@example.test", std::string("@") + kIdnDomain,
                         std::string("nobody@") + kIdnDomain, "alice@example.org"};
  for (const std::string& address : unknown) {
    CO_ASSERT_OK(none, d->FindAddress(address));
    EXPECT_TRUE(none->empty()) << address;
  }
}

inline Task<void> ListsMembers(Directory* d) {
  CO_ASSERT_OK(team, d->Members("team"));
  EXPECT_EQ(Sorted(*team), (Names{"alice", "bob", "carol"}));
  CO_ASSERT_OK(news, d->Members("news"));
  EXPECT_EQ(Sorted(*news), (Names{"bob", "team"}));
  CO_ASSERT_OK(ring, d->Members("ring1"));
  EXPECT_EQ(Sorted(*ring), (Names{"alice", "ring2"}));
  const Names without_members = {"alice", "nobody", "ring"};
  for (const std::string& name : without_members) {
    CO_ASSERT_OK(none, d->Members(name));
    EXPECT_TRUE(none->empty()) << name;
  }
}

inline Task<void> KnowsLocalDomains(Directory* d) {
  const Names local_domains = {"example.test", kIdnDomain};
  for (const std::string& domain : local_domains) {
    CO_ASSERT_OK(local, d->IsLocalDomain(domain));
    EXPECT_TRUE(*local) << domain;
  }
  const Names other_domains = {"example.org", "test", "sub.example.test", "xn--bcher-kva.test"};
  for (const std::string& domain : other_domains) {
    CO_ASSERT_OK(local, d->IsLocalDomain(domain));
    EXPECT_FALSE(*local) << domain;
  }
}

// --- ResolveRecipient over the backend: tables of (address, rules, expected Resolve line) ---

struct Case {
  std::string address;
  std::string want;
  RecipientRules rules = {};
};

inline Task<void> ExpectResolves(Directory* d, std::vector<Case> cases) {
  for (const Case& c : cases) {
    const std::string got = co_await Resolve(d, c.address, c.rules);
    EXPECT_EQ(got, c.want) << "address: " << c.address;
  }
}

inline std::string Idn(std::string prefix, std::string suffix = "") {
  return prefix + kIdnDomain + suffix;
}

inline std::vector<Case> ExactAddressesAnyCase() {
  const std::string alice = "local alice@example.test: alice";
  return {{"alice@example.test", alice},
          {"ALICE@EXAMPLE.TEST", alice},
          {"\"Alice\"@example.test", alice},  // the same mailbox
          {"aLiCe.LiDdElL@example.TEST", "local alice.liddell@example.test: alice"},
          {"PostMaster@Example.Test", "local postmaster@example.test: postmaster"}};
}

inline std::vector<Case> Subaddresses() {
  RecipientRules dash;
  dash.subaddress_separators = "-+";
  RecipientRules none;
  none.subaddress_separators = "";
  const std::string alice = "local alice@example.test: alice";
  const std::string catch_all = "local @example.test: postmaster";
  return {{"Alice+tag@EXAMPLE.test", alice},
          {"alice+@example.test", alice},
          {"alice+a-b+c@example.test", alice},
          {"bob+x@bücher.example", Idn("local bob@", ": bob")},
          {"alice-tag@example.test", catch_all},  // not a separator by default
          {"+alice@example.test", catch_all},     // "+tag" is a local part of its own
          {"alice-tag@example.test", alice, dash},
          {"alice+x-y@example.test", alice, dash},
          {"alice+tag@example.test", catch_all, none},
          {"bob+x@bücher.example", Idn("unknown bob+x@", ":"), none}};
}

inline std::vector<Case> CatchAllUnknownNotLocal() {
  const std::string catch_all = "local @example.test: postmaster";
  return {{"nobody@example.test", catch_all},
          {"\"john smith\"@example.test", catch_all},
          {"jösé@example.test", catch_all},
          {"\"a\\\"b\"@example.test", catch_all},
          {"nobody@bücher.example", Idn("unknown nobody@", ":")},  // no catch-all there
          {"alice@example.org", "not-local alice@example.org:"},
          {"alice@sub.example.test", "not-local alice@sub.example.test:"},
          {"bob@bücher.test", "not-local bob@xn--bcher-kva.test:"}};
}

// A quoted local part may hold '@' (RFC 5321 §4.1.2); the address is valid and, here,
// nobody's: the catch-all's.
inline std::vector<Case> QuotedAtSign() {
  return {{"\"a@b\"@example.test", "local @example.test: postmaster"},
          {"\"a@b\"@bücher.example", Idn("unknown \"a@b\"@", ":")}};
}

inline std::vector<Case> IdnDomainsInBothForms() {
  const std::string alice = Idn("local ali@", ": alice");
  return {{"ali@bücher.example", alice},
          {"ali@BÜCHER.EXAMPLE", alice},
          {"ali@xn--bcher-kva.example", alice},
          {"ALI@XN--BCHER-KVA.Example", alice}};
}

// carol is inactive; bob reaches news twice (directly and through team); ring1 and ring2
// contain each other.
inline std::vector<Case> GroupsAndLists() {
  return {{"team@example.test", "local team@example.test: alice bob"},
          {"NEWS@example.test", "local news@example.test: alice bob"},
          {"news+weekly@example.test", "local news@example.test: alice bob"},
          {"ring@example.test", "local ring@example.test: alice"}};
}

inline std::vector<Case> InactiveDisabled() {
  return {{"carol@example.test", "disabled carol@example.test:"},
          {"carol+x@example.test", "disabled carol@example.test:"},
          {"alumni@example.test", "disabled alumni@example.test:"},  // only carol
          {"old@example.test", "disabled old@example.test:"}};       // an inactive group
}

inline std::vector<Case> Limits() {
  RecipientRules few;
  few.recipients_max = 2;  // team, then alice: bob is one too many
  RecipientRules depth1;
  depth1.expansion_depth_max = 1;  // news -> team -> team's members is depth 2
  RecipientRules depth2;
  depth2.expansion_depth_max = 2;
  return {{"team@example.test", "error limit_exceeded", few},
          {"alice@example.test", "local alice@example.test: alice", few},
          {"news@example.test", "error limit_exceeded", depth1},
          {"team@example.test", "local team@example.test: alice bob", depth1},
          {"news@example.test", "local news@example.test: alice bob", depth2}};
}

inline std::vector<Case> Malformed() {
  std::vector<Case> cases;
  for (const char* address : {"", "alice", "alice@", "@example.test", "alice@@example.test",
                              "a@[192.0.2.1]", "alice@example.test.", "al ice@example.test",
                              "\"\"@example.test", "alice@exa_mple.test", "\xff@example.test"}) {
    cases.push_back({address, "error invalid_argument"});
  }
  cases.push_back({std::string(65, 'a') + "@example.test", "error invalid_argument"});
  return cases;
}

}  // namespace dirconf

template <typename Factory>
class DirectoryConformance : public ::testing::Test {
 protected:
  // Runs `body` on a reactor over a freshly opened directory and checks it ran to its end.
  void Run(Task<void> (*body)(Directory*)) {
    bool finished = false;
    RunOnReactor(OpenAndRun(&factory_, body, &finished));
    EXPECT_TRUE(finished) << "the test body did not finish (failed assertion above?)";
  }

  // Runs the resolutions of `cases` over a freshly opened directory.
  void Resolves(std::vector<dirconf::Case> cases) {
    bool finished = false;
    RunOnReactor(OpenAndResolve(&factory_, std::move(cases), &finished));
    EXPECT_TRUE(finished) << "the test body did not finish (failed assertion above?)";
  }

  static Task<void> OpenAndRun(Factory* factory, Task<void> (*body)(Directory*), bool* finished) {
    CO_ASSERT_OK(d, factory->Open());
    co_await body(*d);
    *finished = true;
  }
  static Task<void> OpenAndResolve(Factory* factory, std::vector<dirconf::Case> cases,
                                   bool* finished) {
    CO_ASSERT_OK(d, factory->Open());
    co_await dirconf::ExpectResolves(*d, std::move(cases));
    *finished = true;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(DirectoryConformance);

TYPED_TEST_P(DirectoryConformance, FindsPrincipals) { this->Run(dirconf::FindsPrincipals); }
TYPED_TEST_P(DirectoryConformance, FindsAddresses) { this->Run(dirconf::FindsAddresses); }
TYPED_TEST_P(DirectoryConformance, ListsMembers) { this->Run(dirconf::ListsMembers); }
TYPED_TEST_P(DirectoryConformance, KnowsLocalDomains) { this->Run(dirconf::KnowsLocalDomains); }
TYPED_TEST_P(DirectoryConformance, ResolvesExactAddressesAnyCase) {
  this->Resolves(dirconf::ExactAddressesAnyCase());
}
TYPED_TEST_P(DirectoryConformance, ResolvesSubaddresses) {
  this->Resolves(dirconf::Subaddresses());
}
TYPED_TEST_P(DirectoryConformance, ResolvesCatchAllUnknownAndNotLocal) {
  this->Resolves(dirconf::CatchAllUnknownNotLocal());
}
TYPED_TEST_P(DirectoryConformance, ResolvesQuotedAtSignInLocalPart) {
  this->Resolves(dirconf::QuotedAtSign());
}
TYPED_TEST_P(DirectoryConformance, ResolvesIdnDomainsInBothForms) {
  this->Resolves(dirconf::IdnDomainsInBothForms());
}
TYPED_TEST_P(DirectoryConformance, ExpandsGroupsAndLists) {
  this->Resolves(dirconf::GroupsAndLists());
}
TYPED_TEST_P(DirectoryConformance, InactiveIsDisabled) {
  this->Resolves(dirconf::InactiveDisabled());
}
TYPED_TEST_P(DirectoryConformance, ExpansionLimits) { this->Resolves(dirconf::Limits()); }
TYPED_TEST_P(DirectoryConformance, MalformedAddressesAreRefused) {
  this->Resolves(dirconf::Malformed());
}

REGISTER_TYPED_TEST_SUITE_P(DirectoryConformance, FindsPrincipals, FindsAddresses, ListsMembers,
                            KnowsLocalDomains, ResolvesExactAddressesAnyCase, ResolvesSubaddresses,
                            ResolvesCatchAllUnknownAndNotLocal, ResolvesQuotedAtSignInLocalPart,
                            ResolvesIdnDomainsInBothForms, ExpandsGroupsAndLists,
                            InactiveIsDisabled, ExpansionLimits, MalformedAddressesAreRefused);

}  // namespace ringmail::testing
