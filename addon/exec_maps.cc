#include "exec_maps.h"

#include <algorithm>
#include <cstdlib>

#include "proc_files.h"

const ExecRange* ExecMaps::Find(uint64_t addr) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), addr,
                             [](uint64_t a, const ExecRange& r) { return a < r.lo; });
  if (it == ranges_.begin()) return nullptr;
  --it;
  return addr < it->hi ? &*it : nullptr;
}

void ExecMaps::Refresh(pid_t pid) {
  std::string maps = proc::Maps(pid);
  ranges_.clear();
  size_t pos = 0;
  while (pos < maps.size()) {
    size_t eol = maps.find('\n', pos);
    if (eol == std::string::npos) eol = maps.size();
    const char* line = maps.c_str() + pos;
    char* end = nullptr;
    uint64_t lo = strtoull(line, &end, 16);
    uint64_t hi = strtoull(end + 1, &end, 16);
    // "lo-hi perms offset dev inode   path"
    const char* perms = end + 1;
    if (perms[2] == 'x') {
      std::string name;
      size_t slash = maps.find_first_of("/[", static_cast<size_t>(perms - maps.c_str()));
      if (slash != std::string::npos && slash < eol) name = maps.substr(slash, eol - slash);
      uint32_t id;
      auto found = std::find(names_.begin(), names_.end(), name);
      if (found == names_.end() || name.empty()) {
        names_.push_back(name);
        id = static_cast<uint32_t>(names_.size() - 1);
      } else {
        id = static_cast<uint32_t>(found - names_.begin());
      }
      ranges_.push_back(ExecRange{lo, hi, id});
    }
    pos = eol + 1;
  }
  std::sort(ranges_.begin(), ranges_.end(), [](const ExecRange& a, const ExecRange& b) { return a.lo < b.lo; });
}

uint32_t ExecMaps::ObjectOf(pid_t pid, uint64_t addr, const ExecRange** range) {
  const ExecRange* r = Find(addr);
  if (!r) {
    Refresh(pid);
    r = Find(addr);
  }
  *range = r;
  return r ? r->object : UINT32_MAX;
}
