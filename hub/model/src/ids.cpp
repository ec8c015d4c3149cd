// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/model/ids.hpp>

#include <array>
#include <utility>

namespace hub::model {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 7> kRoles{{
    {Role::cpo, "CPO"},
    {Role::emsp, "EMSP"},
    {Role::hub, "HUB"},
    {Role::nap, "NAP"},
    {Role::nsp, "NSP"},
    {Role::other, "OTHER"},
    {Role::scsp, "SCSP"},
}};

// ASCII only, whatever the process locale: ids are ASCII (and no locale lookup per character).
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - ('a' - 'A')) : c; }
bool is_sep(char c) { return c == '*' || c == '-'; }

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = upper(c);
  }
  return out;
}

// Splits an eMI3 id into country (2 alpha), party (3 alnum) and the rest, accepting '*', '-' or
// no separator between the parts. `id_type` is the letter that starts the id part in the
// unseparated form ('E' for EVSE ids, none checked for contract ids).
struct Split {
  PartyRef party;
  std::string rest;       ///< everything after the party prefix, separators dropped at its start
  char separator = '\0';  ///< separator used after the country code, '\0' when none
};

std::optional<Split> split_emi3(std::string_view id) {
  if (id.size() < 5 || !is_alpha(id[0]) || !is_alpha(id[1])) {
    return std::nullopt;
  }
  Split out;
  out.party.country_code = to_upper(id.substr(0, 2));
  std::size_t pos = 2;
  if (pos < id.size() && is_sep(id[pos])) {
    out.separator = id[pos];
    ++pos;
  }
  if (id.size() < pos + 3) {
    return std::nullopt;
  }
  auto pid = id.substr(pos, 3);
  for (char c : pid) {
    if (!is_alnum(c)) {
      return std::nullopt;
    }
  }
  out.party.party_id = to_upper(pid);
  pos += 3;
  if (pos < id.size()) {
    if (is_sep(id[pos])) {
      if (out.separator != '\0' && id[pos] != out.separator) {
        return std::nullopt;
      }
      ++pos;
      if (pos == id.size()) {
        return std::nullopt;  // "DE*ABC*": a separator with nothing after it
      }
    } else if (out.separator != '\0') {
      return std::nullopt;  // "DE*ABCE123" mixes separated and unseparated forms
    }
  }
  out.rest = std::string(id.substr(pos));
  return out;
}

}  // namespace

std::string_view to_string(Role r) noexcept {
  for (const auto& [role, name] : kRoles) {
    if (role == r) {
      return name;
    }
  }
  return "OTHER";
}

std::optional<Role> role_from_string(std::string_view s) noexcept {
  for (const auto& [role, name] : kRoles) {
    if (name == s) {
      return role;
    }
  }
  return std::nullopt;
}

std::optional<PartyRef> make_party_ref(std::string_view country_code, std::string_view party_id) {
  if (country_code.size() != 2 || party_id.size() != 3) {
    return std::nullopt;
  }
  for (char c : country_code) {
    if (!is_alpha(c)) {
      return std::nullopt;
    }
  }
  for (char c : party_id) {
    if (!is_alnum(c)) {
      return std::nullopt;
    }
  }
  // Upper-cased into the strings' own buffers (both fit the small-string buffer).
  PartyRef r;
  r.country_code.assign({upper(country_code[0]), upper(country_code[1])});
  r.party_id.assign({upper(party_id[0]), upper(party_id[1]), upper(party_id[2])});
  return r;
}

std::optional<PartyRef> parse_party_prefix(std::string_view prefix) {
  auto s = split_emi3(prefix);
  if (!s || !s->rest.empty()) {
    return std::nullopt;
  }
  return s->party;
}

std::optional<PartyRef> evse_id_operator(std::string_view evse_id) {
  auto s = split_emi3(evse_id);
  if (!s || s->rest.empty()) {
    return std::nullopt;
  }
  // The id part of an EVSE id starts with 'E' (eMI3: ^[A-Z]{2}\*?[A-Z0-9]{3}\*?E[A-Z0-9\*]{1,30}$).
  if (upper(s->rest[0]) != 'E') {
    return std::nullopt;
  }
  return s->party;
}

std::optional<PartyRef> contract_id_provider(std::string_view contract_id) {
  auto s = split_emi3(contract_id);
  if (!s || s->rest.empty()) {
    return std::nullopt;
  }
  return s->party;
}

namespace {
std::optional<std::string> normalize(std::string_view id, bool evse) {
  auto s = split_emi3(id);
  if (!s || s->rest.empty()) {
    return std::nullopt;
  }
  if (evse && upper(s->rest[0]) != 'E') {
    return std::nullopt;
  }
  std::string out = s->party.emi3();
  out += '*';
  for (char c : s->rest) {
    if (is_sep(c)) {
      out += '*';
    } else if (is_alnum(c)) {
      out += upper(c);
    } else {
      return std::nullopt;
    }
  }
  return out;
}
}  // namespace

std::optional<std::string> normalize_evse_id(std::string_view evse_id) {
  return normalize(evse_id, true);
}

std::optional<std::string> normalize_contract_id(std::string_view contract_id) {
  return normalize(contract_id, false);
}

}  // namespace hub::model
