#include "clean_timeline.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>

#include "regimen/common/source.h"
#include "timeline_order.h"

namespace regimen::load {
namespace {

// Every reader below returns false when the document is not plainly clean: the caller then hands
// it to simdjson and the walker, which read any JSON and say what is wrong. So the cursor accepts
// a strict subset of JSON (no escapes, no exponents, no -0) and never needs to report anything.

template <class Word>
Word load(const char* p) {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

/// Length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing
/// past U+10FFFF) that starts with the non-ASCII byte at p, or 0.
size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (static_cast<size_t>(end - p) < n || p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < n; ++i)
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
  return n;
}

/// The keys an object may have, in the order writers usually give them. The member that follows
/// the last one read is expected to have the next key: its text with quotes and colon (`"date":`)
/// is compared with the input as two masked words, which scans nothing and compares with no other
/// key. A key in another order is read as a string and looked up.
template <size_t K>
struct Keys {
  static_assert(std::endian::native == std::endian::little, "the words are built little-endian");
  std::string_view names[K];
  uint64_t words[K][2] = {};
  uint64_t masks[K][2] = {};
  uint8_t lengths[K] = {};  ///< of the quoted key and its colon

  constexpr explicit Keys(const std::array<std::string_view, K>& list) {
    for (size_t k = 0; k < K; ++k) {
      names[k] = list[k];
      if (list[k].size() > 13) throw "a predicted key, its quotes and its colon must fit in 16 bytes";
      const size_t n = list[k].size() + 3;
      lengths[k] = static_cast<uint8_t>(n);
      for (size_t i = 0; i < n; ++i) {
        const char c = i == 0 || i == n - 2 ? '"' : i == n - 1 ? ':' : list[k][i - 1];
        words[k][i / 8] |= uint64_t{static_cast<unsigned char>(c)} << (8 * (i % 8));
        masks[k][i / 8] |= uint64_t{0xFF} << (8 * (i % 8));
      }
    }
  }
  /// The key's index, or -1.
  int find(std::string_view name) const {
    for (size_t k = 0; k < K; ++k)
      if (name == names[k]) return static_cast<int>(k);
    return -1;
  }
};

/// A cursor over one JSON document, read in a single pass straight into a Timeline.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  // The small steps are forced inline: called for every token, a call costs more than the step.
  [[gnu::always_inline]] void skip_space() {
    // Compact JSON has no space at all: one comparison says so.
    if (p_ < end_ && static_cast<unsigned char>(*p_) > ' ') [[likely]]
      return;
    skip_space_slowly();
  }
  bool at_end() {
    skip_space();
    return p_ == end_;
  }
  /// Takes `c` (after any space) when it is next.
  [[gnu::always_inline]] bool eat(char c) {
    const char* p = p_;
    if (p < end_ && *p == c) [[likely]] {  // compact JSON: the character is right there
      p_ = p + 1;
      return true;
    }
    if (p == end_ || static_cast<unsigned char>(*p) > ' ') return false;
    skip_space_slowly();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  /// The next value is null: takes it.
  [[gnu::always_inline]] bool null() {
    skip_space();
    if (end_ - p_ < 4 || std::memcmp(p_, "null", 4) != 0) return false;
    p_ += 4;
    return true;
  }
  /// A string without escapes or control characters, in well-formed UTF-8.
  [[gnu::always_inline]] bool string(std::string_view& out) {
    if (!eat('"')) return false;
    // Most strings (keys, codes, units) fit in the next sixteen bytes with their closing quote.
    if (end_ - p_ >= 16) [[likely]] {
      uint64_t special = special_bytes(load<uint64_t>(p_));
      int offset = 0;
      if (!special) {
        special = special_bytes(load<uint64_t>(p_ + 8));
        offset = 8;
      }
      if (special) {
        const int n = offset + std::countr_zero(special) / 8;
        if (p_[n] == '"') {
          out = std::string_view(p_, static_cast<size_t>(n));
          p_ += n + 1;
          return true;
        }
      }
    }
    return rest_of_string(out);
  }
  /// A string of the length of a date (10 characters) or a date and time (16), taken without
  /// looking inside: its reader accepts digits, '-', 'T' and ':' at fixed places only, which makes
  /// it a plain JSON string, and rejects anything else (the caller then declines the document).
  [[gnu::always_inline]] bool date_string(std::string_view& out) {
    skip_space();
    if (end_ - p_ < 18 || *p_ != '"') return false;
    const size_t n = p_[11] == '"' ? 10 : p_[17] == '"' && p_[11] == 'T' ? 16 : 0;
    if (n == 0) return false;
    out = std::string_view(p_ + 1, n);
    p_ += n + 2;
    return true;
  }
  /// The last date read by date() and its value: events of one visit share their date, so most
  /// dates of a document repeat the one before.
  std::string_view last_date;
  Timestamp last_timestamp;
  /// The month of the last date parsed: its "YYYY-MM-" as a word (0 before the first), its first
  /// day and its length in days.
  uint64_t month_head = 0;
  Date month_first;
  int month_days = 0;

  /// An item's answer in its usual shape, `"N":A` with N of one or two digits (no leading zero)
  /// and A of one, followed by ',' or '}': taken whole. Any other shape: false, nothing taken.
  [[gnu::always_inline]] bool short_item(int& item, int& answer) {
    const char* p = p_;
    if (end_ - p < 8 || p[0] != '"') return false;
    const auto digit = [&](size_t i) { return static_cast<unsigned>(p[i] - '0'); };
    if (digit(1) - 1 > 8) return false;
    size_t k = 2;  // the closing quote
    unsigned n = digit(1);
    if (p[2] != '"') {
      if (digit(2) > 9 || p[3] != '"') return false;
      n = n * 10 + digit(2);
      k = 3;
    }
    if (p[k + 1] != ':' || digit(k + 2) > 9 || (p[k + 3] != ',' && p[k + 3] != '}')) return false;
    item = static_cast<int>(n);
    answer = static_cast<int>(digit(k + 2));
    p_ = p + k + 3;
    return true;
  }

  /// A member's key and its colon.
  [[gnu::always_inline]] bool key(std::string_view& out) { return string(out) && eat(':'); }
  /// A non-negative integer as JSON writes it (no leading zero, no fraction, no exponent), of at
  /// most 18 digits: what simdjson reads as an int64 for sure.
  [[gnu::always_inline]] bool integer(int64_t& out) {
    skip_space();
    const char* start = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    const size_t digits = static_cast<size_t>(p_ - start);
    if (digits == 0 || digits > 18 || (digits > 1 && *start == '0') || continues_number()) return false;
    out = 0;
    for (const char* d = start; d < p_; ++d) out = out * 10 + (*d - '0');
    return true;
  }
  /// A number as JSON writes it, without an exponent, not -0, with at most 18 digits in all:
  /// what simdjson reads as exactly this double.
  bool number(double& out) {
    skip_space();
    const bool negative = p_ < end_ && *p_ == '-';
    if (negative) ++p_;
    const char* int_start = p_;
    uint64_t mantissa = 0;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') mantissa = mantissa * 10 + static_cast<uint64_t>(*p_++ - '0');
    const size_t int_digits = static_cast<size_t>(p_ - int_start);
    if (int_digits == 0 || int_digits > 18 || (int_digits > 1 && *int_start == '0')) return false;
    if (negative && *int_start == '0') return false;  // -0 and -0.5: left to simdjson
    size_t frac_digits = 0;
    if (p_ < end_ && *p_ == '.') {
      const char* frac_start = ++p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9' && p_ - frac_start < 18)
        mantissa = mantissa * 10 + static_cast<uint64_t>(*p_++ - '0');
      frac_digits = static_cast<size_t>(p_ - frac_start);
      if (frac_digits == 0) return false;
    }
    if (int_digits + frac_digits > 18 || (p_ < end_ && *p_ >= '0' && *p_ <= '9') || continues_number()) return false;
    // Clinger's fast path: a mantissa and a power of ten that doubles hold exactly give the
    // correctly rounded quotient, which is what simdjson (and from_chars) give.
    static constexpr double kPowers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                         1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
    if (mantissa <= (uint64_t{1} << 53)) {
      out = static_cast<double>(mantissa) / kPowers[frac_digits];
    } else {
      const auto [end, ec] = std::from_chars(int_start, p_, out);  // correctly rounded too
      if (ec != std::errc{} || end != p_) return false;
    }
    if (negative) out = -out;
    return true;
  }

  /// Calls field(k, key) for each member of an object, k being the key's index in `keys` or -1
  /// for another key; field reads the member's value.
  template <size_t K, class F>
  bool members(const Keys<K>& keys, F&& field) {
    if (!eat('{')) return false;
    if (eat('}')) return true;
    size_t expected = 0;
    do {
      std::string_view name;
      int k;
      if (expected < K && end_ - p_ >= 16 &&
          (((load<uint64_t>(p_) ^ keys.words[expected][0]) & keys.masks[expected][0]) |
           ((load<uint64_t>(p_ + 8) ^ keys.words[expected][1]) & keys.masks[expected][1])) == 0) [[likely]] {
        p_ += keys.lengths[expected];
        k = static_cast<int>(expected);
        name = keys.names[expected];
      } else {
        if (!key(name)) return false;
        k = keys.find(name);
      }
      if (!field(k, name)) return false;
      expected = static_cast<size_t>(k + 1);
    } while (eat(','));
    return eat('}');
  }
  /// Calls element() for each element of an array; element reads it.
  template <class F>
  bool array(F&& element) {
    if (!eat('[')) return false;
    if (eat(']')) return true;
    do {
      if (!element()) return false;
    } while (eat(','));
    return eat(']');
  }
  bool next_is(char c) {
    skip_space();
    return p_ < end_ && *p_ == c;
  }

 private:
  void skip_space_slowly() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\t' || *p_ == '\r')) ++p_;
  }

  /// The string that starts at p_ (after its opening quote), the general way.
  bool rest_of_string(std::string_view& out) {
    const char* p = p_;  // a local: writes through char pointers could alias the member
    const char* const end = end_;
    const char* start = p;
    for (;;) {
      // Eight bytes at a time while they are plain: no quote, backslash, control or non-ASCII byte.
      while (end - p >= 8) {
        const uint64_t special = special_bytes(load<uint64_t>(p));
        if (special) {
          p += std::countr_zero(special) / 8;
          break;
        }
        p += 8;
      }
      if (p == end) return false;
      const auto c = static_cast<unsigned char>(*p);
      if (c == '"') break;
      if (c == '\\' || c < 0x20) return false;
      if (c < 0x80) {
        ++p;
        continue;
      }
      const size_t n = utf8_sequence(reinterpret_cast<const unsigned char*>(p), reinterpret_cast<const unsigned char*>(end));
      if (n == 0) return false;
      p += n;
    }
    out = std::string_view(start, static_cast<size_t>(p - start));
    p_ = p + 1;
    return true;
  }

  /// A number does not end here: a fraction or exponent this reader does not take follows.
  bool continues_number() const { return p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E'); }

  /// The high bit of each byte of w that a string cannot hold as it is: a quote, a backslash, a
  /// control character, or a non-ASCII byte (to be checked as UTF-8). Exact for the lowest such
  /// byte, which is all the caller uses (a borrow only spills above a byte that matched).
  static uint64_t special_bytes(uint64_t w) {
    constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
    auto zero_byte = [&](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
    const uint64_t quote = zero_byte(w ^ (kOnes * '"'));
    const uint64_t backslash = zero_byte(w ^ (kOnes * '\\'));
    const uint64_t control = (w - kOnes * 0x20) & ~w & kHigh;
    return quote | backslash | control | (w & kHigh);
  }

  const char* p_;
  const char* end_;
};

/// The two digits at s[i], or -1.
int two_digits(std::string_view s, size_t i) {
  const unsigned a = static_cast<unsigned>(s[i] - '0'), b = static_cast<unsigned>(s[i + 1] - '0');
  return a < 10 && b < 10 ? static_cast<int>(a * 10 + b) : -1;
}

/// The n bytes at a and at b are the same: for the short texts of a timeline, two overlapping
/// word loads instead of a call to memcmp.
[[gnu::always_inline]] inline bool same_bytes(const char* a, const char* b, size_t n) {
  if (n >= 8 && n <= 16)
    return load<uint64_t>(a) == load<uint64_t>(b) && load<uint64_t>(a + n - 8) == load<uint64_t>(b + n - 8);
  if (n >= 4 && n < 8)
    return load<uint32_t>(a) == load<uint32_t>(b) && load<uint32_t>(a + n - 4) == load<uint32_t>(b + n - 4);
  return std::memcmp(a, b, n) == 0;
}

bool date(Cursor& in, Timestamp& out) {
  std::string_view s;
  const bool unread = in.date_string(s);  // not yet checked to be a JSON string: see below
  if (!unread && !in.string(s)) return false;
  const std::string_view last = in.last_date;
  if (!last.empty() && s.size() == last.size() && same_bytes(s.data(), last.data(), s.size())) {
    out = in.last_timestamp;
    return true;
  }
  // The two forms cohorts use, YYYY-MM-DD and YYYY-MM-DDTHH:MM, by hand (dates are a fifth of the
  // reading otherwise); any other form goes to the general parser. Both accept exactly the same.
  if ((s.size() == 10 || (s.size() == 16 && s[10] == 'T' && s[13] == ':')) && s[4] == '-' && s[7] == '-') {
    // Most dates fall in the month of the date read before: its first day and length are kept.
    const uint64_t head = load<uint64_t>(s.data());  // "YYYY-MM-"
    if (head != in.month_head) {
      const int century = two_digits(s, 0), year = two_digits(s, 2), month = two_digits(s, 5);
      if (century < 0 || year < 0 || month < 0) return false;
      const std::optional<Date> first = Date::from_ymd(century * 100 + year, month, 1);  // checks the calendar
      if (!first) return false;
      in.month_head = head;
      in.month_first = *first;
      in.month_days = days_in_month(century * 100 + year, month);
    }
    const int day = two_digits(s, 8);
    if (day < 1 || day > in.month_days) return false;
    const Date d{in.month_first.days + day - 1};
    int32_t seconds = -1;
    if (s.size() == 16) {
      const int hh = two_digits(s, 11), mm = two_digits(s, 14);
      if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return false;
      seconds = hh * 3600 + mm * 60;
    }
    // Field by field: a whole Timestamp built on the stack and copied stalled on store forwarding
    // (perf annotate: a third of this function's time on two moves).
    out.date = d;
    out.seconds = seconds;
    out.zone_minutes = 0;
    out.has_zone = false;
    in.last_date = s;
    in.last_timestamp = out;
    return true;
  }
  if (unread) return false;  // only the two forms above make it a plain string
  DateParse p = parse_date_or_datetime(s);
  if (!p.value) return false;
  out = *p.value;
  return true;
}

/// into = text. The element being read over was, most of the time, read from the same place in
/// the last document, and lines of a cohort repeat their codes, units and instruments in the same
/// order: an equal text is left as it is, which is cheaper than the general assignment.
[[gnu::always_inline]] inline void assign_text(std::string& into, std::string_view text) {
  if (into.size() == text.size() && same_bytes(into.data(), text.data(), text.size())) return;
  // Not assign(): its general replace, which allows for the text to lie inside the string, costs
  // more than the copy (the text here is always in the document).
  into.clear();
  into.append(text);
}

/// A string field that may be null (empty) into `into`.
bool optional_text(Cursor& in, std::string& into) {
  if (in.null()) {
    into.clear();
    return true;
  }
  std::string_view text;
  if (!in.string(text)) return false;
  assign_text(into, text);
  return true;
}

/// The field's bit in `seen`, or false when it was seen before (a duplicate: the walker's error).
bool first_time(uint32_t& seen, int bit) {
  if (seen & (1u << bit)) return false;
  seen |= 1u << bit;
  return true;
}

template <class Enum, size_t N>
bool choice(Cursor& in, const std::string_view (&names)[N], const Enum (&values)[N], Enum& out) {
  std::string_view s;
  if (!in.string(s)) return false;
  for (size_t i = 0; i < N; ++i)
    if (s == names[i]) return out = values[i], true;
  return false;
}

/// Leaves the first n elements of `v`; the others, with their memory, go to `surplus`.
template <class T>
void shorten(std::vector<T>& v, size_t n, std::vector<T>& surplus) {
  while (v.size() > n) {
    surplus.push_back(std::move(v.back()));
    v.pop_back();
  }
}

/// Reads an array of objects (null: none) into `into`, element by element over what it held (or
/// over elements from `surplus`), so that each keeps its strings' and vectors' memory from earlier
/// timelines.
template <class T, class F>
bool each(Cursor& in, std::vector<T>& into, std::vector<T>& surplus, F&& read) {
  uint32_t n = 0;
  const bool ok = in.null() || in.array([&] {
    if (!in.next_is('{')) return false;
    if (n == into.size()) {
      if (surplus.empty()) {
        into.emplace_back();
      } else {
        into.push_back(std::move(surplus.back()));
        surplus.pop_back();
      }
    }
    T& item = into[n];
    item.index = n++;
    return read(item, in);
  });
  shorten(into, n, surplus);
  return ok;
}

bool read_patient(Cursor& in, Timeline& t) {
  static constexpr Keys<1> kKeys({"id"});
  bool has_id = false;
  const bool ok = in.members(kKeys, [&](int key, std::string_view) {
    std::string_view id;
    if (key != 0 || has_id || !in.string(id)) return false;
    const size_t n = count_code_points(id);
    if (n < 1 || n > 128) return false;
    t.patient_id.assign(id);  // never the same
    has_id = true;
    return true;
  });
  return ok && has_id;
}

bool read_session(Session& s, Cursor& in) {
  static constexpr std::string_view kNames[] = {"completed", "missed", "cancelled"};
  static constexpr SessionStatus kValues[] = {SessionStatus::kCompleted, SessionStatus::kMissed, SessionStatus::kCancelled};
  s.status = SessionStatus::kCompleted;
  static constexpr Keys<3> kKeys({"date", "status", "route"});
  uint32_t seen = 0;
  // The doses are written over those the element held, like the element itself: sessions of a
  // cohort name the same doses in the same order, so most names are left as they are.
  size_t doses = 0;
  const bool ok = in.members(kKeys, [&](int key, std::string_view name) {
    switch (key) {
      case 0: return first_time(seen, 0) && date(in, s.at);
      case 1: return first_time(seen, 1) && (in.null() || choice(in, kNames, kValues, s.status));
      case 2: return first_time(seen, 2) && optional_text(in, s.route);
    }
    if (!name.starts_with("dose_")) return false;
    for (size_t i = 0; i < doses; ++i)
      if (s.doses[i].name == name) return false;
    double value = 0;  // a null dose is left to the walker (it skips it, but remembers its name)
    if (!in.number(value) || value < 0) return false;
    if (doses == s.doses.size()) s.doses.emplace_back();
    Dose& d = s.doses[doses++];
    assign_text(d.name, name);
    d.value = value;
    return true;
  });
  s.doses.resize(doses);
  if (!(seen & 4u)) s.route.clear();  // not before: assign_text compares with what it held
  return ok && (seen & 1u);
}

/// Reads item answers into `items` as they are; they are checked against their instrument once it
/// is known (it may come after them).
bool read_items(Cursor& in, std::vector<ItemAnswer>& items) {
  if (in.null()) return true;
  if (!in.eat('{')) return false;
  if (in.eat('}')) return true;
  if (items.capacity() < 16) items.reserve(16);  // PHQ-9 and GAD-7: one allocation, not five
  uint64_t seen = 0;
  do {
    int item = 0, answer = 0;
    if (!in.short_item(item, answer)) {
      std::string_view key;
      int64_t value = 0;
      if (!in.key(key)) return false;
      // One or two digits, no leading zero (the walker's reading of "01" is left to it).
      const auto digit = [&](size_t i) { return static_cast<unsigned>(key[i] - '0'); };
      if (key.empty() || key.size() > 2 || digit(0) - 1 > 8 || (key.size() == 2 && digit(1) > 9)) return false;
      item = static_cast<int>(key.size() == 1 ? digit(0) : digit(0) * 10 + digit(1));
      if (!in.integer(value) || value > 1000) return false;
      answer = static_cast<int>(value);
    }
    if (item > 63 || (seen & (uint64_t{1} << item))) return false;
    seen |= uint64_t{1} << item;
    items.push_back(ItemAnswer{item, answer});
  } while (in.eat(','));
  return in.eat('}');
}

bool read_assessment(Assessment& a, Cursor& in, const InstrumentCatalog& instruments) {
  a.items.clear();
  uint32_t seen = 0;
  std::string_view instrument;
  int64_t score = 0;
  static constexpr Keys<4> kKeys({"date", "instrument", "score", "items"});
  const bool ok = in.members(kKeys, [&](int key, std::string_view) {
    switch (key) {
      case 0: return first_time(seen, 0) && date(in, a.at);
      case 1: return first_time(seen, 1) && in.string(instrument) && !instrument.empty();
      case 2: return first_time(seen, 2) && in.integer(score);
      case 3: return first_time(seen, 3) && read_items(in, a.items);
    }
    return false;
  });
  if (!ok || (seen & 7u) != 7u) return false;
  const InstrumentSpec* spec = instruments.find(instrument);  // undeclared: the walker warns
  if (!spec || score < spec->min_score || score > spec->max_score) return false;
  int sum = 0;
  bool sorted = true;
  for (size_t i = 0; i < a.items.size(); ++i) {
    const ItemAnswer& x = a.items[i];
    if (x.item > spec->item_count || x.answer < spec->item_min || x.answer > spec->item_max) return false;
    sum += x.answer;
    sorted = sorted && (i == 0 || a.items[i - 1].item < x.item);
  }
  if (!sorted)
    std::sort(a.items.begin(), a.items.end(), [](const ItemAnswer& x, const ItemAnswer& y) { return x.item < y.item; });
  assign_text(a.instrument, instrument);
  a.score = static_cast<int>(score);
  // Items that do not add up to the score (all of them), or add up to more (some): a warning, so
  // the walker's.
  return static_cast<int>(a.items.size()) == spec->item_count ? sum == a.score : sum <= a.score;
}

bool read_observation(Observation& ob, Cursor& in) {
  uint32_t seen = 0;
  static constexpr Keys<4> kKeys({"date", "code", "value", "unit"});
  const bool ok = in.members(kKeys, [&](int key, std::string_view) {
    std::string_view code;
    switch (key) {
      case 0: return first_time(seen, 0) && date(in, ob.at);
      case 1:
        if (!first_time(seen, 1) || !in.string(code) || code.empty()) return false;
        assign_text(ob.code, code);
        return true;
      case 2: return first_time(seen, 2) && in.number(ob.value);
      case 3: return first_time(seen, 3) && optional_text(in, ob.unit);
    }
    return false;
  });
  if (!(seen & 8u)) ob.unit.clear();  // not before: assign_text compares with what it held
  return ok && (seen & 7u) == 7u;
}

bool read_condition(Condition& c, Cursor& in) {
  static constexpr std::string_view kNames[] = {"active", "resolved"};
  static constexpr ConditionStatus kValues[] = {ConditionStatus::kActive, ConditionStatus::kResolved};
  c.onset.reset();
  c.status = ConditionStatus::kActive;
  uint32_t seen = 0;
  static constexpr Keys<3> kKeys({"code", "onset", "status"});
  const bool ok = in.members(kKeys, [&](int key, std::string_view) {
    switch (key) {
      case 0: {
        std::string_view code;
        if (!first_time(seen, 0) || !in.string(code) || code.empty()) return false;
        assign_text(c.code, code);
        return true;
      }
      case 1: {
        if (!first_time(seen, 1)) return false;
        if (in.null()) return true;
        Timestamp onset;
        if (!date(in, onset)) return false;
        c.onset = onset;
        return true;
      }
      case 2: return first_time(seen, 2) && (in.null() || choice(in, kNames, kValues, c.status));
    }
    return false;
  });
  return ok && (seen & 1u);
}

bool read_decision(Decision& d, Cursor& in) {
  static constexpr std::string_view kNames[] = {"start_series", "start_maintenance", "end_treatment"};
  static constexpr DecisionKind kValues[] = {DecisionKind::kStartSeries, DecisionKind::kStartMaintenance,
                                             DecisionKind::kEndTreatment};
  uint32_t seen = 0;
  static constexpr Keys<4> kKeys({"date", "kind", "by", "note"});
  const bool ok = in.members(kKeys, [&](int key, std::string_view) {
    switch (key) {
      case 0: return first_time(seen, 0) && date(in, d.at);
      case 1: return first_time(seen, 1) && choice(in, kNames, kValues, d.kind);
      case 2: return first_time(seen, 2) && optional_text(in, d.by);
      case 3: return first_time(seen, 3) && optional_text(in, d.note);
    }
    return false;
  });
  if (!(seen & 4u)) d.by.clear();  // not before: assign_text compares with what it held
  if (!(seen & 8u)) d.note.clear();
  return ok && (seen & 3u) == 3u;
}

}  // namespace

bool read_clean_timeline(std::string_view text, const InstrumentCatalog& instruments, Timeline& t, Timeline& surplus) {
  Cursor in(text);
  t.as_of.reset();
  uint32_t seen = 0;
  static constexpr Keys<7> kKeys(
      {"patient", "as_of", "sessions", "assessments", "observations", "conditions", "decisions"});
  const bool ok = in.members(kKeys, [&](int key, std::string_view) {
    if (key < 0 || !first_time(seen, key)) return false;
    switch (key) {
      case 0: return read_patient(in, t);
      case 1: {
        if (in.null()) return true;
        Timestamp as_of;
        if (!date(in, as_of)) return false;
        t.as_of = as_of;
        return true;
      }
      case 2: return each(in, t.sessions, surplus.sessions, read_session);
      case 3:
        return each(in, t.assessments, surplus.assessments,
                    [&](Assessment& a, Cursor& c) { return read_assessment(a, c, instruments); });
      case 4: return each(in, t.observations, surplus.observations, read_observation);
      case 5: return each(in, t.conditions, surplus.conditions, read_condition);
      case 6: return each(in, t.decisions, surplus.decisions, read_decision);
    }
    return false;
  });
  if (!ok || !in.at_end() || !(seen & 1u)) return false;
  // The arrays given were written over, element by element; one left out is empty.
  if (!(seen & (1u << 2))) shorten(t.sessions, 0, surplus.sessions);
  if (!(seen & (1u << 3))) shorten(t.assessments, 0, surplus.assessments);
  if (!(seen & (1u << 4))) shorten(t.observations, 0, surplus.observations);
  if (!(seen & (1u << 5))) shorten(t.conditions, 0, surplus.conditions);
  if (!(seen & (1u << 6))) shorten(t.decisions, 0, surplus.decisions);
  sort_events(t);
  return true;
}

}  // namespace regimen::load
