#include "jmap/submission_status.h"

#include <simdjson.h>

#include <cctype>

namespace ringmail::jmap {

std::string EncodeSubmissionState(const SubmissionState& state) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("envelope").Raw(state.envelope).Key("deliveryStatus");
  WriteDeliveryStatus(w, state.delivery);
  w.Key("queueId").Int(state.queue_id).EndObject();
  return out;
}

SubmissionState DecodeSubmissionState(std::string_view stored) {
  SubmissionState state;
  state.envelope = std::string(stored);
  simdjson::dom::parser parser;
  simdjson::dom::object o, status;
  simdjson::dom::element envelope;
  if (parser.parse(stored.data(), stored.size()).get_object().get(o) != simdjson::SUCCESS ||
      o["envelope"].get(envelope) != simdjson::SUCCESS) {
    return state;  // an Envelope alone (mailFrom, rcptTo): written before deliveryStatus
  }
  state.envelope = simdjson::minify(envelope);
  int64_t queue_id = 0;
  if (o["queueId"].get_int64().get(queue_id) == simdjson::SUCCESS) state.queue_id = queue_id;
  if (o["deliveryStatus"].get_object().get(status) != simdjson::SUCCESS) return state;
  for (auto [address, value] : status) {
    std::string_view reply, delivered;
    if (value["smtpReply"].get_string().get(reply) != simdjson::SUCCESS ||
        value["delivered"].get_string().get(delivered) != simdjson::SUCCESS) {
      continue;
    }
    state.delivery.push_back({std::string(address), std::string(reply), std::string(delivered)});
  }
  return state;
}

namespace {

// "250 2.0.0 Ok" and not "connect: refused": the queue keeps both as last_reply.
bool IsSmtpReply(std::string_view reply) {
  return reply.size() >= 3 && std::isdigit(static_cast<unsigned char>(reply[0])) &&
         std::isdigit(static_cast<unsigned char>(reply[1])) &&
         std::isdigit(static_cast<unsigned char>(reply[2]));
}

}  // namespace

bool AwaitsQueue(const SubmissionState& state) {
  if (state.queue_id == 0) return false;
  for (const RecipientDelivery& d : state.delivery) {
    if (d.delivered == "queued") return true;
  }
  return false;
}

namespace {

// One recipient's attempt: `delivered` "yes", "no" or "queued" (a retry), with its reply.
bool Apply(std::string_view delivered, std::string_view reply, RecipientDelivery* d) {
  const std::string before = d->smtp_reply;
  if (IsSmtpReply(reply)) d->smtp_reply = std::string(reply);
  const bool moved = delivered != "queued";
  if (moved) d->delivered = std::string(delivered);
  return moved || d->smtp_reply != before;
}

std::string_view Delivered(QueueOutcomeKind kind) {
  return kind == QueueOutcomeKind::kDelivered ? "yes"
         : kind == QueueOutcomeKind::kFailed  ? "no"
                                              : "queued";
}

std::string_view Delivered(QueueRecipientState state) {
  return state == QueueRecipientState::kDelivered ? "yes"
         : state == QueueRecipientState::kFailed  ? "no"
                                                  : "queued";
}

}  // namespace

bool ApplyOutcomes(const std::vector<QueueOutcome>& outcomes, SubmissionState* state) {
  bool changed = false;
  for (RecipientDelivery& d : state->delivery) {
    if (d.delivered != "queued") continue;
    for (const QueueOutcome& o : outcomes) {
      if (o.address == d.address) changed = Apply(Delivered(o.kind), o.reply, &d) || changed;
    }
  }
  return changed;
}

void ApplyQueueState(const QueuedMessageRecord* queued, SubmissionState* state) {
  for (RecipientDelivery& d : state->delivery) {
    if (d.delivered != "queued") continue;
    if (queued == nullptr) {
      d.delivered = "unknown";
      continue;
    }
    for (const QueueRecipientRecord& r : queued->recipients) {
      if (r.address == d.address) Apply(Delivered(r.state), r.last_reply, &d);
    }
  }
}

void WriteDeliveryStatus(JsonWriter& w, const std::vector<RecipientDelivery>& delivery) {
  if (delivery.empty()) {
    w.Null();
    return;
  }
  w.BeginObject();
  for (const RecipientDelivery& d : delivery) {
    w.Key(d.address).BeginObject().Key("smtpReply").String(d.smtp_reply);
    w.Key("delivered").String(d.delivered).Key("displayed").String("unknown").EndObject();
  }
  w.EndObject();
}

}  // namespace ringmail::jmap
