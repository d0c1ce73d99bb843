#include "store/metadata_rules.h"

#include <algorithm>
#include <cctype>

namespace ringmail {
namespace {

constexpr const char* kSpecialUses[] = {"\\Drafts",  "\\Sent", "\\Junk",   "\\Trash",
                                        "\\Archive", "\\All",  "\\Flagged"};

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < ' ' || c == 0x7f; });
}

bool IsInbox(std::string_view level) {
  return level.size() == 5 && std::equal(level.begin(), level.end(), "INBOX", [](char a, char b) {
           return std::toupper(static_cast<unsigned char>(a)) == b;
         });
}

void Normalize(std::vector<std::string>* keywords) {
  std::sort(keywords->begin(), keywords->end());
  keywords->erase(std::unique(keywords->begin(), keywords->end()), keywords->end());
}

}  // namespace

Result<std::string> NormalizeDomain(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool chars_ok = std::all_of(lower.begin(), lower.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
  if (lower.empty() || lower.size() > kDomainNameMax || !chars_ok || lower.front() == '.' ||
      lower.back() == '.' || lower.find("..") != std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid domain name '" + std::string(name) + "' (expected the A-label form)");
  }
  return lower;
}

Result<void> ValidateAccount(const AccountRecord& a) {
  if (a.name.empty() || a.name.size() > kAccountNameMax || HasControl(a.name)) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid account name");
  }
  if (a.type != "individual" && a.type != "group" && a.type != "list") {
    return MakeError(ErrorCode::kInvalidArgument, "invalid account type '" + a.type + "'");
  }
  if (a.description.size() > kAccountNameMax * 4) {
    return MakeError(ErrorCode::kInvalidArgument, "description too long");
  }
  TRY(ValidateRole(a.role));
  return ValidateAccountLists(a.emails, a.member_of);
}

Result<void> ValidateRole(std::string_view role) {
  if (role != "user" && role != "admin") {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid role '" + std::string(role) + "' (user or admin)");
  }
  return {};
}

Result<void> ValidateApiKey(const ApiKeyRecord& key) {
  const auto lower_alnum = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); });
  };
  if (key.name.empty() || key.name.size() > kApiKeyNameMax || HasControl(key.name)) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid key name (1 to " +
                                                      std::to_string(kApiKeyNameMax) +
                                                      " bytes, no control characters)");
  }
  if (key.key_id.empty() || key.key_id.size() > 64 || !lower_alnum(key.key_id) ||
      key.secret_sha256.size() != 64 || !lower_alnum(key.secret_sha256) ||
      (key.expires_at && *key.expires_at < 0)) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid API key");
  }
  return {};
}

Result<std::pair<std::string, std::string>> SplitStoredAddress(std::string_view address) {
  const size_t at = address.rfind('@');
  const auto invalid = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid address '" + std::string(address) + "' (not normalized)");
  };
  if (at == std::string_view::npos) return invalid();
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  // The split is at the last '@': a domain has none, a quoted local part may ("a@b"@d).
  if (local.size() > kAddressLocalMax || HasControl(local) ||
      std::any_of(local.begin(), local.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return invalid();
  }
  Result<std::string> normal = NormalizeDomain(domain);
  if (!normal || *normal != domain) return invalid();
  return std::pair(std::string(local), std::string(domain));
}

Result<void> ValidateAccountLists(const std::vector<std::string>& emails,
                                  const std::vector<std::string>& member_of) {
  if (emails.size() > kAccountAddressesMax || member_of.size() > kAccountGroupsMax) {
    return MakeError(ErrorCode::kLimitExceeded, "too many addresses or groups");
  }
  for (const std::string& e : emails) TRY(SplitStoredAddress(e));
  for (const std::string& g : member_of) {
    if (g.empty() || g.size() > kAccountNameMax || HasControl(g)) {
      return MakeError(ErrorCode::kInvalidArgument, "invalid group name");
    }
  }
  const auto has_duplicates = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return std::adjacent_find(v.begin(), v.end()) != v.end();
  };
  if (has_duplicates(emails) || has_duplicates(member_of)) {
    return MakeError(ErrorCode::kInvalidArgument, "an address or group is given twice");
  }
  return {};
}

Result<std::string> NormalizeMailboxName(std::string_view name) {
  if (name.empty() || name.size() > kMailboxNameMax || HasControl(name) || name.front() == '/' ||
      name.back() == '/' || name.find("//") != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid mailbox name");
  }
  std::string normal(name);
  const size_t first_end = std::min(normal.find('/'), normal.size());
  if (IsInbox(std::string_view(normal).substr(0, first_end))) normal.replace(0, 5, "INBOX");
  return normal;
}

Result<void> ValidateSpecialUse(std::string_view s) {
  if (s.empty() ||
      std::find(std::begin(kSpecialUses), std::end(kSpecialUses), s) != std::end(kSpecialUses)) {
    return {};
  }
  return MakeError(ErrorCode::kInvalidArgument, "invalid special use '" + std::string(s) + "'");
}

Result<void> ValidateFlags(const MessageFlags& flags) {
  if (flags.keywords.size() > kKeywordsMax) {
    return MakeError(ErrorCode::kInvalidArgument, "too many keywords");
  }
  for (const std::string& k : flags.keywords) {
    const bool bad_char = std::any_of(k.begin(), k.end(), [](char c) {
      return static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
    });
    if (k.empty() || k.size() > kKeywordMax || bad_char) {
      return MakeError(ErrorCode::kInvalidArgument, "invalid keyword '" + k + "'");
    }
  }
  return {};
}

std::string JoinKeywords(std::vector<std::string> keywords) {
  Normalize(&keywords);
  std::string joined;
  for (const std::string& k : keywords) {
    if (!joined.empty()) joined += ' ';
    joined += k;
  }
  return joined;
}

std::vector<std::string> SplitKeywords(std::string_view stored) {
  std::vector<std::string> keywords;
  while (!stored.empty()) {
    const size_t space = stored.find(' ');
    keywords.emplace_back(stored.substr(0, space));
    if (space == std::string_view::npos) break;
    stored.remove_prefix(space + 1);
  }
  return keywords;
}

Result<std::vector<uint32_t>> SortedUids(std::span<const uint32_t> uids) {
  if (uids.size() > kUidsPerCallMax) {
    return MakeError(ErrorCode::kInvalidArgument, "too many UIDs in one call");
  }
  std::vector<uint32_t> sorted(uids.begin(), uids.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return sorted;
}

MessageFlags ApplyFlagOperation(FlagOperation operation, const MessageFlags& current,
                                const MessageFlags& change) {
  MessageFlags next = current;
  switch (operation) {
    case FlagOperation::kReplace: next = change; break;
    case FlagOperation::kAdd: next = UnionFlags(current, change); break;
    case FlagOperation::kRemove:
      next.seen &= !change.seen;
      next.answered &= !change.answered;
      next.flagged &= !change.flagged;
      next.deleted &= !change.deleted;
      next.draft &= !change.draft;
      std::erase_if(next.keywords, [&](const std::string& k) {
        return std::find(change.keywords.begin(), change.keywords.end(), k) !=
               change.keywords.end();
      });
      break;
  }
  Normalize(&next.keywords);
  return next;
}

MessageFlags UnionFlags(const MessageFlags& a, const MessageFlags& b) {
  MessageFlags u;
  u.seen = a.seen || b.seen;
  u.answered = a.answered || b.answered;
  u.flagged = a.flagged || b.flagged;
  u.deleted = a.deleted || b.deleted;
  u.draft = a.draft || b.draft;
  u.keywords = a.keywords;
  u.keywords.insert(u.keywords.end(), b.keywords.begin(), b.keywords.end());
  Normalize(&u.keywords);
  return u;
}

Result<std::vector<DeliveryRequest::Target>> DistinctTargets(const DeliveryRequest& r) {
  if (r.targets.empty() || r.targets.size() > kDeliveryTargetsMax) {
    return MakeError(ErrorCode::kInvalidArgument, "a delivery needs 1 to 1000 target mailboxes");
  }
  if (r.size > blob_format::kMessageSizeMax) {
    return MakeError(ErrorCode::kInvalidArgument, "message too large");
  }
  std::vector<DeliveryRequest::Target> distinct;
  for (const DeliveryRequest::Target& t : r.targets) {
    TRY(ValidateFlags(t.flags));
    auto same = std::find_if(distinct.begin(), distinct.end(),
                             [&](const auto& d) { return d.mailbox_id == t.mailbox_id; });
    if (same == distinct.end()) {
      distinct.push_back(t);
      Normalize(&distinct.back().flags.keywords);
    } else {
      same->flags = UnionFlags(same->flags, t.flags);
    }
  }
  return distinct;
}

Result<void> CheckOrphanBlobs(std::span<const OrphanBlob> blobs) {
  if (blobs.size() > kAdoptBlobsMax) {
    return MakeError(ErrorCode::kInvalidArgument, "too many blobs to adopt in one call");
  }
  for (const OrphanBlob& blob : blobs) {
    if (blob.written_at < 0) {
      return MakeError(ErrorCode::kInvalidArgument, "an orphan blob's time is negative");
    }
  }
  return {};
}

Result<void> CheckLeaseHolder(std::string_view holder) {
  const bool control = std::any_of(holder.begin(), holder.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (holder.empty() || holder.size() > kLeaseHolderMax || control) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid collector lease holder");
  }
  return {};
}

Result<void> CheckBlobValidity(const DeliveryRequest& request) {
  if (MonotonicMs() - request.blob_stored_at_ms > request.blob_write_validity_ms) {
    return MakeError(ErrorCode::kTimeout,
                     "blob " + request.blob.Hex() + " was stored too long ago; store it again");
  }
  return {};
}

Result<void> CheckUpload(const BlobUploadRequest& request) {
  const bool control = std::any_of(request.type.begin(), request.type.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (request.type.size() > kUploadTypeMax || control) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid upload type");
  }
  if (MonotonicMs() - request.blob_stored_at_ms > request.blob_write_validity_ms) {
    return MakeError(ErrorCode::kTimeout,
                     "blob " + request.blob.Hex() + " was stored too long ago; store it again");
  }
  return {};
}

Result<void> CheckQueueEnqueue(const QueueEnqueueRequest& request) {
  const QueuedMessageRecord& m = request.message;
  if (m.recipients.empty() || m.recipients.size() > kQueueRecipientsMax) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "a queued message needs 1 to " + std::to_string(kQueueRecipientsMax) + " recipients");
  }
  std::vector<std::string_view> seen;
  for (const QueueRecipientRecord& r : m.recipients) {
    if (r.address.empty() || r.address.size() > 512 || r.orcpt.size() > 512) {
      return MakeError(ErrorCode::kInvalidArgument, "bad queued recipient");
    }
    seen.push_back(r.address);
  }
  std::sort(seen.begin(), seen.end());
  if (std::adjacent_find(seen.begin(), seen.end()) != seen.end()) {
    return MakeError(ErrorCode::kInvalidArgument, "a queued recipient given twice");
  }
  if (m.sender.size() > 512 || m.envid.size() > 512 || m.authenticated_as.size() > 512) {
    return MakeError(ErrorCode::kInvalidArgument, "bad queued message envelope");
  }
  if (m.expires_at <= request.now) {
    return MakeError(ErrorCode::kInvalidArgument, "a queued message must expire after now");
  }
  if (MonotonicMs() - request.blob_stored_at_ms > request.blob_write_validity_ms) {
    return MakeError(ErrorCode::kTimeout,
                     "blob " + m.blob.Hex() + " was stored too long ago; store it again");
  }
  return {};
}

Result<void> CheckQueueClaim(std::string_view holder, size_t max) {
  TRY(CheckLeaseHolder(holder));
  if (max == 0 || max > kQueueClaimMax) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "claim 1 to " + std::to_string(kQueueClaimMax) + " recipients");
  }
  return {};
}

std::string QueueReply(std::string_view reply) {
  std::string out(reply.substr(0, kQueueReplyMax));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

}  // namespace ringmail
