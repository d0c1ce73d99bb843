#include "store/fs_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "runtime/file_io.h"
#include "runtime/reactor.h"
#include "store/fs_blob_listing.h"

namespace ringmail {
namespace {
std::atomic<uint64_t> g_temp_counter{0};

// mkdir -p for start-up.
Result<void> MakeDirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      std::string prefix = path.substr(0, i);
      if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
        return SysError("mkdir " + prefix, errno);
      }
    }
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<FsBlobStore>> FsBlobStore::Open(const FsBlobStoreOptions& options) {
  TRY(MakeDirs(options.root + "/tmp"));
  int fd = ::open(options.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return SysError("open " + options.root, errno);
  std::unique_ptr<FsBlobStore> store(new FsBlobStore(options, fd));
  TRY(store->syncs_.Prepare());  // the first fan-out level, durable before any Put
  return store;
}

FsBlobStore::~FsBlobStore() { ::close(root_fd_); }

Task<Result<StoredBlob>> FsBlobStore::Put(BlobKey key, std::string_view message) {
  const std::string path = key.ObjectPath();
  std::string object = blob_format::Encode(message, options_.compression);
  Result<blob_format::Header> header = blob_format::DecodeHeader(object);
  StoredBlob stored{object.size(), header->compression};
  Result<uint64_t> existing = co_await file::FileSize(root_fd_, path);
  if (existing && *existing == object.size()) co_return stored;  // content-addressed: done

  const std::string temp = "tmp/" + key.Hex() + "." +
                           std::to_string(g_temp_counter.fetch_add(1, std::memory_order_relaxed));
  Result<int> fd = co_await file::OpenAt(root_fd_, temp, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (!fd) co_return std::unexpected(fd.error());
  Result<void> written = co_await file::WriteAll(*fd, object, 0);
  if (written) {
    // Durable together with the other Puts of this moment (fs_blob_sync.h); closes the file.
    written = co_await syncs_.Commit(*fd, temp, path);
  } else {
    (void)co_await file::Close(*fd);
  }
  if (!written) {
    (void)co_await file::UnlinkAt(root_fd_, temp);
    co_return std::unexpected(written.error());
  }
  co_return stored;
}

Task<Result<std::string>> FsBlobStore::Get(BlobKey key) {
  const std::string path = key.ObjectPath();
  Result<int> fd = co_await file::OpenAt(root_fd_, path, O_RDONLY);
  if (!fd) co_return std::unexpected(fd.error());
  std::string object;
  Result<void> read = co_await file::ReadAt(*fd, 0, blob_format::kHeaderSize, &object);
  Result<blob_format::Header> header =
      read ? blob_format::DecodeHeader(object)
           : Result<blob_format::Header>(std::unexpected(read.error()));
  if (header) {
    read =
        co_await file::ReadAt(*fd, object.size(), header->object_size() - object.size(), &object);
  }
  (void)co_await file::Close(*fd);
  if (!header) co_return std::unexpected(header.error());
  if (!read) co_return std::unexpected(read.error());
  Result<std::string> message = blob_format::Decode(object);
  if (!message) {
    co_return MakeError(ErrorCode::kIo, message.error().message + " (" + path + ")");
  }
  co_return std::move(*message);
}

Task<Result<void>> FsBlobStore::Delete(BlobKey key) {
  Result<void> removed = co_await file::UnlinkAt(root_fd_, key.ObjectPath());
  if (!removed && removed.error().code == ErrorCode::kNotFound) co_return Result<void>{};
  co_return removed;
}

Task<Result<BlobPage>> FsBlobStore::List(std::string cursor, size_t max) {
  const int root_fd = root_fd_;
  auto walk = [root_fd, &cursor, max] { return fs_blobs::ListObjects(root_fd, cursor, max); };
  if (options_.workers == nullptr) co_return walk();
  Result<Result<BlobPage>> page = co_await options_.workers->Run(walk);
  if (!page) co_return std::unexpected(page.error());
  co_return std::move(*page);
}

Task<Result<size_t>> FsBlobStore::RemoveStaleTemporaries(int64_t before) {
  const int root_fd = root_fd_;
  auto walk = [root_fd, before] { return fs_blobs::RemoveTemporaries(root_fd, before); };
  if (options_.workers == nullptr) co_return walk();
  Result<Result<size_t>> removed = co_await options_.workers->Run(walk);
  if (!removed) co_return std::unexpected(removed.error());
  co_return *removed;
}

}  // namespace ringmail
