// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string_view>

/// Checks of text that both protocols' codecs need. Thread safety: stateless.
namespace hub::text {

/// Whether every byte is below 0x80 (eight bytes at a time).
bool is_ascii(std::string_view s) noexcept;

/// Whether `s` is well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800 to
/// U+DFFF), nothing above U+10FFFF.
bool is_utf8(std::string_view s) noexcept;

/// Whether XML 1.0 can carry the character (its production Char): tab, LF, CR, U+0020 to
/// U+D7FF, U+E000 to U+FFFD and U+10000 to U+10FFFF.
constexpr bool is_xml_char(std::uint32_t c) noexcept {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

}  // namespace hub::text
