// Conformance bodies for the JMAP objects beside mail: identities, submissions, vacation
// responses and the vacation reply log (metadata_conformance.h).
#pragma once

#include "metadata_conformance_bodies.h"

namespace ringmail::testing::conformance {

inline void ExpectJmapObjectNotFound(const Error* e) {
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->code, ErrorCode::kNotFound);
}

inline Task<void> Identities(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  CO_ASSERT_OK(empty, env.store->ListIdentities(alice->id()));
  EXPECT_TRUE(empty->identities.empty());
  IdentityRecord id{0,  "Alice",      "alice@example.com", R"([{"name":"A","email":"a@x.org"}])",
                    "", "-- \nAlice", "<p>Alice</p>"};
  CO_ASSERT_OK(made, env.store->SaveIdentity(alice->id(), id));
  EXPECT_GT(made->id, 0);
  CO_ASSERT_OK(listed, env.store->ListIdentities(alice->id()));
  CO_ASSERT_TRUE(listed->identities.size() == 1u);
  id.id = made->id;
  EXPECT_EQ(listed->identities[0], id);
  EXPECT_GT(listed->state, empty->state);
  id.name = "Alice A.";
  id.reply_to = "";
  CO_ASSERT_OK(updated, env.store->SaveIdentity(alice->id(), id));
  CO_ASSERT_OK(relisted, env.store->ListIdentities(alice->id()));
  EXPECT_EQ(relisted->identities[0], id);
  EXPECT_GT(relisted->state, listed->state);
  // Bob sees none of Alice's and cannot change or delete them.
  CO_ASSERT_OK(bobs, env.store->ListIdentities(bob->id()));
  EXPECT_TRUE(bobs->identities.empty());
  Result<IdentityRecord> foreign = co_await env.store->SaveIdentity(bob->id(), id);
  ExpectJmapObjectNotFound(foreign ? nullptr : &foreign.error());
  Result<void> gone = co_await env.store->DeleteIdentity(bob->id(), id.id);
  ExpectJmapObjectNotFound(gone ? nullptr : &gone.error());
  CO_ASSERT_OK(deleted, env.store->DeleteIdentity(alice->id(), id.id));
  CO_ASSERT_OK(after, env.store->ListIdentities(alice->id()));
  EXPECT_TRUE(after->identities.empty());
  EXPECT_GT(after->state, relisted->state);
  Result<IdentityList> unknown = co_await env.store->ListIdentities(999999);
  ExpectJmapObjectNotFound(unknown ? nullptr : &unknown.error());
}

inline Task<void> Submissions(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(bob, MakeAccount(env.store, "bob"));
  SubmissionRecord s{0,          7,  11, 13, R"({"mailFrom":{"email":"alice@example.com"}})",
                     1700000000, 42, 0,  0};
  CO_ASSERT_OK(id, env.store->CreateSubmission(alice->id(), s));
  s.id = *id;
  CO_ASSERT_OK(listed, env.store->ListSubmissions(alice->id()));
  CO_ASSERT_TRUE(listed->submissions.size() == 1u);
  s.created_state = s.updated_state = listed->state;  // the state its creation made
  EXPECT_EQ(listed->submissions[0], s);
  EXPECT_LT(listed->destroyed_state, listed->state);
  CO_ASSERT_OK(bobs, env.store->ListSubmissions(bob->id()));
  EXPECT_TRUE(bobs->submissions.empty());
  Result<void> foreign = co_await env.store->DeleteSubmission(bob->id(), s.id);
  ExpectJmapObjectNotFound(foreign ? nullptr : &foreign.error());
  CO_ASSERT_OK(deleted, env.store->DeleteSubmission(alice->id(), s.id));
  CO_ASSERT_OK(after, env.store->ListSubmissions(alice->id()));
  EXPECT_TRUE(after->submissions.empty());
  EXPECT_GT(after->state, listed->state);
  EXPECT_EQ(after->destroyed_state, after->state);
}

// A submission found by its queue id and updated by compare-and-set (the queue's outcomes).
inline Task<void> SubmissionQueueUpdates(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  SubmissionRecord s{0, 7, 11, 13, "{\"v\":1}", 1700000000, 77, 0, 0};
  CO_ASSERT_OK(id, env.store->CreateSubmission(alice->id(), s));
  SubmissionRecord unqueued{0, 7, 12, 14, "{}", 1700000000, 0, 0, 0};
  CO_ASSERT_OK(other, env.store->CreateSubmission(alice->id(), unqueued));
  CO_ASSERT_OK(found, env.store->FindQueueSubmissions(77));
  CO_ASSERT_TRUE(found->size() == 1u);
  EXPECT_EQ((*found)[0].account_id, alice->id());
  EXPECT_EQ((*found)[0].submission.id, *id);
  CO_ASSERT_OK(none, env.store->FindQueueSubmissions(78));
  EXPECT_TRUE(none->empty());
  CO_ASSERT_OK(before, env.store->ListSubmissions(alice->id()));
  CO_ASSERT_OK(stale, env.store->UpdateSubmission(alice->id(), *id, "{\"v\":0}", "{\"v\":2}"));
  EXPECT_FALSE(*stale);
  CO_ASSERT_OK(written, env.store->UpdateSubmission(alice->id(), *id, "{\"v\":1}", "{\"v\":2}"));
  EXPECT_TRUE(*written);
  CO_ASSERT_OK(gone, env.store->UpdateSubmission(alice->id(), 999999, "{}", "{}"));
  EXPECT_FALSE(*gone);
  CO_ASSERT_OK(after, env.store->ListSubmissions(alice->id()));
  CO_ASSERT_TRUE(after->submissions.size() == 2u);
  const SubmissionRecord& updated = after->submissions[0];
  EXPECT_EQ(updated.envelope, "{\"v\":2}");
  EXPECT_GT(after->state, before->state);
  EXPECT_GT(updated.updated_state, before->state);
  EXPECT_LE(updated.created_state, before->state);
  EXPECT_EQ(after->submissions[1].updated_state, after->submissions[1].created_state);
  EXPECT_EQ(after->submissions[1].id, *other);
  // The account goes with its submissions (the destroyed-state trigger meets a cascade).
  CO_ASSERT_OK(gone_account, env.store->DeleteAccount("alice"));
  CO_ASSERT_OK(orphans, env.store->FindQueueSubmissions(77));
  EXPECT_TRUE(orphans->empty());
}

inline Task<void> VacationAndReplies(Env env) {
  CO_ASSERT_OK(alice, MakeAccount(env.store, "alice"));
  CO_ASSERT_OK(unset, env.store->LoadVacation(alice->id()));
  EXPECT_FALSE(unset->is_enabled);
  EXPECT_FALSE(unset->subject.has_value());
  VacationRecord v;
  v.is_enabled = true;
  v.from_date = 1700000000;
  v.subject = "Away";
  v.text_body = "Back on Monday.";
  CO_ASSERT_OK(saved, env.store->SaveVacation(alice->id(), v));
  CO_ASSERT_OK(loaded, env.store->LoadVacation(alice->id()));
  EXPECT_TRUE(loaded->is_enabled);
  EXPECT_EQ(loaded->from_date, v.from_date);
  EXPECT_FALSE(loaded->to_date.has_value());
  EXPECT_EQ(loaded->subject, v.subject);
  EXPECT_EQ(loaded->text_body, v.text_body);
  EXPECT_FALSE(loaded->html_body.has_value());
  EXPECT_GT(loaded->state, unset->state);
  // Once per sender per interval.
  const int64_t day = 86400, t = 1700000000;
  CO_ASSERT_OK(first, env.store->ClaimVacationReply(alice->id(), "bob@example.org", t, 7 * day));
  EXPECT_TRUE(*first);
  CO_ASSERT_OK(again,
               env.store->ClaimVacationReply(alice->id(), "bob@example.org", t + day, 7 * day));
  EXPECT_FALSE(*again);
  CO_ASSERT_OK(other,
               env.store->ClaimVacationReply(alice->id(), "carol@example.org", t + day, 7 * day));
  EXPECT_TRUE(*other);
  CO_ASSERT_OK(later,
               env.store->ClaimVacationReply(alice->id(), "bob@example.org", t + 8 * day, 7 * day));
  EXPECT_TRUE(*later);
}

}  // namespace ringmail::testing::conformance
