// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

/// Wire spellings of the canonical enums. Each enum E specialises EnumNames<E> with a table of
/// (value, OCPI spelling); to_string / enum_from_string work for all of them.
/// Thread safety: constexpr tables, pure functions.
namespace hub::model {

template <class E>
struct EnumNames;

template <class E>
concept NamedEnum = requires { EnumNames<E>::kValues; };

/// The OCPI spelling of an enum value ("AVAILABLE").
template <NamedEnum E>
constexpr std::string_view to_string(E e) noexcept {
  for (const auto& [value, name] : EnumNames<E>::kValues) {
    if (value == e) {
      return name;
    }
  }
  return {};
}

/// Parses the exact OCPI spelling; nullopt for anything else.
template <NamedEnum E>
constexpr std::optional<E> enum_from_string(std::string_view s) noexcept {
  for (const auto& [value, name] : EnumNames<E>::kValues) {
    if (name == s) {
      return value;
    }
  }
  return std::nullopt;
}

/// Every value of an enum, in declaration order (for exhaustive tests and mappings).
template <NamedEnum E>
constexpr auto all_values() noexcept {
  std::array<E, EnumNames<E>::kValues.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = EnumNames<E>::kValues[i].first;
  }
  return out;
}

}  // namespace hub::model

/// Declares EnumNames<E> with its table. Used once per enum in the model headers.
#define HUB_MODEL_ENUM_NAMES(E, ...)                                                        \
  template <>                                                                               \
  struct EnumNames<E> {                                                                     \
    static constexpr std::array kValues = std::to_array<std::pair<E, std::string_view>>({__VA_ARGS__}); \
  }
