// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "json_dom.hpp"

#include <ocpi/codec.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

/// The field visitors shared by every object codec. Each object is described once by a
/// `describe(V& v, Ref<V, T> obj)` function listing its members in OCPI 2.2.1 order; the
/// Reader visitor decodes a Json object through it, the Writer visitor encodes. Thread safety:
/// visitors are used by one thread for one document.
namespace hub::ocpi::detail {

using Violations = std::vector<model::Violation>;

/// The object reference a describe function receives: mutable for reading, const for writing.
template <class V, class T>
using Ref = std::conditional_t<V::kWriting, const T&, T&>;

/// Most violations kept for one document; later ones are dropped.
inline constexpr std::size_t kMaxViolations = 100;

/// Records one violation (unless the list is full).
void add_violation(Violations& errors, std::string path, std::string reason);

/// "a.b" / "b" when `path` is empty.
std::string child_path(const std::string& path, std::string_view key);
/// "a[3]".
std::string item_path(const std::string& path, std::size_t index);

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

// ---------------------------------------------------------------------------------------------
// Reading

bool read_value(const Json& j, const std::string& path, Violations& errors, std::string& out);
bool read_value(const Json& j, const std::string& path, Violations& errors, int& out);
bool read_value(const Json& j, const std::string& path, Violations& errors, bool& out);
bool read_value(const Json& j, const std::string& path, Violations& errors, model::Decimal& out);
bool read_value(const Json& j, const std::string& path, Violations& errors, model::Timestamp& out);

/// Reports a value of the wrong JSON type.
void wrong_type(const Json& j, const std::string& path, Violations& errors, std::string_view expected);
/// Reports an enum spelling that is not in the table.
void unknown_enum(const std::string& value, const std::string& path, Violations& errors);

template <model::NamedEnum E>
bool read_value(const Json& j, const std::string& path, Violations& errors, E& out) {
  if (j.kind != Json::Kind::string) {
    wrong_type(j, path, errors, "a string");
    return false;
  }
  auto e = model::enum_from_string<E>(j.text);
  if (!e) {
    unknown_enum(j.text, path, errors);
    return false;
  }
  out = *e;
  return true;
}

template <class T>
bool read_value(const Json& j, const std::string& path, Violations& errors, std::vector<T>& out) {
  if (!j.is_array()) {
    wrong_type(j, path, errors, "an array");
    return false;
  }
  out.clear();
  out.reserve(j.items.size());
  bool ok = true;
  for (std::size_t i = 0; i < j.items.size(); ++i) {
    T item{};
    if (read_value(j.items[i], item_path(path, i), errors, item)) {
      out.push_back(std::move(item));
    } else {
      ok = false;
    }
  }
  return ok;
}

/// Decodes the members of one JSON object into a model object.
class Reader {
 public:
  static constexpr bool kWriting = false;

  Reader(const Json& object, std::string path, Violations& errors)
      : object_(object), path_(std::move(path)), errors_(errors) {}

  /// A required member: absent or null is a violation.
  template <class T>
  void req(std::string_view key, T& out) {
    const Json* j = object_.find(key);
    if (j == nullptr || j->is_null()) {
      add_violation(errors_, child_path(path_, key), j == nullptr ? "required" : "required, got null");
      return;
    }
    read_value(*j, child_path(path_, key), errors_, out);
  }

  /// An optional member: absent or null leaves it empty.
  template <class T>
  void opt(std::string_view key, std::optional<T>& out) {
    const Json* j = object_.find(key);
    if (j == nullptr || j->is_null()) {
      out.reset();
      return;
    }
    T value{};
    if (read_value(*j, child_path(path_, key), errors_, value)) {
      out = std::move(value);
    }
  }

  /// An optional array: absent or null is an empty list.
  template <class T>
  void list(std::string_view key, std::vector<T>& out) {
    const Json* j = object_.find(key);
    if (j == nullptr || j->is_null()) {
      out.clear();
      return;
    }
    read_value(*j, child_path(path_, key), errors_, out);
  }

  /// A required array (OCPI cardinality "+" or "1"): it must be present; emptiness is a
  /// validation question.
  template <class T>
  void req_list(std::string_view key, std::vector<T>& out) {
    req(key, out);
  }

  /// A hub extension member "x_hub_<name>" (Flavor::canonical): optional on input.
  template <class T>
  void ext(std::string_view name, T& out) {
    std::string key = "x_hub_" + std::string(name);
    if constexpr (IsOptional<T>::value) {
      opt(key, out);
    } else if constexpr (IsVector<T>::value) {
      list(key, out);
    } else {
      const Json* j = object_.find(key);
      if (j != nullptr && !j->is_null()) {
        read_value(*j, child_path(path_, key), errors_, out);
      }
    }
  }

  const Json& object() const noexcept { return object_; }
  const std::string& path() const noexcept { return path_; }
  Violations& errors() noexcept { return errors_; }

 private:
  const Json& object_;
  std::string path_;
  Violations& errors_;
};

/// Objects with a describe function are read member by member.
template <class T>
  requires std::is_class_v<T> && requires(Reader& r, T& t) { describe(r, t); }
bool read_value(const Json& j, const std::string& path, Violations& errors, T& out) {
  if (!j.is_object()) {
    wrong_type(j, path, errors, "an object");
    return false;
  }
  std::size_t before = errors.size();
  Reader reader(j, path, errors);
  describe(reader, out);
  return errors.size() == before;
}

// ---------------------------------------------------------------------------------------------
// Writing

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_value(JsonWriter& w, Flavor f, const std::string& v);
void write_value(JsonWriter& w, Flavor f, int v);
void write_value(JsonWriter& w, Flavor f, bool v);
void write_value(JsonWriter& w, Flavor f, const model::Decimal& v);
void write_value(JsonWriter& w, Flavor f, const model::Timestamp& v);

class Writer;

/// Objects with a describe function are written member by member (defined below).
template <class T>
  requires std::is_class_v<T> && requires(Writer& w, const T& t) { describe(w, t); }
void write_value(JsonWriter& w, Flavor f, const T& v);

template <model::NamedEnum E>
void write_value(JsonWriter& w, Flavor /*f*/, E v) {
  std::string_view s = model::to_string(v);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

template <class T>
void write_value(JsonWriter& w, Flavor f, const std::vector<T>& v) {
  w.StartArray();
  for (const auto& item : v) {
    write_value(w, f, item);
  }
  w.EndArray();
}

/// Encodes the members of one model object into an open JSON object.
class Writer {
 public:
  static constexpr bool kWriting = true;

  Writer(JsonWriter& w, Flavor f) : w_(w), flavor_(f) {}

  template <class T>
  void req(std::string_view key, const T& v) {
    write_key(key);
    write_value(w_, flavor_, v);
  }
  template <class T>
  void opt(std::string_view key, const std::optional<T>& v) {
    if (v) {
      req(key, *v);
    }
  }
  template <class T>
  void list(std::string_view key, const std::vector<T>& v) {
    if (!v.empty()) {
      req(key, v);
    }
  }
  template <class T>
  void req_list(std::string_view key, const std::vector<T>& v) {
    req(key, v);
  }
  template <class T>
  void ext(std::string_view name, const T& v) {
    if (flavor_ != Flavor::canonical) {
      return;
    }
    std::string key = "x_hub_" + std::string(name);
    if constexpr (IsOptional<T>::value) {
      opt(key, v);
    } else if constexpr (IsVector<T>::value) {
      list(key, v);
    } else {
      req(key, v);
    }
  }

  JsonWriter& raw() noexcept { return w_; }
  Flavor flavor() const noexcept { return flavor_; }

 private:
  void write_key(std::string_view key) { w_.Key(key.data(), static_cast<rapidjson::SizeType>(key.size())); }

  JsonWriter& w_;
  Flavor flavor_;
};

template <class T>
  requires std::is_class_v<T> && requires(Writer& w, const T& t) { describe(w, t); }
void write_value(JsonWriter& w, Flavor f, const T& v) {
  w.StartObject();
  Writer writer(w, f);
  describe(writer, v);
  w.EndObject();
}

/// Encodes one described object as a compact JSON document.
template <class T>
std::string encode_object(const T& v, Flavor f) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write_value(w, f, v);
  return std::string(buffer.GetString(), buffer.GetSize());
}

/// Parses `json` and checks that the root is an object; nullptr (with a violation) otherwise.
const Json* parse_root(std::string_view json, std::optional<Json>& storage, Violations& errors);

}  // namespace hub::ocpi::detail
