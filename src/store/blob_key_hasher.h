// BlobKeyHasher: the BlobKey of a message fed in pieces as it arrives (a streamed upload).
#pragma once

#include <cstddef>
#include <string_view>

#include "store/blob_key.h"

namespace ringmail {

// Gives the same key as BlobKey::Of of the pieces joined. One message per hasher; any core.
class BlobKeyHasher {
 public:
  BlobKeyHasher();
  ~BlobKeyHasher();
  BlobKeyHasher(const BlobKeyHasher&) = delete;
  BlobKeyHasher& operator=(const BlobKeyHasher&) = delete;

  void Update(std::string_view bytes);
  // REQUIRES: called once, last.
  BlobKey Finish();

 private:
  // wolfCrypt's wc_Sha256, kept out of this header (its size is checked in blob_key.cc).
  alignas(64) unsigned char state_[256];
};

}  // namespace ringmail
