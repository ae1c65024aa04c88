// Executable mappings of one image, to tell which object an address belongs to (a jump into
// another object is a PLT stub or tail call leaving its frame). Refreshed from
// /proc/PID/maps only when an address is in no known mapping (a library was just mapped).
#pragma once
#include <sys/types.h>
#include <cstdint>
#include <string>
#include <vector>

struct ExecRange {
  uint64_t lo, hi;
  uint32_t object;  // same value for every mapping of one file
};

class ExecMaps {
 public:
  // Object id of `addr`, or UINT32_MAX if it is in no executable mapping even after a refresh.
  uint32_t ObjectOf(pid_t pid, uint64_t addr, const ExecRange** range);
  void Reset() { ranges_.clear(); names_.clear(); }

 private:
  const ExecRange* Find(uint64_t addr) const;
  void Refresh(pid_t pid);
  std::vector<ExecRange> ranges_;  // sorted by lo
  std::vector<std::string> names_;  // object id -> path (or [name])
};
