// What THREAD reads of a message, THREAD=ORDEREDSUBJECT (RFC 5256 §2.1) and the dispatch.
#include "imap/thread_message.h"

#include <algorithm>

#include "imap/search_text.h"
#include "mime/header.h"

namespace ringmail::imap {

ThreadMessage ReadThreadMessage(const SearchMessage& m, bool uids) {
  ThreadMessage t;
  t.number = uids ? m.record->uid : m.sequence;
  t.sequence = m.sequence;
  t.date = SentSeconds(m);
  if (m.view == nullptr) return t;
  std::string_view header = m.view->tree().root().header.In(m.view->bytes());
  t.subject = ExtractBaseSubject(mime::FindHeader(header, "subject").value_or(""));
  t.subject_key = FoldCase(t.subject.text);
  std::vector<std::string> ids = MessageIds(mime::FindHeader(header, "message-id").value_or(""));
  if (!ids.empty()) t.id = ids[0];
  t.references = MessageIds(mime::FindHeader(header, "references").value_or(""));
  if (t.references.empty()) {
    std::vector<std::string> in_reply_to =
        MessageIds(mime::FindHeader(header, "in-reply-to").value_or(""));
    if (!in_reply_to.empty()) t.references.push_back(in_reply_to[0]);
  }
  return t;
}

// Messages with one base subject form a thread: the first sent is its root, the others its
// children in sent order; threads in the order of their roots.
void AppendOrderedSubjectThreads(const std::vector<ThreadMessage>& m, std::string* out) {
  std::vector<size_t> order(m.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (m[a].subject_key != m[b].subject_key) return m[a].subject_key < m[b].subject_key;
    return SentEarlier(m[a], m[b]);
  });
  std::vector<std::pair<size_t, size_t>> threads;  // [first, end) of `order`
  for (size_t i = 0; i < order.size(); ++i) {
    if (i == 0 || m[order[i]].subject_key != m[order[i - 1]].subject_key) {
      threads.emplace_back(i, i);
    }
    threads.back().second = i + 1;
  }
  std::sort(threads.begin(), threads.end(), [&](const auto& a, const auto& b) {
    return SentEarlier(m[order[a.first]], m[order[b.first]]);
  });
  for (auto [first, end] : threads) {
    out->push_back('(');
    out->append(std::to_string(m[order[first]].number));
    for (size_t i = first + 1; i < end; ++i) {
      bool single = end - first == 2;
      out->append(single ? " " : i == first + 1 ? " (" : "(");
      out->append(std::to_string(m[order[i]].number));
      if (!single) out->push_back(')');
    }
    out->push_back(')');
  }
}

void AppendThreads(std::string_view algorithm, const std::vector<SearchMessage>& messages,
                   bool uids, std::string* out) {
  std::vector<ThreadMessage> read;
  read.reserve(messages.size());
  for (const SearchMessage& m : messages) read.push_back(ReadThreadMessage(m, uids));
  if (algorithm == "ORDEREDSUBJECT") {
    AppendOrderedSubjectThreads(read, out);
  } else {
    AppendReferencesThreads(std::move(read), out);
  }
}

}  // namespace ringmail::imap
