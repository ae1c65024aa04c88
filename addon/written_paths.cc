#include "written_paths.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace {

// Reads a NUL-terminated string page by page (a string may end just before an unmapped page).
bool ReadString(pid_t pid, uint64_t addr, std::string* out) {
  out->clear();
  if (addr == 0) return false;
  char buf[4096];
  while (out->size() < 4096) {
    size_t chunk = 4096 - (addr & 4095);
    struct iovec local = {buf, chunk};
    struct iovec remote = {reinterpret_cast<void*>(addr), chunk};
    ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    if (n <= 0) return !out->empty();
    const char* nul = static_cast<const char*>(memchr(buf, 0, static_cast<size_t>(n)));
    if (nul) {
      out->append(buf, static_cast<size_t>(nul - buf));
      return true;
    }
    out->append(buf, static_cast<size_t>(n));
    addr += static_cast<uint64_t>(n);
  }
  return true;
}

std::string Link(const std::string& p) {
  char buf[4096];
  ssize_t n = readlink(p.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// `name` relative to dirfd (AT_FDCWD: the process's cwd), as an absolute path.
bool Resolve(pid_t pid, int64_t dirfd, uint64_t name_addr, std::string* path) {
  std::string name;
  if (!ReadString(pid, name_addr, &name) || name.empty()) return false;
  if (name[0] == '/') {
    *path = name;
    return true;
  }
  std::string base = static_cast<int>(dirfd) == AT_FDCWD
                         ? Link("/proc/" + std::to_string(pid) + "/cwd")
                         : Link("/proc/" + std::to_string(pid) + "/fd/" + std::to_string(static_cast<int>(dirfd)));
  *path = base.empty() ? name : (base == "/" ? "/" + name : base + "/" + name);
  return true;
}

constexpr uint64_t kWriteFlags = O_WRONLY | O_RDWR | O_APPEND | O_CREAT | O_TRUNC;

}  // namespace

bool WrittenPath(pid_t pid, const struct user_regs_struct& r, std::string* path) {
  switch (r.orig_rax) {
    case SYS_open:
      return (r.rsi & kWriteFlags) && Resolve(pid, AT_FDCWD, r.rdi, path);
    case SYS_openat:
      return (r.rdx & kWriteFlags) && Resolve(pid, static_cast<int64_t>(r.rdi), r.rsi, path);
    case SYS_openat2: {
      uint64_t flags = 0;  // struct open_how starts with u64 flags
      struct iovec local = {&flags, sizeof flags};
      struct iovec remote = {reinterpret_cast<void*>(r.rdx), sizeof flags};
      if (process_vm_readv(pid, &local, 1, &remote, 1, 0) != sizeof flags) return false;
      return (flags & kWriteFlags) && Resolve(pid, static_cast<int64_t>(r.rdi), r.rsi, path);
    }
    case SYS_creat:
    case SYS_truncate:
      return Resolve(pid, AT_FDCWD, r.rdi, path);
    case SYS_rename:
    case SYS_link:
      return Resolve(pid, AT_FDCWD, r.rsi, path);
    case SYS_renameat:
    case SYS_renameat2:
    case SYS_linkat:
      return Resolve(pid, static_cast<int64_t>(r.rdx), r.r10, path);
    default:
      return false;
  }
}
