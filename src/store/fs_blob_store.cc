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

// Opens a directory relative to `dir_fd`, fsyncs it, closes it.
Task<Result<void>> SyncDir(int dir_fd, std::string path) {
  Result<int> fd = co_await file::OpenAt(dir_fd, path, O_RDONLY | O_DIRECTORY);
  if (!fd) co_return std::unexpected(fd.error());
  Result<void> synced = co_await file::Sync(*fd);
  Result<void> closed = co_await file::Close(*fd);
  if (!synced) co_return synced;
  co_return closed;
}
}  // namespace

Result<std::unique_ptr<FsBlobStore>> FsBlobStore::Open(const FsBlobStoreOptions& options) {
  TRY(MakeDirs(options.root + "/tmp"));
  int fd = ::open(options.root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return SysError("open " + options.root, errno);
  return std::unique_ptr<FsBlobStore>(new FsBlobStore(options, fd));
}

FsBlobStore::~FsBlobStore() { ::close(root_fd_); }

Task<Result<void>> FsBlobStore::EnsureParents(std::string hex) {
  // Each fan-out level is created once and then exists for good; a level created here is
  // made durable by syncing its parent.
  std::string level1 = hex.substr(0, 2);
  std::string level2 = level1 + "/" + hex.substr(2, 2);
  Result<uint64_t> exists = co_await file::FileSize(root_fd_, level2);
  if (exists) co_return Result<void>{};
  Result<void> made = co_await file::MkdirAt(root_fd_, level1);
  if (!made) co_return made;
  made = co_await file::MkdirAt(root_fd_, level2);
  if (!made) co_return made;
  Result<void> synced = co_await SyncDir(root_fd_, ".");
  if (!synced) co_return synced;
  co_return co_await SyncDir(root_fd_, level1);
}

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
  if (written) written = co_await file::Sync(*fd, true);
  Result<void> closed = co_await file::Close(*fd);
  if (written && !closed) written = closed;
  if (written) written = co_await EnsureParents(key.Hex());
  if (written) written = co_await file::RenameAt(root_fd_, temp, root_fd_, path);
  if (written) written = co_await SyncDir(root_fd_, path.substr(0, 5));
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
