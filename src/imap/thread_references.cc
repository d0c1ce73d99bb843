// RFC 5256 THREAD=REFERENCES (§2.2).
#include <algorithm>
#include <unordered_map>

#include "imap/thread_message.h"

namespace ringmail::imap {
namespace {

constexpr int kNone = -1;
// Deepest reply chain kept: deeper containers start threads of their own. Bounds the loop
// checks while linking and the recursion of pruning, sorting and writing (a mailbox may hold
// a chain of any length, built by whoever sends it mail).
constexpr int kThreadDepthMax = 256;

struct Container {
  int message = kNone;  // index into the ThreadMessages, or kNone for a dummy
  int parent = kNone;
  std::vector<int> children;
};

class Threader {
 public:
  explicit Threader(std::vector<ThreadMessage> messages) : m_(std::move(messages)) {}

  // §2.2 steps 1 to 6; returns the sorted root set.
  std::vector<int> References() {
    for (size_t i = 0; i < m_.size(); ++i) Link(static_cast<int>(i));
    LimitDepth();
    std::vector<int> roots;
    for (size_t i = 0; i < c_.size(); ++i) {
      if (c_[i].parent == kNone) roots.push_back(static_cast<int>(i));
    }
    roots = Prune(roots, kNone);
    for (int r : roots) SortTree(r);
    SortSiblings(roots);
    MergeBySubject(roots);
    for (int r : roots) SortTree(r);
    SortSiblings(roots);
    return roots;
  }

  void Write(int c, std::string* out) const {
    bool wrote = false;
    if (c_[c].message != kNone) {
      out->append(std::to_string(m_[c_[c].message].number));
      wrote = true;
    }
    const std::vector<int>& kids = c_[c].children;
    if (kids.size() == 1) {
      if (wrote) out->push_back(' ');
      Write(kids[0], out);
      return;
    }
    if (!kids.empty() && wrote) out->push_back(' ');
    for (int k : kids) {
      out->push_back('(');
      Write(k, out);
      out->push_back(')');
    }
  }

 private:
  bool Earlier(int a, int b) const { return SentEarlier(m_[a], m_[b]); }

  // The message that stands for container `c` when sorting: its own, or for a dummy its first
  // child's (children sorted first).
  int Representative(int c) const {
    while (c_[c].message == kNone && !c_[c].children.empty()) c = c_[c].children[0];
    return c_[c].message;
  }

  void SortSiblings(std::vector<int>& list) const {
    std::stable_sort(list.begin(), list.end(), [&](int a, int b) {
      int ma = Representative(a), mb = Representative(b);
      if (ma == kNone || mb == kNone) return ma != kNone && mb == kNone;
      return Earlier(ma, mb);
    });
  }

  void SortTree(int c) {
    for (int k : c_[c].children) SortTree(k);
    SortSiblings(c_[c].children);
  }

  int New(int message) {
    c_.push_back(Container{message, kNone, {}});
    return static_cast<int>(c_.size() - 1);
  }

  int ForId(const std::string& id) {
    auto [it, added] = by_id_.try_emplace(id, 0);
    if (added) it->second = New(kNone);
    return it->second;
  }

  // Whether `ancestor` is `c` or above it; also true when the chain above `c` is longer than
  // kThreadDepthMax, so that no link is added there.
  bool IsAncestor(int ancestor, int c) const {
    int steps = 0;
    for (int p = c; p != kNone; p = c_[p].parent) {
      if (p == ancestor || ++steps > kThreadDepthMax) return true;
    }
    return false;
  }

  // Containers deeper than kThreadDepthMax become roots (a subtree moved under a deep chain
  // can still make one).
  void LimitDepth() {
    std::vector<std::pair<int, int>> stack;  // container, depth
    for (size_t i = 0; i < c_.size(); ++i) {
      if (c_[i].parent == kNone) stack.emplace_back(static_cast<int>(i), 0);
    }
    while (!stack.empty()) {
      auto [c, depth] = stack.back();
      stack.pop_back();
      std::vector<int> kids = c_[c].children;
      for (int k : kids) {
        if (depth + 1 >= kThreadDepthMax) {
          Unlink(k);
          stack.emplace_back(k, 0);
        } else {
          stack.emplace_back(k, depth + 1);
        }
      }
    }
  }

  void Adopt(int parent, int child) {
    c_[child].parent = parent;
    c_[parent].children.push_back(child);
  }

  void Unlink(int child) {
    int p = c_[child].parent;
    if (p == kNone) return;
    std::vector<int>& kids = c_[p].children;
    kids.erase(std::find(kids.begin(), kids.end(), child));
    c_[child].parent = kNone;
  }

  // Step 1 for message `i`.
  void Link(int i) {
    const ThreadMessage& t = m_[i];
    int self;
    if (t.id.empty() || (by_id_.count(t.id) && c_[by_id_[t.id]].message != kNone)) {
      self = New(i);  // no id, or a duplicate: a container of its own (step 1 A)
    } else {
      self = ForId(t.id);
      c_[self].message = i;
    }
    int previous = kNone;
    for (const std::string& ref : t.references) {  // step 1 B
      int c = ForId(ref);
      if (previous != kNone && c_[c].parent == kNone && c != previous && !IsAncestor(c, previous)) {
        Adopt(previous, c);
      }
      previous = c;
    }
    Unlink(self);  // step 1 C: the message's own References are definitive
    if (previous != kNone && previous != self && !IsAncestor(self, previous)) {
      Adopt(previous, self);
    }
  }

  // Step 3 over `list` (the children of `parent`, or the root set): empty dummies dropped,
  // dummies replaced by their children except at the root where they have several.
  std::vector<int> Prune(const std::vector<int>& list, int parent) {
    std::vector<int> out;
    for (int c : list) {
      c_[c].children = Prune(c_[c].children, c);
      if (c_[c].message != kNone) {
        out.push_back(c);
      } else if (c_[c].children.empty()) {
        continue;
      } else if (parent != kNone || c_[c].children.size() == 1) {
        for (int k : c_[c].children) {
          c_[k].parent = parent;
          out.push_back(k);
        }
        c_[c].children.clear();
      } else {
        out.push_back(c);
      }
    }
    return out;
  }

  const ThreadMessage* Subject(int c) const {
    int m = Representative(c);
    return m == kNone ? nullptr : &m_[m];
  }

  // Step 5: root threads with the same base subject gathered.
  void MergeBySubject(std::vector<int>& roots) {
    std::unordered_map<std::string, int> table;
    for (int r : roots) {
      const ThreadMessage* s = Subject(r);
      if (s == nullptr || s->subject_key.empty()) continue;
      auto [it, added] = table.try_emplace(s->subject_key, r);
      if (added) continue;
      int old = it->second;
      bool r_dummy = c_[r].message == kNone, old_dummy = c_[old].message == kNone;
      if ((r_dummy && !old_dummy) ||
          (!old_dummy && !r_dummy && m_[c_[old].message].subject.reply_or_forward &&
           !m_[c_[r].message].subject.reply_or_forward)) {
        it->second = r;
      }
    }
    std::vector<int> kept;
    std::unordered_map<int, int> replaced;  // a root later made a child of a new dummy
    for (int r : roots) {
      if (c_[r].parent != kNone) {  // merged already: its dummy takes its place
        if (auto it = replaced.find(r); it != replaced.end()) kept.push_back(it->second);
        continue;
      }
      const ThreadMessage* s = Subject(r);
      if (s == nullptr || s->subject_key.empty() || table[s->subject_key] == r) {
        kept.push_back(r);
        continue;
      }
      int& t = table[s->subject_key];
      bool r_dummy = c_[r].message == kNone, t_dummy = c_[t].message == kNone;
      if (r_dummy && t_dummy) {
        for (int k : c_[r].children) Adopt(t, k);
        c_[r].children.clear();
      } else if (t_dummy) {
        Adopt(t, r);
      } else if (!m_[c_[t].message].subject.reply_or_forward &&
                 m_[c_[r].message].subject.reply_or_forward) {
        Adopt(t, r);
      } else {  // neither (or both) replies, or `r` a dummy the table did not take
        int dummy = r_dummy ? r : New(kNone);
        if (std::find(kept.begin(), kept.end(), t) != kept.end()) {
          std::replace(kept.begin(), kept.end(), t, dummy);
        } else {
          replaced[t] = dummy;
        }
        Adopt(dummy, t);
        if (dummy != r) Adopt(dummy, r);
        t = dummy;
      }
    }
    roots = std::move(kept);
  }

  std::vector<ThreadMessage> m_;
  std::vector<Container> c_;
  std::unordered_map<std::string, int> by_id_;
};

}  // namespace

void AppendReferencesThreads(std::vector<ThreadMessage> messages, std::string* out) {
  Threader threader(std::move(messages));
  for (int r : threader.References()) {
    out->push_back('(');
    threader.Write(r, out);
    out->push_back(')');
  }
}

}  // namespace ringmail::imap
