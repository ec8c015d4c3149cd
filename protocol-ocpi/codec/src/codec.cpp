// SPDX-License-Identifier: GPL-2.0-or-later
#include "json_dom.hpp"

#include <ocpi/codec.hpp>

#include <utility>

namespace hub::ocpi {

template <class T>
std::string Decoded<T>::message() const {
  constexpr std::size_t kShown = 5;
  std::string out;
  for (std::size_t i = 0; i < errors.size() && i < kShown; ++i) {
    if (!out.empty()) {
      out += "; ";
    }
    if (!errors[i].path.empty()) {
      out += errors[i].path;
      out += ": ";
    }
    out += errors[i].reason;
  }
  if (errors.size() > kShown) {
    out += "; and " + std::to_string(errors.size() - kShown) + " more";
  }
  return out;
}

template struct Decoded<model::Location>;
template struct Decoded<model::Evse>;
template struct Decoded<model::Connector>;
template struct Decoded<model::EvseStatusUpdate>;
template struct Decoded<model::Tariff>;
template struct Decoded<model::Token>;
template struct Decoded<model::AuthorizationInfo>;
template struct Decoded<model::Session>;
template struct Decoded<model::Cdr>;
template struct Decoded<model::CommandRequest>;
template struct Decoded<model::CommandResponse>;
template struct Decoded<model::CommandResult>;
template struct Decoded<model::ChargingProfile>;
template struct Decoded<model::SetChargingProfile>;
template struct Decoded<model::ChargingProfileResponse>;
template struct Decoded<model::ActiveChargingProfileResult>;
template struct Decoded<model::ChargingProfileResult>;
template struct Decoded<model::ActiveChargingProfile>;

Result<std::string> merge_patch(std::string_view stored, std::string_view patch) {
  auto base = detail::parse_json(stored);
  auto change = detail::parse_json(patch);
  if (!base.value || !change.value || !base.value->is_object() || !change.value->is_object()) {
    return make_error_code(Errc::invalid_request);
  }
  const detail::Json* last_updated = change.value->find("last_updated");
  if (last_updated == nullptr || last_updated->kind != detail::Json::Kind::string) {
    return make_error_code(Errc::invalid_request);
  }
  detail::Json merged = std::move(*base.value);
  for (auto& m : change.value->members) {
    auto it = merged.members.begin();
    while (it != merged.members.end() && it->key != m.key) {
      ++it;
    }
    if (m.value.is_null()) {
      // A null in a patch clears the member (it is optional, or decoding reports it).
      if (it != merged.members.end()) {
        merged.members.erase(it);
      }
    } else if (it != merged.members.end()) {
      it->value = std::move(m.value);
    } else {
      merged.members.push_back(std::move(m));
    }
  }
  std::string out;
  detail::write_json(merged, out);
  return out;
}

}  // namespace hub::ocpi
