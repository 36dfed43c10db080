// SHA-256 as the audit chain and every result's protocol hash use it: the standard's test vectors,
// and the same digests from several threads at once (each thread reuses a context of its own).

#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "regimen/common/sha256.h"

using regimen::sha256_hex;

TEST_CASE("SHA-256 gives the FIPS 180-2 test vectors' digests", "[sha256]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("SHA-256 hashes one text after another, and on several threads, independently", "[sha256]") {
  // A reused context must not carry one text's state into the next.
  CHECK(sha256_hex("abc") == sha256_hex("abc"));
  CHECK(sha256_hex(std::string(5000, 'x')) != sha256_hex(std::string(4999, 'x')));
  std::vector<std::string> got(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&got, i] {
      for (int k = 0; k < 200; ++k) got[i] = sha256_hex(std::string(100 + i, 'q'));
    });
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == sha256_hex(std::string(100 + i, 'q')));
}
