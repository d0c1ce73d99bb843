#include "store/fs_blob_listing.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

namespace ringmail::fs_blobs {
namespace {

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool IsLevelName(std::string_view name) { return name.size() == 2 && IsLowerHex(name); }

// The names in directory `path` (relative to `dir_fd`) that `keep` accepts, sorted. A
// directory that does not exist (removed meanwhile) has none.
template <typename Keep>
Result<std::vector<std::string>> SortedNames(int dir_fd, const std::string& path, Keep keep) {
  const int fd = ::openat(dir_fd, path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::vector<std::string>{};
    return SysError("open " + path, errno);
  }
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    const int err = errno;
    ::close(fd);
    return SysError("fdopendir " + path, err);
  }
  std::vector<std::string> names;
  size_t seen = 0;
  int err = 0;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir);
    if (entry == nullptr) {
      err = errno;
      break;
    }
    if (++seen > kDirectoryEntriesMax) {
      ::closedir(dir);
      return MakeError(ErrorCode::kIo, "blob directory " + path + ": too many entries");
    }
    const std::string_view name = entry->d_name;
    if (keep(name)) names.emplace_back(name);
  }
  ::closedir(dir);
  if (err != 0) return SysError("readdir " + path, err);
  std::sort(names.begin(), names.end());
  return names;
}

// Adds the objects of ROOT/l1/l2 after `after` to `page`, up to `max` in all.
Result<void> ListLevel2(int root_fd, const std::string& l1, const std::string& l2,
                        std::string_view after, size_t max, BlobPage* page) {
  const std::string dir = l1 + "/" + l2;
  const std::string prefix = l1 + l2;
  auto is_object = [&](std::string_view name) {
    return name.size() == 64 && name.starts_with(prefix) && IsLowerHex(name) && name > after;
  };
  std::vector<std::string> names = TRY(SortedNames(root_fd, dir, is_object));
  for (const std::string& name : names) {
    if (page->entries.size() >= max) break;
    struct stat st;
    const std::string path = dir + "/" + name;
    if (::fstatat(root_fd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // deleted meanwhile
      return SysError("stat " + path, errno);
    }
    if (!S_ISREG(st.st_mode)) continue;
    Result<BlobKey> key = BlobKey::FromHex(name);
    if (!key) continue;  // cannot happen: the name was checked
    page->entries.push_back(
        {*key, static_cast<int64_t>(st.st_mtim.tv_sec), static_cast<uint64_t>(st.st_size)});
  }
  return {};
}

}  // namespace

Result<BlobPage> ListObjects(int root_fd, std::string_view after, size_t max) {
  if (max == 0 || max > kBlobPageMax) {
    return MakeError(ErrorCode::kInvalidArgument, "blob listing: page size out of range");
  }
  if (!after.empty() && (after.size() != 64 || !IsLowerHex(after))) {
    return MakeError(ErrorCode::kInvalidArgument, "blob listing: malformed cursor");
  }
  // Hex order is key order and a key's directories are its first digits, so whole
  // directories sorting before the cursor's are skipped.
  const std::string_view after_l1 = after.substr(0, std::min<size_t>(after.size(), 2));
  const std::string_view after_l12 = after.substr(0, std::min<size_t>(after.size(), 4));
  BlobPage page;
  auto is_level1 = [&](std::string_view name) { return IsLevelName(name) && name >= after_l1; };
  std::vector<std::string> level1 = TRY(SortedNames(root_fd, ".", is_level1));
  for (const std::string& l1 : level1) {
    auto is_level2 = [&](std::string_view name) {
      return IsLevelName(name) && l1 + std::string(name) >= after_l12;
    };
    std::vector<std::string> level2 = TRY(SortedNames(root_fd, l1, is_level2));
    for (const std::string& l2 : level2) {
      TRY(ListLevel2(root_fd, l1, l2, after, max, &page));
      if (page.entries.size() >= max) {
        page.cursor = page.entries.back().key.Hex();
        return page;
      }
    }
  }
  return page;
}

Result<size_t> RemoveTemporaries(int root_fd, int64_t before) {
  auto is_file = [](std::string_view name) { return name != "." && name != ".."; };
  std::vector<std::string> names = TRY(SortedNames(root_fd, "tmp", is_file));
  size_t removed = 0;
  for (const std::string& name : names) {
    const std::string path = "tmp/" + name;
    struct stat st;
    if (::fstatat(root_fd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      return SysError("stat " + path, errno);
    }
    if (!S_ISREG(st.st_mode) || st.st_mtim.tv_sec >= before) continue;
    if (::unlinkat(root_fd, path.c_str(), 0) != 0) {
      if (errno == ENOENT) continue;
      return SysError("unlink " + path, errno);
    }
    ++removed;
  }
  return removed;
}

}  // namespace ringmail::fs_blobs
