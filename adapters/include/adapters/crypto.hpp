// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

/// Small cryptographic helpers over OpenSSL (which stays inside adapters/): random tokens,
/// salted password hashes and constant-time comparison.
/// Thread safety: all functions are safe from any thread.
namespace hub::crypto {

/// `bytes` random bytes from OpenSSL's CSPRNG, hex encoded (2*bytes characters).
std::string random_hex(std::size_t bytes);
/// A random token of 32 bytes, URL-safe (hex). Used for OCPI tokens and the admin token.
std::string random_token();
/// Hex SHA-256 of salt + password.
std::string password_hash(std::string_view salt, std::string_view password);
/// Compares two strings in time that depends only on their lengths.
bool constant_time_equals(std::string_view a, std::string_view b) noexcept;
/// Checks a password against a salt and stored hash in constant time.
bool password_matches(std::string_view salt, std::string_view stored_hash, std::string_view password);

}  // namespace hub::crypto
