#include "proc_files.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace proc {

std::string ReadFile(const std::string& path) {
  std::string out;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[16384];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

static std::string P(pid_t pid, const char* what) {
  return "/proc/" + std::to_string(pid) + "/" + what;
}

std::string Maps(pid_t pid) { return ReadFile(P(pid, "maps")); }

std::vector<std::string> Cmdline(pid_t pid) {
  std::vector<std::string> argv;
  std::string raw = ReadFile(P(pid, "cmdline"));
  size_t start = 0;
  for (size_t i = 0; i < raw.size(); i++) {
    if (raw[i] == '\0') {
      argv.emplace_back(raw, start, i - start);
      start = i + 1;
    }
  }
  if (start < raw.size()) argv.emplace_back(raw, start);
  return argv;
}

std::string Exe(pid_t pid) {
  char buf[4096];
  ssize_t n = readlink(P(pid, "exe").c_str(), buf, sizeof buf - 1);
  if (n <= 0) return std::string();
  return std::string(buf, static_cast<size_t>(n));
}

static std::string StatusField(pid_t tid, const char* key) {
  std::string s = ReadFile(P(tid, "status"));
  size_t klen = strlen(key);
  size_t pos = 0;
  while (pos < s.size()) {
    size_t eol = s.find('\n', pos);
    if (eol == std::string::npos) eol = s.size();
    if (s.compare(pos, klen, key) == 0 && pos + klen < s.size() && s[pos + klen] == ':') {
      size_t v = pos + klen + 1;
      while (v < eol && (s[v] == ' ' || s[v] == '\t')) v++;
      return s.substr(v, eol - v);
    }
    pos = eol + 1;
  }
  return std::string();
}

pid_t Tgid(pid_t tid) {
  std::string v = StatusField(tid, "Tgid");
  return v.empty() ? 0 : static_cast<pid_t>(atoi(v.c_str()));
}

bool SignalCaught(pid_t tid, int sig) {
  std::string v = StatusField(tid, "SigCgt");
  if (v.empty() || sig < 1 || sig > 64) return false;
  uint64_t mask = strtoull(v.c_str(), nullptr, 16);
  return (mask >> (sig - 1)) & 1;
}

std::string VdsoBytes(pid_t pid, const std::string& maps, uint64_t* base) {
  *base = 0;
  size_t at = maps.find("[vdso]");
  if (at == std::string::npos) return std::string();
  size_t bol = maps.rfind('\n', at);
  bol = (bol == std::string::npos) ? 0 : bol + 1;
  char* end = nullptr;
  uint64_t lo = strtoull(maps.c_str() + bol, &end, 16);
  if (!end || *end != '-') return std::string();
  uint64_t hi = strtoull(end + 1, nullptr, 16);
  if (hi <= lo || hi - lo > (1u << 20)) return std::string();
  std::string bytes(hi - lo, '\0');
  struct iovec local = {&bytes[0], bytes.size()};
  struct iovec remote = {reinterpret_cast<void*>(lo), bytes.size()};
  ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
  if (n != static_cast<ssize_t>(bytes.size())) return std::string();
  *base = lo;
  return bytes;
}

}  // namespace proc
