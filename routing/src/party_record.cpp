// SPDX-License-Identifier: GPL-2.0-or-later
#include "party_record.hpp"

#include <charconv>
#include <sstream>

namespace hub::routing::detail {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) {
    out.push_back(std::move(cur));
  }
  return out;
}

std::int64_t to_int(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

std::string party_key(const std::string& id) { return "hub:party:" + id; }

std::vector<std::pair<std::string, std::string>> to_record(const model::Party& p) {
  std::string roles;
  for (const auto& r : p.roles) {
    roles += std::string(model::to_string(r.role)) + " " + r.ref.country_code + " " + r.ref.party_id + "\n";
  }
  std::string endpoints;
  for (const auto& e : p.endpoints) {
    endpoints += e.module + "\t" + e.interface + "\t" + e.url + "\n";
  }
  return {
      {"name", p.name},
      {"protocol", std::string(model::to_string(p.protocol))},
      {"status", std::string(model::to_string(p.status))},
      {"roles", roles},
      {"endpoints", endpoints},
      {"ocpi_token_a", p.ocpi.token_a},
      {"ocpi_token_b", p.ocpi.token_b},
      {"ocpi_token_c", p.ocpi.token_c},
      {"ocpi_versions_url", p.ocpi.versions_url},
      {"ocpi_version", p.ocpi.version},
      {"ocpi_auth_plain", p.ocpi.auth_plain ? "1" : "0"},
      {"ocpi_realtime_authorize", p.ocpi.realtime_authorize ? "1" : "0"},
      {"ochp_username", p.ochp.username},
      {"ochp_password_hash", p.ochp.password_hash},
      {"ochp_password_salt", p.ochp.password_salt},
      {"created_at", std::to_string(p.created_at)},
      {"updated_at", std::to_string(p.updated_at)},
  };
}

std::optional<model::Party> from_record(const std::string& id,
                                        const std::vector<std::pair<std::string, std::string>>& fields) {
  model::Party p;
  p.id = id;
  bool has_protocol = false;
  for (const auto& [k, v] : fields) {
    if (k == "name") {
      p.name = v;
    } else if (k == "protocol") {
      auto proto = model::protocol_from_string(v);
      if (!proto) {
        return std::nullopt;
      }
      p.protocol = *proto;
      has_protocol = true;
    } else if (k == "status") {
      auto st = model::party_status_from_string(v);
      if (!st) {
        return std::nullopt;
      }
      p.status = *st;
    } else if (k == "roles") {
      for (const auto& line : split(v, '\n')) {
        auto parts = split(line, ' ');
        if (parts.size() != 3) {
          return std::nullopt;
        }
        auto role = model::role_from_string(parts[0]);
        auto ref = model::make_party_ref(parts[1], parts[2]);
        if (!role || !ref) {
          return std::nullopt;
        }
        p.roles.push_back({*role, *ref});
      }
    } else if (k == "endpoints") {
      for (const auto& line : split(v, '\n')) {
        auto parts = split(line, '\t');
        if (parts.size() != 3) {
          return std::nullopt;
        }
        p.endpoints.push_back({parts[0], parts[1], parts[2]});
      }
    } else if (k == "ocpi_token_a") {
      p.ocpi.token_a = v;
    } else if (k == "ocpi_token_b") {
      p.ocpi.token_b = v;
    } else if (k == "ocpi_token_c") {
      p.ocpi.token_c = v;
    } else if (k == "ocpi_versions_url") {
      p.ocpi.versions_url = v;
    } else if (k == "ocpi_version") {
      p.ocpi.version = v;
    } else if (k == "ocpi_auth_plain") {
      p.ocpi.auth_plain = v == "1";
    } else if (k == "ocpi_realtime_authorize") {
      p.ocpi.realtime_authorize = v == "1";
    } else if (k == "ochp_username") {
      p.ochp.username = v;
    } else if (k == "ochp_password_hash") {
      p.ochp.password_hash = v;
    } else if (k == "ochp_password_salt") {
      p.ochp.password_salt = v;
    } else if (k == "created_at") {
      p.created_at = to_int(v);
    } else if (k == "updated_at") {
      p.updated_at = to_int(v);
    }
  }
  if (!has_protocol || p.roles.empty()) {
    return std::nullopt;
  }
  return p;
}

std::vector<std::string> index_keys(const model::Party& p) {
  std::vector<std::string> keys;
  for (const auto& r : p.roles) {
    keys.push_back("hub:idx:role:" + std::string(model::to_string(r.role)) + ":" + r.ref.country_code + ":" +
                   r.ref.party_id);
  }
  if (p.protocol == model::Protocol::ochp && !p.ochp.username.empty()) {
    keys.push_back("hub:idx:ochp-user:" + p.ochp.username);
  }
  if (p.protocol == model::Protocol::ocpi) {
    for (const auto* t : {&p.ocpi.token_a, &p.ocpi.token_c}) {
      if (!t->empty()) {
        keys.push_back("hub:idx:ocpi-token:" + *t);
      }
    }
  }
  return keys;
}

}  // namespace hub::routing::detail
