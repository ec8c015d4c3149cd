// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

/// Base64 (RFC 4648 section 4, standard alphabet), as OCPI 2.2.1 puts credentials tokens in the
/// Authorization header. Thread safety: stateless.
namespace hub::base64 {

/// Encoded with '=' padding.
std::string encode(std::string_view in);
/// Decoded; padding optional. Empty optional on a character outside the alphabet or an
/// impossible length.
std::optional<std::string> decode(std::string_view in);

}  // namespace hub::base64
