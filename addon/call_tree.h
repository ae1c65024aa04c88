// The exact call tree, maintained on the per-step path (cheap: a few compares per step, one
// hash lookup per call). Node = (parent node, entry address); each step adds one to the self
// count of the node on top of the executing thread's shadow stack.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

struct CallNode {
  int32_t parent;   // -1 for a thread root
  int32_t image;    // image the entry address belongs to
  uint64_t entry;   // address the function was entered at (0 for a root)
  uint64_t self;    // instructions executed with this node on top of the stack
  uint64_t calls;   // times this node was entered
};

class CallTree {
 public:
  int32_t NewRoot(int32_t image) {
    nodes_.push_back(CallNode{-1, image, 0, 0, 0});
    return static_cast<int32_t>(nodes_.size() - 1);
  }

  // Finds or creates the child of `parent` entered at `entry`.
  int32_t Child(int32_t parent, int32_t image, uint64_t entry) {
    Key k{parent, entry};
    auto it = children_.find(k);
    if (it != children_.end()) return it->second;
    nodes_.push_back(CallNode{parent, image, entry, 0, 0});
    int32_t id = static_cast<int32_t>(nodes_.size() - 1);
    children_.emplace(k, id);
    return id;
  }

  CallNode& operator[](int32_t i) { return nodes_[static_cast<size_t>(i)]; }
  const std::vector<CallNode>& nodes() const { return nodes_; }

 private:
  struct Key {
    int32_t parent;
    uint64_t entry;
    bool operator==(const Key& o) const { return parent == o.parent && entry == o.entry; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      uint64_t x = k.entry ^ (static_cast<uint64_t>(static_cast<uint32_t>(k.parent)) * 0x9e3779b97f4a7c15ULL);
      x ^= x >> 31;
      x *= 0xbf58476d1ce4e5b9ULL;
      return static_cast<size_t>(x ^ (x >> 29));
    }
  };
  std::vector<CallNode> nodes_;
  std::unordered_map<Key, int32_t, KeyHash> children_;
};

// One frame of a thread's shadow stack: popped once the stack pointer rises above `sp`.
struct Frame {
  uint64_t sp;
  int32_t node;
};
