// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/model/party.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

/// The Redis hash form of a Party (field name, value). Private to the registry.
namespace hub::routing::detail {

std::vector<std::pair<std::string, std::string>> to_record(const model::Party& p);
/// nullopt when required fields are missing or malformed (a corrupt record is skipped, not fatal).
std::optional<model::Party> from_record(const std::string& id,
                                        const std::vector<std::pair<std::string, std::string>>& fields);
/// The unique index keys a party owns: roles, OCHP username, OCPI tokens.
std::vector<std::string> index_keys(const model::Party& p);
std::string party_key(const std::string& id);

}  // namespace hub::routing::detail
