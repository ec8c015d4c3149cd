// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <cstddef>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// Plain HTTP message types shared by the server and the client, free of Beast types so that the
/// app and the protocol adapters can handle requests without seeing the transport.
/// Thread safety: value types.
namespace hub::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

namespace detail {
/// Whether `c` may appear in a field name (an RFC 9110 token character).
constexpr bool token_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

/// Case-insensitive equality of `n` bytes, byte by byte.
constexpr bool iequals_bytes(const char* a, const char* b, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    const char x = a[i];
    const char y = b[i];
    if (x != y) {
      // Equal apart from case only when both are the same letter.
      const char lx = (x >= 'A' && x <= 'Z') ? static_cast<char>(x + 32) : x;
      const char ly = (y >= 'A' && y <= 'Z') ? static_cast<char>(y + 32) : y;
      if (lx != ly) {
        return false;
      }
    }
  }
  return true;
}
}  // namespace detail

/// ASCII case-insensitive equality (header names, ids); no locale, no copies. Inline: header
/// lookups call it for every field they pass, and most comparisons end at the length. Eight
/// bytes at a time while they are equal as they are (names mostly come in the case compared
/// with); a word that differs is compared byte by byte.
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  std::size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    std::uint64_t x;
    std::uint64_t y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y && !detail::iequals_bytes(a.data() + i, b.data() + i, 8)) {
      return false;
    }
  }
  return detail::iequals_bytes(a.data() + i, b.data() + i, a.size() - i);
}

/// Case-insensitive header lookup; empty when absent.
std::string_view find_header(const Headers& headers, std::string_view name) noexcept;

/// Header fields already in their wire form ("Name: value" CRLF each), written after a message's
/// `headers` as they are. For senders that add the same few fields to every message (the OCPI
/// hub's routing, request-id, correlation and Authorization fields): one string for all of them
/// instead of two per field. A field is taken only when it cannot split the head (the name a
/// token, the value without CR, LF or NUL) and is not one the transport owns (Content-Length,
/// Transfer-Encoding, Connection, Host). The server writes its own Content-Type and Server
/// fields: an answer's block does not carry them.
class FieldBlock {
 public:
  FieldBlock() = default;
  FieldBlock(const FieldBlock&) = default;
  FieldBlock& operator=(const FieldBlock&) = default;
  /// A moved-from block is empty, flags included.
  FieldBlock(FieldBlock&& o) noexcept
      : text_(std::move(o.text_)), user_agent_(o.user_agent_), request_id_(o.request_id_) {
    o.clear();
  }
  FieldBlock& operator=(FieldBlock&& o) noexcept {
    if (this != &o) {
      text_ = std::move(o.text_);
      user_agent_ = o.user_agent_;
      request_id_ = o.request_id_;
      o.clear();
    }
    return *this;
  }

  /// A field name written in the program: checked when the program is compiled (a token, or it
  /// does not compile), along with what the block needs to know of it, so that add() does no
  /// work on the name when it runs.
  class Name {
   public:
    template <std::size_t N>
    consteval Name(const char (&s)[N]) : text_(s, N - 1), kind_(classify(text_)) {  // NOLINT: implicit
      if (kind_ == Kind::invalid) {
        throw "a field name is a non-empty token";
      }
    }
    constexpr std::string_view text() const noexcept { return text_; }

   private:
    friend class FieldBlock;
    enum class Kind : unsigned char { invalid, plain, transport, user_agent, request_id };
    /// What a name is to the block; the same rules at compile time (Name) and run time (add_named).
    static constexpr Kind classify(std::string_view n) noexcept {
      if (n.empty()) {
        return Kind::invalid;
      }
      for (char c : n) {
        if (!detail::token_char(c)) {
          return Kind::invalid;
        }
      }
      auto is = [n](std::string_view known) {
        return n.size() == known.size() && detail::iequals_bytes(n.data(), known.data(), n.size());
      };
      if (is("Host") || is("Connection") || is("Content-Length") || is("Transfer-Encoding")) {
        return Kind::transport;
      }
      if (is("User-Agent")) {
        return Kind::user_agent;
      }
      return is("X-Request-ID") ? Kind::request_id : Kind::plain;
    }
    std::string_view text_;
    Kind kind_;
  };

  void reserve(std::size_t n) { text_.reserve(n); }
  /// Appends one field; false (nothing appended) when it is refused, see above.
  bool add(Name name, std::string_view value);
  /// The same for a name known only when the program runs (checked here).
  bool add_named(std::string_view name, std::string_view value);
  /// Appends every field of `other` (checked when they were added to it), flags included: for
  /// senders that keep blocks they add to many messages.
  void add_all(const FieldBlock& other);
  /// Case-insensitive lookup of the first field of that name; empty when absent.
  std::string_view find(std::string_view name) const noexcept;
  /// Whether a User-Agent or an X-Request-ID field was added (noted as they are added, so that
  /// the client and the server, which add their own unless given, need not search the block).
  bool has_user_agent() const noexcept { return user_agent_; }
  bool has_request_id() const noexcept { return request_id_; }
  /// The fields as written: empty or CRLF-terminated lines.
  std::string_view wire() const noexcept { return text_; }
  bool empty() const noexcept { return text_.empty(); }
  void clear() noexcept {
    text_.clear();
    user_agent_ = request_id_ = false;
  }

 private:
  bool append(std::string_view name, Name::Kind kind, std::string_view value);  ///< false when refused
  /// Room for `n` more bytes: one allocation for the few fields a block usually gets.
  void grow(std::size_t n);

  std::string text_;
  bool user_agent_ = false;
  bool request_id_ = false;
};

/// Header fields in order, names and values in one string: a parser takes a message's field
/// lines with one copy instead of two strings per field, and a handler adds a field without
/// a string pair. Iterates as pairs of views, which stay valid until the fields change. The
/// fields of a received request or answer as they arrived; of an answer to send, as added
/// (the server drops what could split the head or is its own framing).
class FieldList {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;

  class const_iterator {
   public:
    // Yields values, not references: an input iterator to the classic tags, a forward one to
    // C++20's concepts.
    using iterator_category = std::input_iterator_tag;
    using iterator_concept = std::forward_iterator_tag;
    using value_type = FieldList::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = value_type;
    const_iterator() = default;
    value_type operator*() const noexcept { return (*fields_)[i_]; }
    const_iterator& operator++() noexcept {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) noexcept {
      auto before = *this;
      ++i_;
      return before;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) noexcept { return a.i_ == b.i_; }

   private:
    friend class FieldList;
    const_iterator(const FieldList* f, std::size_t i) noexcept : fields_(f), i_(i) {}
    const FieldList* fields_ = nullptr;
    std::size_t i_ = 0;
  };

  FieldList() = default;
  FieldList(std::initializer_list<value_type> fields) {
    for (const auto& [name, value] : fields) {
      add(name, value);
    }
  }

  /// Appends one field, copying it (also when it views this list). Fields hold at most 4 GiB
  /// (offsets are 32-bit; parsers limit a head far below that): more throws std::length_error.
  void add(std::string_view name, std::string_view value) {
    if (text_.size() + name.size() + value.size() > UINT32_MAX) {
      throw std::length_error("header fields over 4 GiB");
    }
    if (views_text(name) || views_text(value)) {
      const std::string n(name);
      const std::string v(value);
      add(n, v);  // growing the text would move what the views point at
      return;
    }
    const auto at = static_cast<std::uint32_t>(text_.size());
    text_.append(name).append(value);
    spans_.push_back({at, static_cast<std::uint32_t>(name.size()), static_cast<std::uint32_t>(at + name.size()),
                      static_cast<std::uint32_t>(value.size())});
  }
  /// For a parser that found the fields inside `block` (views into it, in order): one copy of
  /// the block. Replaces what the fields held.
  class BlockWriter;

  void clear() noexcept {
    text_.clear();
    spans_.clear();
  }
  /// Empties the fields and frees their storage (clear() keeps it for the next request).
  void release() noexcept {
    std::string().swap(text_);
    std::vector<Span>().swap(spans_);
  }
  std::size_t size() const noexcept { return spans_.size(); }
  bool empty() const noexcept { return spans_.empty(); }
  value_type operator[](std::size_t i) const noexcept {
    const Span& s = spans_[i];
    return {std::string_view(text_.data() + s.name_at, s.name_size),
            std::string_view(text_.data() + s.value_at, s.value_size)};
  }
  const_iterator begin() const noexcept { return {this, 0}; }
  const_iterator end() const noexcept { return {this, spans_.size()}; }
  /// Case-insensitive lookup of the first field of that name; empty when absent.
  std::string_view find(std::string_view name) const noexcept;
  /// The fields as strings, in order.
  Headers to_headers() const;
  /// Bytes held (to release the storage of an unusually large request).
  std::size_t capacity_bytes() const noexcept { return text_.capacity() + spans_.capacity() * sizeof(Span); }
  /// The same fields in the same order.
  friend bool operator==(const FieldList& a, const FieldList& b) noexcept;

 private:
  struct Span {
    std::uint32_t name_at;
    std::uint32_t name_size;
    std::uint32_t value_at;
    std::uint32_t value_size;
  };
  bool views_text(std::string_view v) const noexcept {
    const std::less_equal<const char*> le;
    return !v.empty() && le(text_.data(), v.data()) && le(v.data(), text_.data() + text_.size());
  }

  std::string text_;
  std::vector<Span> spans_;
};

/// Fills a FieldList from a block of field lines: the fields, found as views into the
/// block, are noted as offsets while the block is read and the block is copied once at the end.
class FieldList::BlockWriter {
 public:
  BlockWriter(FieldList& fields, const char* block) noexcept : fields_(fields), block_(block) {
    fields_.clear();
  }
  void field(std::string_view name, std::string_view value) {
    fields_.spans_.push_back({static_cast<std::uint32_t>(name.data() - block_), static_cast<std::uint32_t>(name.size()),
                              static_cast<std::uint32_t>(value.data() - block_),
                              static_cast<std::uint32_t>(value.size())});
  }
  /// The block ends at `end`: copies it. Not called (or the fields cleared) when reading failed.
  /// The block must be under 4 GiB (the parser's header limit sees to it).
  void finish(const char* end) { fields_.text_.assign(block_, static_cast<std::size_t>(end - block_)); }

 private:
  FieldList& fields_;
  const char* block_;
};

struct Request {
  std::string method;  ///< "GET", "POST", ...
  std::string target;  ///< path + query as received
  FieldList headers;
  std::string body;
  std::string remote_address;
  std::string request_id;  ///< X-Request-ID given or generated for this hop

  std::string_view header(std::string_view name) const noexcept { return headers.find(name); }
  /// Path without the query string.
  std::string_view path() const noexcept;
  /// Decoded value of one query parameter, empty when absent.
  std::string query(std::string_view key) const;
};

struct Response {
  int status = 200;
  /// Of an answer to send. Empty: "application/json" when the answer has a body (the common
  /// case, with no string to allocate per answer); a body-less answer then carries no
  /// Content-Type. An answer received by the client leaves it empty: its Content-Type is one of
  /// its `headers`, as it came.
  std::string content_type;
  FieldList headers;
  FieldBlock fields;  ///< written after `headers`
  std::string body;

  /// A field of `headers`, else of `fields`; empty when absent.
  std::string_view header(std::string_view name) const noexcept {
    const auto v = headers.find(name);
    return v.empty() ? fields.find(name) : v;
  }
};

/// Percent-decodes a URL component ('+' stays '+'); returns the input unchanged on bad escapes.
std::string url_decode(std::string_view in);

}  // namespace hub::http
