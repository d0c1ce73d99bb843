// The MetadataStore conformance suite: what every backend must do (store/metadata_store.h,
// docs/storage.md), written against the interface only. A backend instantiates it with a
// factory type:
//
//   class MyFactory {
//    public:
//     MyFactory();   // a fresh, empty database
//     ~MyFactory();  // removes it
//     // A store over the database; after the previous store is destroyed, a new one sees
//     // the same data (the reopen test).
//     std::unique_ptr<MetadataStore> Open();
//     StoreInspector& inspector();
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(StoreMy, MetadataConformance, MyFactory);
//
// (The instantiation prefix starts with "Store" so that --gtest_filter='Store*' selects it.)
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "metadata_conformance_api_keys.h"
#include "metadata_conformance_blobs.h"
#include "metadata_conformance_changes.h"
#include "metadata_conformance_directory.h"
#include "metadata_conformance_emails.h"
#include "metadata_conformance_index.h"
#include "metadata_conformance_jmap.h"
#include "metadata_conformance_lifecycle.h"
#include "metadata_conformance_queue.h"
#include "metadata_conformance_subscribe.h"
#include "metadata_conformance_uploads.h"
#include "testing/run_on_reactor.h"

namespace ringmail::testing {

template <typename Factory>
class MetadataConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = factory_.Open();
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override { store_.reset(); }

  // Runs a test body on a reactor and checks that it ran to its end.
  void Run(Task<void> (*body)(conformance::Env)) {
    bool finished = false;
    RunOnReactor(conformance::Finish(body({store_.get(), &factory_.inspector()}), &finished));
    EXPECT_TRUE(finished) << "the test body did not finish (failed assertion above?)";
  }
  void Reopen() {
    store_.reset();
    store_ = factory_.Open();
    ASSERT_NE(store_, nullptr);
  }

  Factory factory_;
  std::unique_ptr<MetadataStore> store_;
};

TYPED_TEST_SUITE_P(MetadataConformance);

TYPED_TEST_P(MetadataConformance, CreateAccountMakesDefaultMailboxes) {
  this->Run(conformance::DefaultMailboxes);
}
TYPED_TEST_P(MetadataConformance, DomainsAreLowerCaseAndUnique) { this->Run(conformance::Domains); }
TYPED_TEST_P(MetadataConformance, MailboxCreateRenameDelete) {
  this->Run(conformance::MailboxLifecycle);
}
TYPED_TEST_P(MetadataConformance, DeliverAssignsUidsCountersAndModseqs) {
  this->Run(conformance::DeliverUidsCountersModseqs);
}
TYPED_TEST_P(MetadataConformance, DeliverToSeveralMailboxesAndAccounts) {
  this->Run(conformance::DeliverSeveralTargets);
}
TYPED_TEST_P(MetadataConformance, FlagsAddRemoveReplace) { this->Run(conformance::Flags); }
TYPED_TEST_P(MetadataConformance, UnchangedSinceReportsConflicts) {
  this->Run(conformance::UnchangedSince);
}
TYPED_TEST_P(MetadataConformance, ExpungeAndExpungedSince) { this->Run(conformance::Expunge); }
TYPED_TEST_P(MetadataConformance, BlobRefcountFollowsEmails) {
  this->Run(conformance::BlobRefcount);
}
TYPED_TEST_P(MetadataConformance, QuotaExceededDeliversNothing) { this->Run(conformance::Quota); }
TYPED_TEST_P(MetadataConformance, DeletingBlobMakesDeliverBusy) {
  this->Run(conformance::DeletingBlobBusy);
}

TYPED_TEST_P(MetadataConformance, StaleBlobWriteRefused) {
  this->Run(conformance::StaleBlobWriteRefused);
}
TYPED_TEST_P(MetadataConformance, AdoptOrphanBlobsLeavesExistingRows) {
  this->Run(conformance::AdoptOrphanBlobs);
}
TYPED_TEST_P(MetadataConformance, CollectorLeaseHasOneHolder) {
  this->Run(conformance::CollectorLease);
}
TYPED_TEST_P(MetadataConformance, ConcurrentDeliveriesGetDistinctUids) {
  this->Run(conformance::ConcurrentDeliveries);
}
TYPED_TEST_P(MetadataConformance, FlagChangesRacingExpungeStayConsistent) {
  this->Run(conformance::FlagsRacingExpunge);
}
TYPED_TEST_P(MetadataConformance, MailboxIndexAgreesWithLoadMailbox) {
  this->Run(conformance::IndexAgreesWithSnapshot);
}
TYPED_TEST_P(MetadataConformance, LoadMessagesReturnsTheUidsAsked) {
  this->Run(conformance::LoadMessagesPicksUids);
}
TYPED_TEST_P(MetadataConformance, EverythingSurvivesReopen) {
  this->Run(conformance::ReopenBefore);
  this->Reopen();
  this->Run(conformance::ReopenAfter);
}

TYPED_TEST_P(MetadataConformance, AccountsWithAddressesAndGroups) {
  this->Run(conformance::AccountsWithAddresses);
}
TYPED_TEST_P(MetadataConformance, AccountRulesRefused) {
  this->Run(conformance::AccountRulesRefused);
}
TYPED_TEST_P(MetadataConformance, AccountUpdates) { this->Run(conformance::AccountUpdates); }
TYPED_TEST_P(MetadataConformance, DeleteAccountReleasesEverything) {
  this->Run(conformance::DeleteAccountReleasesEverything);
}
TYPED_TEST_P(MetadataConformance, JmapIdentities) { this->Run(conformance::Identities); }
TYPED_TEST_P(MetadataConformance, JmapSubmissions) { this->Run(conformance::Submissions); }
TYPED_TEST_P(MetadataConformance, JmapSubmissionQueueUpdates) {
  this->Run(conformance::SubmissionQueueUpdates);
}
TYPED_TEST_P(MetadataConformance, JmapVacationAndReplies) {
  this->Run(conformance::VacationAndReplies);
}
TYPED_TEST_P(MetadataConformance, SubscribeAndUnsubscribe) {
  this->Run(conformance::Subscriptions);
}
TYPED_TEST_P(MetadataConformance, FindMailboxByName) { this->Run(conformance::FindMailboxByName); }
TYPED_TEST_P(MetadataConformance, LoadSummariesReturnsTheCachedForms) {
  this->Run(conformance::LoadSummariesPicksUids);
}

TYPED_TEST_P(MetadataConformance, EmailsLoadAndList) { this->Run(conformance::EmailsLoadAndList); }
TYPED_TEST_P(MetadataConformance, EmailPlacements) { this->Run(conformance::EmailPlacements); }
TYPED_TEST_P(MetadataConformance, LoadChangesFoldsTheHistory) {
  this->Run(conformance::ChangesOfMailboxesAndEmails);
}
TYPED_TEST_P(MetadataConformance, DeletedFlagHidesEmailsFromChanges) {
  this->Run(conformance::DeletedFlagHidesEmails);
}

TYPED_TEST_P(MetadataConformance, QueueEnqueueClaimRecord) {
  this->Run(conformance::QueueLifecycle);
}
TYPED_TEST_P(MetadataConformance, QueueLeasesRetryRemove) {
  this->Run(conformance::QueueLeasesRetryRemove);
}
TYPED_TEST_P(MetadataConformance, QueueSharesBlobs) { this->Run(conformance::QueueSharesBlobs); }
TYPED_TEST_P(MetadataConformance, UploadsBelongToTheirAccount) {
  this->Run(conformance::UploadOwnership);
}
TYPED_TEST_P(MetadataConformance, UploadsAndCollection) {
  this->Run(conformance::UploadsAndCollection);
}

TYPED_TEST_P(MetadataConformance, AccountRoles) { this->Run(conformance::AccountRoles); }
TYPED_TEST_P(MetadataConformance, ApiKeysLifecycle) { this->Run(conformance::ApiKeysLifecycle); }
TYPED_TEST_P(MetadataConformance, ApiKeysRefused) { this->Run(conformance::ApiKeysRefused); }

REGISTER_TYPED_TEST_SUITE_P(
    MetadataConformance, CreateAccountMakesDefaultMailboxes, DomainsAreLowerCaseAndUnique,
    MailboxCreateRenameDelete, DeliverAssignsUidsCountersAndModseqs,
    DeliverToSeveralMailboxesAndAccounts, FlagsAddRemoveReplace, UnchangedSinceReportsConflicts,
    ExpungeAndExpungedSince, BlobRefcountFollowsEmails, QuotaExceededDeliversNothing,
    DeletingBlobMakesDeliverBusy, StaleBlobWriteRefused, AdoptOrphanBlobsLeavesExistingRows,
    CollectorLeaseHasOneHolder, ConcurrentDeliveriesGetDistinctUids,
    FlagChangesRacingExpungeStayConsistent, MailboxIndexAgreesWithLoadMailbox,
    LoadMessagesReturnsTheUidsAsked, EverythingSurvivesReopen, AccountsWithAddressesAndGroups,
    AccountRulesRefused, AccountUpdates, DeleteAccountReleasesEverything, SubscribeAndUnsubscribe,
    QueueEnqueueClaimRecord, QueueLeasesRetryRemove, QueueSharesBlobs, FindMailboxByName,
    LoadSummariesReturnsTheCachedForms, EmailsLoadAndList, EmailPlacements,
    LoadChangesFoldsTheHistory, DeletedFlagHidesEmailsFromChanges, UploadsBelongToTheirAccount,
    UploadsAndCollection, JmapIdentities, JmapSubmissions, JmapSubmissionQueueUpdates,
    JmapVacationAndReplies, AccountRoles, ApiKeysLifecycle, ApiKeysRefused);

}  // namespace ringmail::testing
