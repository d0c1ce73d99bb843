#include "server/change_feed_service.h"

#include "base/check.h"

namespace ringmail {

ChangeFeedService::ChangeFeedService(MailboxHub* hub, ChangeFeed* feed) : hub_(hub), feed_(feed) {
  if (feed_ != nullptr) cluster_.emplace(hub_, feed_);
}

Task<void> ChangeFeedService::FollowOnCore0() {
  co_await feed_->Follow(&*cluster_, &stop_);
  follower_done_->CountDown();
}

Task<void> ChangeFeedService::StopOnCore0(ThreadLatch* done) {
  stop_.Stop();
  done->CountDown();
  co_return;
}

Task<void> ChangeFeedService::CloseOnCore(ThreadLatch* done) {
  co_await feed_->Close();
  done->CountDown();
}

void ChangeFeedService::Start(Engine& engine) {
  if (feed_ == nullptr) return;
  follower_done_ = std::make_unique<ThreadLatch>(1);
  CHECK(engine.Spawn(0, FollowOnCore0()).has_value(), "cannot start the change feed");
}

void ChangeFeedService::Stop(Engine& engine) {
  if (follower_done_ == nullptr) return;
  ThreadLatch stopped(1);
  CHECK(engine.Spawn(0, StopOnCore0(&stopped)).has_value(), "cannot stop the change feed");
  stopped.Wait();
  follower_done_->Wait();
  follower_done_.reset();
  const int cores = static_cast<int>(engine.reactor_count());
  ThreadLatch closed(cores);
  for (int core = 0; core < cores; ++core) {
    CHECK(engine.Spawn(static_cast<size_t>(core), CloseOnCore(&closed)).has_value(),
          "cannot close the change feed");
  }
  closed.Wait();
}

}  // namespace ringmail
