// The cohort generator's random numbers: xoshiro256** seeded by splitmix64 (Blackman and Vigna),
// with integer helpers of our own. std::mt19937 is portable but the std:: distributions are
// implementation-defined, and a cohort must be byte-identical on every platform and compiler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

namespace cohort {

inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  // One independent stream per (seed, patient index): patient i's line depends on nothing else.
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t state = seed;
    state = splitmix64(state) ^ (stream * 0xD1B54A32D192ED03ull);
    for (uint64_t& word : s_) word = splitmix64(state);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // A whole number in [lo, hi] (lo when hi < lo). The modulo bias is below 2^-40 for these
  // small ranges, and it is the same everywhere, which is what matters here.
  int between(int lo, int hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1));
  }

  bool percent(int p) { return between(0, 99) < p; }
  bool permille(int p) { return between(0, 999) < p; }

  // An index chosen with the given relative weights.
  size_t weighted(std::initializer_list<int> weights) {
    int total = 0;
    for (int w : weights) total += w;
    int x = between(0, total - 1);
    size_t i = 0;
    for (int w : weights) {
      if (x < w) return i;
      x -= w;
      ++i;
    }
    return i - 1;
  }

  template <class T>
  void shuffle(std::vector<T>& v) {  // Fisher-Yates
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[static_cast<size_t>(between(0, static_cast<int>(i) - 1))]);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace cohort
