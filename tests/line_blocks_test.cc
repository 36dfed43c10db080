// batch's input and output: a file and a pipe give the same lines, with their numbers, whatever
// the block size or the line endings, with padding after each block; writev writes every piece.
#include "../src/cli/line_blocks.h"

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "regimen/load/timeline_reader.h"

namespace {

using regimen::cli::LineBlock;
using regimen::cli::LineReader;

struct Line {
  uint64_t number;
  std::string text;
  bool operator==(const Line&) const = default;
};

// Every line read, taking two blocks in turn as batch does; checks the padding after each block.
std::vector<Line> read_all(int fd, size_t block_size) {
  LineReader reader(fd, block_size);
  LineBlock blocks[2];
  std::vector<Line> out;
  for (int parity = 0; reader.next(blocks[parity]); parity ^= 1) {
    const LineBlock& b = blocks[parity];
    for (size_t i = 0; i < b.lines.size(); ++i) out.push_back({b.first_line + i, std::string(b.lines[i])});
    // The padding the JSON reader may read past the block's last line.
    const std::string_view last = b.lines.back();
    volatile char sink = 0;
    for (size_t k = 0; k < regimen::JsonTimelineReader::kPadding; ++k) sink = sink + last.data()[last.size() + k];
  }
  CHECK(reader.error().empty());
  return out;
}

std::string temp_file(const std::string& text) {
  char name[] = "/tmp/regimen-lines-XXXXXX";
  const int fd = ::mkstemp(name);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
  return name;
}

std::vector<Line> read_file(const std::string& text, size_t block_size) {
  const std::string path = temp_file(text);
  const int fd = ::open(path.c_str(), O_RDONLY);
  std::vector<Line> lines = read_all(fd, block_size);
  ::close(fd);
  std::remove(path.c_str());
  return lines;
}

std::vector<Line> read_pipe(const std::string& text, size_t block_size) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::thread writer([&] {
    regimen::cli::write_all(fds[1], text);
    ::close(fds[1]);
  });
  std::vector<Line> lines = read_all(fds[0], block_size);
  writer.join();
  ::close(fds[0]);
  return lines;
}

}  // namespace

TEST_CASE("a file and a pipe give the same lines and line numbers", "[batch]") {
  std::string text;
  for (int i = 1; i <= 500; ++i) {
    text += "{\"patient\":{\"id\":\"p-" + std::to_string(i) + "\"}}";
    text += i % 7 == 0 ? "\r\n" : "\n";                      // Windows line endings are taken off
    if (i % 50 == 0) text += std::string(300, 'x') + "\n";    // a line longer than a small block
    if (i % 90 == 0) text += "\n";                            // blank lines keep their numbers
  }
  const std::string unterminated = text + "{\"last\":true}";  // no newline after the last line
  for (size_t block : {16, 100, 4096, 1 << 20}) {
    CAPTURE(block);
    const std::vector<Line> piped = read_pipe(text, block);
    REQUIRE(piped.size() == 500 + 10 + 5);
    CHECK(piped[6] == Line{7, "{\"patient\":{\"id\":\"p-7\"}}"});
    CHECK(read_file(text, block) == piped);
    const std::vector<Line> last = read_file(unterminated, block);
    CHECK(last == read_pipe(unterminated, block));
    CHECK(last.back() == Line{516, "{\"last\":true}"});
  }
}

TEST_CASE("an empty file has no lines", "[batch]") {
  CHECK(read_pipe("", 64).empty());
  const std::string path = temp_file("");
  const int fd = ::open(path.c_str(), O_RDONLY);
  LineReader reader(fd, 64);
  LineBlock block;
  CHECK_FALSE(reader.next(block));
  ::close(fd);
  std::remove(path.c_str());
}

TEST_CASE("writev writes every piece in order, however many", "[batch]") {
  std::vector<std::string> texts;
  std::string expected;
  for (int i = 0; i < 3000; ++i) {  // more pieces than one writev takes (IOV_MAX, 1024)
    texts.push_back(i % 3 == 0 ? std::string() : std::string(static_cast<size_t>(i % 200), static_cast<char>('a' + i % 26)));
    expected += texts.back();
  }
  const std::vector<std::string_view> pieces(texts.begin(), texts.end());
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::string got;
  std::thread reader([&] {
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) got.append(buffer, static_cast<size_t>(n));
  });
  CHECK(regimen::cli::write_all(fds[1], pieces));
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  CHECK(got == expected);
}

TEST_CASE("a short write goes on from the middle of a piece, and a failed one says so", "[batch]") {
  // A file-size limit makes the kernel write only part of what writev is given, then refuse the
  // rest (EFBIG): the file must hold exactly the first bytes, in order, and write_all say false.
  std::vector<std::string> texts;
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    texts.push_back(std::string(97, static_cast<char>('a' + i % 26)));
    expected += texts.back();
  }
  const std::vector<std::string_view> pieces(texts.begin(), texts.end());
  char name[] = "/tmp/regimen-short-XXXXXX";
  const int fd = ::mkstemp(name);
  REQUIRE(fd >= 0);
  constexpr rlim_t kLimit = 1000;  // ends in the middle of the eleventh piece
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // the limit and the signal only in a child process
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{kLimit, kLimit};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    const bool written = regimen::cli::write_all(fd, pieces);
    ::_exit(written ? 1 : errno == EFBIG ? 0 : 2);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(fd);
  std::ifstream in(name, std::ios::binary);
  const std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(name);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(got == expected.substr(0, kLimit));
}

TEST_CASE("a write cut short by a signal is finished from where it stopped", "[batch]") {
  // The pipe fills (64 KiB) while its reader waits; a signal then interrupts writev, which returns
  // what it wrote so far, in the middle of a piece: write_all must go on from that byte.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    struct sigaction on_alarm {};
    on_alarm.sa_handler = [](int) {};  // no SA_RESTART: the blocked writev returns early
    ::sigaction(SIGALRM, &on_alarm, nullptr);
    std::vector<std::string> texts;
    std::string expected;
    for (int i = 0; i < 300; ++i) {  // 300 pieces of 999 bytes: 64 KiB ends inside one
      texts.push_back(std::string(999, static_cast<char>('a' + i % 26)));
      expected += texts.back();
    }
    const std::vector<std::string_view> pieces(texts.begin(), texts.end());
    int fds[2];
    if (::pipe(fds) != 0) ::_exit(3);
    std::string got;
    std::thread reader([&] {
      sigset_t alarm;
      sigemptyset(&alarm);
      sigaddset(&alarm, SIGALRM);
      pthread_sigmask(SIG_BLOCK, &alarm, nullptr);  // the signal is for the writer
      ::usleep(200'000);
      char buffer[4096];
      for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) got.append(buffer, static_cast<size_t>(n));
    });
    const itimerval once{{0, 0}, {0, 50'000}};
    ::setitimer(ITIMER_REAL, &once, nullptr);
    const bool written = regimen::cli::write_all(fds[1], pieces);
    ::close(fds[1]);
    reader.join();
    ::_exit(!written ? 1 : got != expected ? 2 : 0);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
