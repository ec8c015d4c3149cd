// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <string_view>
#include <vector>

/// Semantic comparison of two JSON documents for codec tests: member order is ignored, numbers
/// are compared by exact decimal value (2.00 == 2), strings that are both date-times by instant.
/// Each difference is reported as "path: description".
namespace hub::ocpi::test {

std::vector<std::string> json_diff(std::string_view expected, std::string_view actual);

/// The differences joined by newlines, for assertion messages.
std::string join(const std::vector<std::string>& lines);

}  // namespace hub::ocpi::test
